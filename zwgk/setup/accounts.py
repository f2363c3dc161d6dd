"""Workbench accounts: create, reset, disable, list; log in with a lockout; the session key.

A person's account acts with the roles the roster gives that person today; a unit's account
acts for its unit only. Passwords are kept as argon2 hashes. Every login, failure and
lockout goes to the audit log under the person's name or the unit's login.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from models.accounts import (
    LOCKOUT_FAILURES,
    LOCKOUT_MINUTES,
    Account,
    AppSecret,
    LoginAttempt,
)
from models.audit import record
from models.district import district_profile
from models.text import TextRefused, clean_text
from models.types import utcnow
from models.units import Member, Unit
from zwgk.core.permissions import Actor
from zwgk.core.settings import get_settings

MIN_PASSWORD = 8
# argon2's cheapest parameters, for test suites that log in hundreds of times (ZWGK_PASSWORD_HASH=fast).
FAST_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


class AccountError(ValueError):
    """An account command or a login that cannot be done (message in Chinese)."""


class LoginRefused(AccountError):
    """Wrong login or password, or an account that is locked or disabled."""


@dataclass(frozen=True)
class AccountRow:
    """An account as listed for the office."""

    login: str
    holder: str  # the person's name, or the unit's name
    kind: str  # 个人 / 单位
    roles: str
    must_change_password: bool
    disabled: bool


def _hasher() -> PasswordHasher:
    """argon2-cffi's recommended parameters, or the cheapest with ZWGK_PASSWORD_HASH=fast. A
    stored hash carries its own parameters, so either setting verifies the other's hashes."""
    return PasswordHasher(**FAST_HASH) if get_settings().password_hash == "fast" else PasswordHasher()


def _one_time_password() -> str:
    return secrets.token_urlsafe(9)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符 (password too short)")


def _get(session: Session, login: str) -> Account:
    account = session.exec(select(Account).where(Account.login == login)).first()
    if account is None:
        raise AccountError(f"没有登录名为“{login}”的账户 (no such account: {login})")
    return account


def create_account(session: Session, *, login: str, actor: str, person: str | None = None,
                   unit: str | None = None, password: str | None = None) -> tuple[Account, str | None]:
    """Create the account ``login`` for a person on the roster or for an assessed unit (commits).

    Without ``password`` a one-time password is generated and returned; it must be changed at
    the first login.
    """
    login = clean_text(login, where="登录名 (login)")
    if not login or len(login) > 64 or any(ch.isspace() for ch in login):
        raise AccountError("登录名不能为空、不能含空格，最多 64 个字符 (bad login)")
    if (person is None) == (unit is None):
        raise AccountError("请指定 --person 姓名 或 --unit 单位名称 之一 (give exactly one of --person, --unit)")
    if session.exec(select(Account).where(Account.login == login)).first() is not None:
        raise AccountError(f"登录名“{login}”已存在 (login taken)")
    unit_id = None
    if person is not None and session.exec(select(Member).where(Member.name == person)).first() is None:
        raise AccountError(f"人员名单中没有“{person}”，请先 zwgk people import (not on the roster: {person})")
    if unit is not None:
        row = session.exec(select(Unit).where(Unit.name == unit)).first()
        if row is None:
            raise AccountError(f"单位名册中没有“{unit}”，请用 zwgk units list 查看 (no such unit: {unit})")
        unit_id = row.id
    one_time = None
    if password is None:
        password = one_time = _one_time_password()
    _check_password(password)
    account = Account(login=login, person=person or "", unit_id=unit_id, password_hash=_hasher().hash(password),
                      must_change_password=one_time is not None)
    session.add(account)
    record(session, actor=actor, action="account.create", detail=f"{login}（{person or unit}）")
    session.commit()
    return account, one_time


def reset_password(session: Session, *, login: str, actor: str) -> str:
    """Give ``login`` a new one-time password (to change at the next login); commits."""
    account = _get(session, login)
    password = _one_time_password()
    account.password_hash = _hasher().hash(password)
    account.must_change_password = True
    account.password_changed_at = utcnow()
    session.add(account)
    record(session, actor=actor, action="account.reset", detail=login)
    session.commit()
    return password


def disable_account(session: Session, *, login: str, actor: str) -> Account:
    """Stop ``login`` from logging in; its open sessions end at their next request (commits)."""
    account = _get(session, login)
    account.disabled = True
    session.add(account)
    record(session, actor=actor, action="account.disable", detail=login)
    session.commit()
    return account


