"""The session cookie, the login requirement, CSRF tokens and the permission check of every route.

The cookie (signed, HttpOnly, SameSite=Strict; Secure behind HTTPS) carries one random token and
nothing else: the session itself is kept on the server (zwgk.setup.sessions). The CSRF token is
an HMAC of that token under the secret key, so it changes at every login and checking a form
needs no database: ``check_csrf`` is async (it reads the body) and touches nothing else, while
the dependencies that read the database are plain functions, which FastAPI runs in its thread
pool, never on the event loop.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, Request, Response
from sqlmodel import Session

from models.accounts import Account
from zwgk.adapters.db import get_engine
from zwgk.core.permissions import Action, Actor, may
from zwgk.core.settings import get_settings
from zwgk.setup import sessions

DEVICE_COOKIE = "zwgk_device"
NOT_FOUND = "页面不存在 (not found)"


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


def not_found() -> Refused:
    """The one answer for "no such thing" and "not yours": the same page either way."""
    return Refused(404, NOT_FOUND)


@dataclass(frozen=True)
class Caller:
    """The logged-in account, whom it acts as, and a message left for this page."""

    account: Account
    actor: Actor
    notice: str = ""


def db_session() -> Iterator[Session]:
    """A database session for one request (a plain generator: run in the thread pool)."""
    with Session(get_engine(get_settings().database_url), expire_on_commit=False) as session:
        yield session


def session_token(request: Request) -> str:
    """The browser's session token, made on first use (a visitor gets one for the login form)."""
    token = request.session.get("sid")
    if not isinstance(token, str) or not token:
        token = request.session["sid"] = sessions.new_token()
    return token


def csrf_token(request: Request) -> str:
    """The CSRF token of the browser's session: an HMAC of its token, new at every login."""
    key = request.app.state.secret.encode()
    return hmac.new(key, b"csrf\0" + session_token(request).encode(), hashlib.sha256).hexdigest()


def resume(request: Request, session: Session) -> Caller | None:
    """The caller of the browser's live session, or None. The lookup's transaction ends here:
    between this dependency and the route the request may wait for a thread, and must not hold
    a connection of the pool meanwhile (a crowd of such requests would take them all)."""
    resumed = sessions.resume_session(session, request.session.get("sid") or "")
    session.commit()  # nothing to write; unlike a rollback, keeps what was read (no lazy reload later)
    return Caller(resumed.account, resumed.actor, resumed.notice) if resumed else None


def page_caller(request: Request, session: Session = Depends(db_session)) -> Caller:
    """The caller of a page (GET); LoginRequired redirects to /login."""
    caller = resume(request, session)
    if caller is None:
        raise LoginRequired()
    if caller.account.must_change_password:
        raise PasswordChangeRequired()
    return caller


async def check_csrf(request: Request) -> None:
    """403 unless the form carries the session's CSRF token (reads the body; no database)."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, csrf_token(request)):
        raise Refused(403, "表单已过期或来源不明，请刷新页面后重试 (missing or invalid csrf_token)")


def form_caller(request: Request, _csrf: None = Depends(check_csrf),
                session: Session = Depends(db_session)) -> Caller:
    """The caller of a state-changing form: refused (403) without a valid CSRF token or a
    session, before anything is done."""
    caller = resume(request, session)
    if caller is None:
        raise Refused(403, "请先登录 (login required)")
    if caller.account.must_change_password:
        raise PasswordChangeRequired()
    return caller


def log_in(request: Request, token: str) -> None:
    """Make the browser carry the new session ``token`` (from zwgk.setup.sessions.start_session)."""
    request.session.clear()
    request.session["sid"] = token


def keep_device(response: Response, device_token: str) -> None:
    """Let the browser keep its device token (zwgk.setup.logins): its own failures, not others',
    slow its next logins down."""
    response.set_cookie(DEVICE_COOKIE, device_token, max_age=180 * 86400, httponly=True, samesite="strict",
                        secure=get_settings().https, path="/")


def leave_notice(request: Request, session: Session, notice: str) -> None:
    """A message for the next page of this session (shown after a redirect)."""
    sessions.leave_notice(session, request.session.get("sid") or "", notice)


def ensure(caller: Caller, action: Action, obj: object = None, *, hide: bool = False) -> None:
    """Go on only if the caller may do ``action``; otherwise 403, or with ``hide`` the page
    every missing object gets (another unit's page or file must not even show that it exists)."""
    if not may(caller.actor, action, obj):
        if hide:
            raise not_found()
        raise Refused(403, "您没有办理此事项的权限 (not allowed)")
