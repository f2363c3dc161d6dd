"""Sessions, the login requirement, CSRF tokens and the permission check of every route.

The session cookie (signed, HttpOnly, SameSite=Strict) holds the account id, the time its
password was last set (a reset or a change ends older sessions) and the CSRF token.
"""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlmodel import Session

from models.accounts import Account
from zwgk.adapters.db import get_engine
from zwgk.core.permissions import Action, Actor, may
from zwgk.core.settings import get_settings
from zwgk.setup.accounts import actor_of


class LoginRequired(Exception):
    """No valid session: a page redirects to /login, a POST is refused."""


class PasswordChangeRequired(Exception):
    """The account still has its one-time password."""


class Refused(Exception):
    """Not allowed: 403, or 404 where the object's existence must not show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Caller:
    """The logged-in account and whom it acts as."""

    account: Account
    actor: Actor


def db_session() -> Iterator[Session]:
    """A database session for one request."""
    with Session(get_engine(get_settings().database_url), expire_on_commit=False) as session:
        yield session


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def log_in(request: Request, account: Account) -> None:
    """Start a fresh session for ``account`` (a new CSRF token too)."""
    request.session.clear()
    request.session.update({"aid": account.id, "pw": account.password_changed_at.isoformat(),
                            "csrf": secrets.token_urlsafe(32)})


def session_caller(request: Request, session: Session) -> Caller | None:
    account_id = request.session.get("aid")
    account = session.get(Account, account_id) if isinstance(account_id, int) else None
    if account is None or request.session.get("pw") != account.password_changed_at.isoformat():
        return None
    actor = actor_of(session, account)
    return Caller(account, actor) if actor else None


def page_caller(request: Request, session: Session = Depends(db_session)) -> Caller:
    """The caller of a page (GET); LoginRequired redirects to /login."""
    caller = session_caller(request, session)
    if caller is None:
        raise LoginRequired()
    if caller.account.must_change_password:
        raise PasswordChangeRequired()
    return caller


async def check_csrf(request: Request) -> None:
    """403 unless the form carries the session's CSRF token."""
    form = await request.form()
    sent = form.get("csrf_token")
    token = request.session.get("csrf")
    if not token or not isinstance(sent, str) or not secrets.compare_digest(sent, token):
        raise Refused(403, "表单已过期或来源不明，请刷新页面后重试 (missing or invalid csrf_token)")


async def form_caller(request: Request, session: Session = Depends(db_session)) -> Caller:
    """The caller of a state-changing form: refused (403) without a session or a valid CSRF
    token, before anything is done."""
    caller = session_caller(request, session)
    if caller is None:
        raise Refused(403, "请先登录 (login required)")
    await check_csrf(request)
    if caller.account.must_change_password:
        raise PasswordChangeRequired()
    return caller


def ensure(caller: Caller, action: Action, obj: object = None, *, hide: bool = False) -> None:
    """Go on only if the caller may do ``action``; otherwise 403, or 404 with ``hide`` (another
    unit's page or file must not even show that it exists)."""
    if not may(caller.actor, action, obj):
        if hide:
            raise Refused(404, "页面不存在 (not found)")
        raise Refused(403, "您没有办理此事项的权限 (not allowed)")