def change_password(session: Session, *, account_id: int, old: str, new: str) -> Account:
    """Replace the password after checking the current one (commits)."""
    account = session.get(Account, account_id)
    assert account is not None
    if not _verifies(account, old):
        raise AccountError("当前密码不正确 (current password is wrong)")
    _check_password(new)
    if new == old:
        raise AccountError("新密码不能与当前密码相同 (choose a new password)")
    account.password_hash = _hasher().hash(new)
    account.must_change_password = False
    account.password_changed_at = utcnow()
    session.add(account)
    record(session, actor=audit_name(account), action="account.password", detail=account.login)
    session.commit()
    return account


def list_accounts(session: Session) -> list[AccountRow]:
    """Every account, with whom it acts for."""
    units = {u.id: u.name for u in session.exec(select(Unit)).all()}
    members = {m.name: m for m in session.exec(select(Member)).all()}
    rows = []
    for a in session.exec(select(Account).order_by(col(Account.id))).all():
        if a.unit_id is not None:
            holder, kind, roles = units.get(a.unit_id, "?"), "单位", "单位联系人"
        else:
            member = members.get(a.person)
            holder, kind = a.person, "个人"
            roles = "、".join(member.roles) if member else "（已不在人员名单中）"
        rows.append(AccountRow(a.login, holder, kind, roles, a.must_change_password, a.disabled))
    return rows


def audit_name(account: Account) -> str:
    """How the audit log names the account's holder: the person's name or the unit's login."""
    return account.person or account.login


def _verifies(account: Account, password: str) -> bool:
    try:
        return _hasher().verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _recent_failures(session: Session, login: str) -> int:
    since = utcnow() - timedelta(minutes=LOCKOUT_MINUTES)
    last_ok = select(func.max(LoginAttempt.at)).where(LoginAttempt.login == login, LoginAttempt.outcome == "ok")
    return session.exec(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.login == login, LoginAttempt.outcome == "failed", LoginAttempt.at >= since,
            func.coalesce(last_ok.scalar_subquery(), since) <= LoginAttempt.at)
    ).one()


def authenticate(session: Session, *, login: str, password: str) -> Account:
    """The account ``login`` if ``password`` is right and the account is usable; LoginRefused
    otherwise (commits the attempt and its audit row).

    After LOCKOUT_FAILURES failed attempts within LOCKOUT_MINUTES minutes the account is
    locked: every attempt fails, the right password too, until the failures leave the window.
    """
    try:
        login = clean_text(login, where="登录名 (login)")[:64]
    except TextRefused:  # no account has such a login, and the audit log never shows one
        raise LoginRefused("登录名或密码不正确 (wrong login or password)") from None
    account = session.exec(select(Account).where(Account.login == login)).first()
    who = audit_name(account) if account else login
    refused = LoginRefused("登录名或密码不正确 (wrong login or password)")
    if account is not None and _recent_failures(session, login) >= LOCKOUT_FAILURES:
        outcome, refused = "locked", LoginRefused(
            f"连续登录失败 {LOCKOUT_FAILURES} 次，账户已锁定 {LOCKOUT_MINUTES} 分钟，请稍后再试或请办公室重置密码 "
            f"(account locked for {LOCKOUT_MINUTES} minutes)")
    elif account is None or not _verifies(account, password):
        outcome = "failed"
    elif account.disabled or (account.person and actor_of(session, account) is None):
        outcome, refused = "failed", LoginRefused("账户已停用 (account disabled)")
    else:
        outcome = "ok"
    session.add(LoginAttempt(login=login, outcome=outcome))
    record(session, actor=who, action=f"login.{outcome}", detail=login)
    if outcome == "failed" and account is not None:
        session.flush()
        if _recent_failures(session, login) == LOCKOUT_FAILURES:
            record(session, actor=who, action="login.lockout",
                   detail=f"{login}：{LOCKOUT_MINUTES} 分钟内失败 {LOCKOUT_FAILURES} 次")
    session.commit()
    if outcome != "ok":
        raise refused
    assert account is not None
    return account


def actor_of(session: Session, account: Account) -> Actor | None:
    """Whom the account acts as today; None when it is disabled or its person left the roster."""
    if account.disabled:
        return None
    if account.unit_id is not None:
        return Actor(name=account.login, unit_id=account.unit_id)
    member = session.exec(select(Member).where(Member.name == account.person)).first()
    return Actor.of_member(member, district_profile(session).deciders) if member else None


def secret_key(session: Session) -> str:
    """The key that signs session cookies: ZWGK_SECRET_KEY, else one generated once and kept in
    the database so that every process of the office agrees on it."""
    configured = get_settings().secret_key
    if configured:
        return configured
    row = session.get(AppSecret, "session")
    if row is None:
        try:
            session.add(AppSecret(name="session", value=secrets.token_urlsafe(48)))
            session.commit()
        except IntegrityError:  # another process made it first
            session.rollback()
        row = session.get(AppSecret, "session")
    assert row is not None
    return row.value
