"""Workbench sessions, kept on the server (models.accounts.WebSession).

A browser's cookie holds a random token; the table holds the token's SHA-256, the account and
when the session began and was last used. A session ends at logout, after ``SESSION_HOURS``
hours, after ``ZWGK_SESSION_IDLE_MIN`` minutes unused, and at once when its account's password
is changed or reset, the account is disabled or its person leaves the roster (those delete the
rows: zwgk.setup.accounts.end_sessions). A replayed cookie of an ended session finds no row.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models.accounts import Account, WebSession
from models.types import utcnow
from zwgk.core.permissions import Actor
from zwgk.core.settings import get_settings
from zwgk.setup.accounts import actor_of

SESSION_HOURS = 8
# How stale "last used" may get before it is written again: a page view writes at most once a minute.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Resumed:
    """A live session: its account, whom it acts as, and a message left for this page."""

    account: Account
    actor: Actor
    notice: str


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A random session token (256 bits), for a browser that has none yet."""
    return secrets.token_urlsafe(32)


def start_session(session: Session, *, account: Account) -> str:
    """A new session for ``account`` (commits); the token for the cookie. Always a new token,
    so that a token planted in a browser before the login never becomes a session."""
    token = new_token()
    session.add(WebSession(id=_key(token), account_id=account.id))  # type: ignore[arg-type]
    session.commit()
    return token


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def resume_session(session: Session, token: str) -> Resumed | None:
    """The live session of ``token``, or None (ended, expired, idle too long, or its account
    can no longer act). Commits when it records the use or hands over the message."""
    row = session.get(WebSession, _key(token)) if token else None
    if row is None:
        return None
    now = utcnow()
    idle = timedelta(minutes=get_settings().session_idle_min)
    account = session.get(Account, row.account_id)
    actor = actor_of(session, account) if account is not None else None
    if actor is None or now - _aware(row.created_at) > timedelta(hours=SESSION_HOURS) \
            or now - _aware(row.seen_at) > idle:
        session.delete(row)
        session.commit()
        return None
    assert account is not None
    notice = row.notice
    if notice or now - _aware(row.seen_at) >= TOUCH_EVERY:
        row.seen_at, row.notice = now, ""
        session.add(row)
        session.commit()
    return Resumed(account, actor, notice)


def leave_notice(session: Session, token: str, notice: str) -> None:
    """Keep ``notice`` for the session's next page (after a redirect); commits."""
    row = session.get(WebSession, _key(token))
    if row is not None:
        row.notice = notice
        session.add(row)
        session.commit()


def end_session(session: Session, token: str) -> None:
    """End the session of ``token`` (logout); commits."""
    row = session.get(WebSession, _key(token)) if token else None
    if row is not None:
        session.delete(row)
        session.commit()
