"""Workbench accounts: create, reset, disable, list; whom an account acts as; the cookie key.

A person's account acts with the roles the roster gives that person today; a unit's account
acts for its unit only. Passwords are argon2 hashes and must meet ``passwords.PASSWORD_RULE``.
Resetting, disabling or changing a password ends the account's open sessions at once, and a
reset also forgets the failed logins that slowed it down. Logging in is ``zwgk.setup.logins``.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.accounts import Account, AppSecret, LoginAttempt, WebSession
from models.audit import record
from models.district import district_profile
from models.text import clean_text
from models.types import utcnow
from models.units import Member, Unit
from zwgk.core.permissions import Actor
from zwgk.core.settings import get_settings
from zwgk.setup.passwords import hash_password, password_problem, verify_password


class AccountError(ValueError):
    """An account command or a login that cannot be done (message in Chinese)."""


@dataclass(frozen=True)
class AccountRow:
    """An account as listed for the office."""

    login: str
    holder: str  # the person's name, or the unit's name
    kind: str  # 个人 / 单位
    roles: str
    must_change_password: bool
    disabled: bool


def _one_time_password(login: str) -> str:
    """16 random characters (96 bits) that meet the rule like any other password."""
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, login=login) is None:
            return password


def _check_password(password: str, login: str) -> None:
    problem = password_problem(password, login=login)
    if problem is not None:
        raise AccountError(problem)


def end_sessions(session: Session, *, account_ids: list[int]) -> None:
    """End every open session of these accounts at once (the caller commits, with its change)."""
    if account_ids:
        session.execute(delete(WebSession).where(col(WebSession.account_id).in_(account_ids)))


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
        password = one_time = _one_time_password(login)
    _check_password(password, login)
    account = Account(login=login, person=person or "", unit_id=unit_id, password_hash=hash_password(password),
                      must_change_password=one_time is not None)
    session.add(account)
    record(session, actor=actor, action="account.create", detail=f"{login}（{person or unit}）")
    session.commit()
    return account, one_time


def reset_password(session: Session, *, login: str, actor: str) -> str:
    """Give ``login`` a new one-time password (to change at the next login), end its sessions
    and forget its failed logins, so that nothing slows the holder down (commits)."""
    account = _get(session, login)
    password = _one_time_password(login)
    account.password_hash = hash_password(password)
    account.must_change_password = True
    account.password_changed_at = utcnow()
    session.add(account)
    end_sessions(session, account_ids=[account.id])  # type: ignore[list-item]
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.login) == login))
    record(session, actor=actor, action="account.reset", detail=login)
    session.commit()
    return password


def disable_account(session: Session, *, login: str, actor: str) -> Account:
    """Stop ``login`` from logging in and end its open sessions at once (commits)."""
    account = _get(session, login)
    account.disabled = True
    session.add(account)
    end_sessions(session, account_ids=[account.id])  # type: ignore[list-item]
    record(session, actor=actor, action="account.disable", detail=login)
    session.commit()
    return account


def change_password(session: Session, *, account_id: int, old: str, new: str) -> Account:
    """Replace the password after checking the current one and end every session of the
    account, this one too: the caller starts a new one (commits)."""
    account = session.get(Account, account_id)
    assert account is not None
    if not verify_password(account.password_hash, old):
        raise AccountError("当前密码不正确 (current password is wrong)")
    _check_password(new, account.login)
    if new == old:
        raise AccountError("新密码不能与当前密码相同 (choose a new password)")
    account.password_hash = hash_password(new)
    account.must_change_password = False
    account.password_changed_at = utcnow()
    session.add(account)
    end_sessions(session, account_ids=[account_id])
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
