"""Workbench accounts: one login per person of the roster or per assessed unit, the login
attempts that decide how long the next one must wait, the sessions kept on the server, and the
key that signs cookies."""

from datetime import datetime, timedelta

from sqlmodel import Field, SQLModel

from models.types import utcnow

# How failed logins slow the next attempt (OWASP ASVS 2.2.1): failures are counted over the last
# hour; after FREE_* of them each further one doubles the wait, which never exceeds MAX_DELAY.
# The cap is what keeps the rightful holder from being kept out for long by someone else's
# failures; it also bounds an account to 67 failed attempts an hour (see throttle_delay).
THROTTLE_WINDOW = timedelta(hours=1)
MAX_DELAY = timedelta(seconds=60)
FREE_PER_ACCOUNT = 3  # typing mistakes of one person
FREE_PER_SOURCE = 20  # an office network behind one address holds many people


def throttle_delay(failures: int, free: int) -> timedelta:
    """How long after the last of ``failures`` recent failures the next attempt must wait: none
    for the first ``free``, then 1 s, 2 s, 4 s … up to MAX_DELAY.

    With FREE_PER_ACCOUNT = 3 the first nine failures take 63 s and every further one 60 s, so
    any hour holds at most 9 + 58 = 67 failures of one account, below ASVS 2.2.1's 100.
    """
    if failures < free:
        return timedelta(0)
    return min(MAX_DELAY, timedelta(seconds=2 ** min(failures - free, 6)))


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
    """One attempt to log in: ok, failed (wrong password, unknown login, disabled account) or
    throttled (refused unchecked, too soon after earlier failures). Rows older than the
    throttle window are deleted: they decide nothing any more."""

    __tablename__ = "login_attempt"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    outcome: str
    source: str = Field(default="", index=True, description="the client's address")
    device: str = Field(default="", description="the browser's device token id, if it had a valid one")


class WebSession(SQLModel, table=True):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is kept here, so
    reading this table does not let anyone take over a session. Deleting the row ends the
    session at once."""

    __tablename__ = "web_session"
    id: str = Field(primary_key=True, description="SHA-256 of the cookie's token")
    account_id: int = Field(foreign_key="account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    seen_at: datetime = Field(default_factory=utcnow, description="last request, to the minute")
    notice: str = Field(default="", description="a message for the next page (after a redirect)")


class AppSecret(SQLModel, table=True):
    """A secret generated once and shared through the database by every process."""

    __tablename__ = "app_secret"
    name: str = Field(primary_key=True)
    value: str
