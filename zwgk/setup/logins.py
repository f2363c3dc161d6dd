"""Logging in to the workbench: the password check, slowed down after failures, never locked.

Failed attempts make the next one wait (models.accounts.throttle_delay, at most 60 s), counted
over the last hour three ways:

- per account, for browsers it does not know: someone guessing from anywhere slows every
  unknown browser down, never to more than one attempt a minute (ASVS 2.2.1);
- per source address, across logins: one address spraying many logins slows itself down;
- per device: a browser where the account logged in before carries a signed device token
  (OWASP's "device cookies") and is slowed down only by its own failures. Someone else's
  failures never keep the holder out there; on a browser new to the account, for at most 60 s
  after the last failure, and ``zwgk accounts reset`` clears them at once.

An attempt made while it must wait is refused without checking the password. Every refusal says
the same sentence after the same work (a password hash checked, an attempt row written), so
neither the words nor the time tell an unknown login, a wrong password, a disabled account or a
waiting one apart. The audit log gets each login, each failure of a real account (at most 67 an
hour each) and the moment an account or an address starts being slowed down; refusals while
waiting are counted in the attempts table only, which keeps just the last hour.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from models.accounts import (
    FREE_PER_ACCOUNT,
    FREE_PER_SOURCE,
    THROTTLE_WINDOW,
    Account,
    LoginAttempt,
    throttle_delay,
)
from models.audit import record
from models.text import TextRefused, clean_text
from models.types import utcnow
from zwgk.setup.accounts import actor_of, audit_name, secret_key
from zwgk.setup.passwords import verify_dummy, verify_password

REFUSED = ("登录名或密码不正确；如多次失败，请稍候一分钟再试 "
           "(wrong login or password; after several failures wait a minute)")
DEVICE_DAYS = 180


class LoginRefused(ValueError):
    """A login refused; always the one message REFUSED, whatever the reason."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


@dataclass(frozen=True)
class LoggedIn:
    """A successful login: the account and the device token its browser keeps from now on."""

    account: Account
    device_token: str


def _serializer(session: Session) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(session), salt="zwgk-device")


def _device_id(session: Session, token: str, login: str) -> str:
    """The id of the device token ``token`` if it is valid and was given to ``login``, else ''."""
    if not token:
        return ""
    try:
        held = _serializer(session).loads(token, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return ""
    return held["d"] if isinstance(held, dict) and held.get("l") == login else ""


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _failures(session: Session, since: datetime, *conditions: object) -> tuple[int, datetime | None]:
    """How many failed attempts matching ``conditions`` were made since ``since``, and the last one's time."""
    count, last = session.exec(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.outcome == "failed", LoginAttempt.at >= since, *conditions)).one()  # type: ignore[arg-type]
    return count, _aware(last)


def _since_success(session: Session, floor: datetime, *conditions: object) -> datetime:
    """The later of ``floor`` and the last successful login matching ``conditions``."""
    last = session.exec(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.outcome == "ok", *conditions)).one()  # type: ignore[arg-type]
    return max(floor, _aware(last) or floor)


def _wait(delay: timedelta, last: datetime | None, now: datetime) -> timedelta:
    return max(timedelta(0), last + delay - now) if last is not None else timedelta(0)


@dataclass(frozen=True)
class _Counts:
    """Failures that decide whether an attempt must wait, with the last one's time."""

    account: tuple[int, datetime | None]
    source: tuple[int, datetime | None]
    device: tuple[int, datetime | None]


def _counts(session: Session, login: str, source: str, device: str, now: datetime) -> _Counts:
    hour_ago = now - THROTTLE_WINDOW
    by_login = col(LoginAttempt.login) == login
    if device:
        on_device = col(LoginAttempt.device) == device
        since = _since_success(session, hour_ago, by_login, on_device)
        return _Counts((0, None), (0, None), _failures(session, since, by_login, on_device))
    # Only a login from a browser without a device token ends the count of such browsers'
    # failures: the holder logging in on their own browser leaves others' failures counted.
    unknown_browser = col(LoginAttempt.device) == ""
    since = _since_success(session, hour_ago, by_login, unknown_browser)
    return _Counts(_failures(session, since, by_login, unknown_browser),
                   _failures(session, hour_ago, col(LoginAttempt.source) == source), (0, None))


def _must_wait(counts: _Counts, now: datetime) -> bool:
    return any(_wait(throttle_delay(n, free), last, now) > timedelta(0) for (n, last), free in (
        (counts.account, FREE_PER_ACCOUNT), (counts.source, FREE_PER_SOURCE), (counts.device, FREE_PER_ACCOUNT)))


def _audit_failure(session: Session, account: Account | None, login: str, source: str, counts: _Counts) -> None:
    """A real account's failure, and the moment an account or an address starts being slowed down."""
    who = audit_name(account) if account is not None else login
    if account is not None:
        reason = "账户已停用或已不在人员名单中" if actor_of(session, account) is None else "密码不正确"
        record(session, actor=who, action="login.failed", detail={"login": login, "source": source, "reason": reason})
    if account is not None and counts.account[0] + 1 == FREE_PER_ACCOUNT:
        record(session, actor=who, action="login.throttle",
               detail=f"{login}：一小时内登录失败 {FREE_PER_ACCOUNT} 次，此后每次失败须等待更久（最长 60 秒）")
    if counts.source[0] + 1 == FREE_PER_SOURCE:
        record(session, actor=who, action="login.throttle",
               detail=f"来源地址 {source}：一小时内登录失败 {FREE_PER_SOURCE} 次，此后每次失败须等待更久（最长 60 秒）")


def authenticate(session: Session, *, login: str, password: str, source: str = "",
                 device_token: str = "") -> LoggedIn:
    """The account ``login`` if ``password`` is right, the account usable and no wait pending;
    LoginRefused otherwise. ``source`` is the client's address, ``device_token`` what its
    browser holds from an earlier login. Commits the attempt (and its audit rows)."""
    try:
        login = clean_text(login, where="登录名 (login)")[:64]
    except TextRefused:  # no account has such a login; keep it out of the tables
        login = "?"
    now = utcnow()
    account = session.exec(select(Account).where(Account.login == login)).first()
    device = _device_id(session, device_token, login)
    counts = _counts(session, login, source, device, now)
    if _must_wait(counts, now):
        verify_dummy(password)
        outcome = "throttled"
    elif account is None:
        verify_dummy(password)
        outcome = "failed"
    else:
        right = verify_password(account.password_hash, password)
        outcome = "ok" if right and actor_of(session, account) is not None else "failed"
    session.add(LoginAttempt(login=login, at=now, outcome=outcome, source=source, device=device))
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < now - THROTTLE_WINDOW))
    if outcome == "failed":
        _audit_failure(session, account, login, source, counts)
    if outcome == "ok":
        assert account is not None
        record(session, actor=audit_name(account), action="login.ok", detail={"login": login, "source": source})
    session.commit()
    if outcome != "ok":
        raise LoginRefused()
    assert account is not None
    # A browser new to the account gets a device token of its own; a known one keeps its id.
    return LoggedIn(account, _serializer(session).dumps({"l": login, "d": device or secrets.token_urlsafe(12)}))
