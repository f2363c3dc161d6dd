"""Workbench accounts: one login per person of the roster or per assessed unit, the login
attempts that decide a lockout, and the key that signs session cookies."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import utcnow

# Failed logins of one account that lock it, and the window they are counted in.
LOCKOUT_FAILURES = 10
LOCKOUT_MINUTES = 15


class Account(SQLModel, table=True):
    """A login for the workbench. Exactly one of ``person`` (a name on the roster, so that a
    person removed from the roster loses every role) and ``unit_id`` is set."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True, unique=True, description="登录名")
    person: str = Field(default="", description="人员名单中的姓名（个人账户）")
    unit_id: int | None = Field(default=None, foreign_key="unit.id", description="被考核单位（单位账户）")
    password_hash: str = Field(description="argon2 hash")
    must_change_password: bool = Field(default=True, description="一次性密码，首次登录须修改")
    disabled: bool = False
    password_changed_at: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)


class LoginAttempt(SQLModel, table=True):
    """One attempt to log in: ok, failed (wrong password) or locked (refused while locked)."""

    __tablename__ = "login_attempt"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    outcome: str


class AppSecret(SQLModel, table=True):
    """A secret generated once and shared through the database by every process."""

    __tablename__ = "app_secret"
    name: str = Field(primary_key=True)
    value: str
