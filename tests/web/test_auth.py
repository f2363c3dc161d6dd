"""Logins, server-side sessions, throttling and CSRF on the workbench served over HTTP."""

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from models.accounts import Account, LoginAttempt, WebSession
from models.audit import AuditEntry
from models.cycle import Cycle
from tests.web.conftest import LEADER, PASSWORD, Browser, Served, csrf_of, log_in
from zwgk.cli.app import app
from zwgk.core.settings import get_settings
from zwgk.setup import accounts, logins
from zwgk.setup.people import remove_person

PAGES = ["/", "/cycles/2025", "/cycles/2025/gates/scheme", "/units/1", "/cycles/2025/group",
         "/cycles/2025/group/score-workbook.xlsx", "/units/1/self-check-form.xlsx", "/documents/1.docx",
         "/uploads/1", "/cycles/2025/public"]
FORMS = ["/cycles/2025/gates/scheme", "/cycles/2026/start", "/cycles/2025/sweep-preview", "/units/1/self-check",
         "/units/1/evidence", "/units/1/rectification/plan", "/cycles/2025/group/score-workbook"]


def attempt(client: Browser, login: str, password: str) -> int:
    """One login attempt with the client's own form token; the status (303 in, 401 refused)."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": login, "password": password, "csrf_token": token})
    assert response.status_code == 303 or logins.REFUSED in response.text, response.text
    return response.status_code


def age(session: Session, table: type[LoginAttempt] | type[WebSession], field: str, by: timedelta) -> None:
    """Move a time of every row ``by`` into the past (as if that time had passed)."""
    session.expire_all()
    for row in session.exec(select(table)).all():
        setattr(row, field, getattr(row, field) - by)
        session.add(row)
    session.commit()


def age_attempts(session: Session, seconds: float) -> None:
    """Every recorded login attempt ``seconds`` older."""
    age(session, LoginAttempt, "at", timedelta(seconds=seconds))


def hold(session: Session) -> None:
    """Make the attempts so far ten minutes younger, so that the waits they impose last longer
    than the test's next steps take, however slow the machine (``release`` undoes it)."""
    age_attempts(session, -600)


def release(session: Session) -> None:
    age_attempts(session, 600)


def audit_actions(session: Session, actor: str) -> list[str]:
    session.expire_all()
    return [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.actor == actor)
                                           .order_by(col(AuditEntry.id))).all()]


def test_no_page_answers_without_login(client: Browser) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path


def test_no_form_is_accepted_without_login(client: Browser, workbench: Session) -> None:
    token = csrf_of(client.get("/login").text)  # a token, but no logged-in session
    for path in FORMS:
        assert client.post(path, data={"csrf_token": token, "decision": "approve"}).status_code == 403, path
    assert workbench.exec(select(Cycle)).one().stage == "draft"


def test_the_cookie_carries_only_a_random_token_new_at_every_login(client: Browser, workbench: Session) -> None:
    client.get("/login")
    planted = client.cookies["zwgk_session"]  # what an attacker could have set in this browser
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    issued = client.cookies["zwgk_session"]
    assert issued != planted
    payload = json.loads(base64.b64decode(issued.split(".")[0] + "=="))
    assert list(payload) == ["sid"]  # nothing but the random token
    stored = workbench.exec(select(WebSession)).one()
    assert stored.id == hashlib.sha256(payload["sid"].encode()).hexdigest()  # the table holds its hash only
    assert client.get("/cycles/2025").status_code == 200
    with Browser(base_url=client.base_url, cookies={"zwgk_session": planted}) as attacker:
        assert attacker.get("/cycles/2025").status_code == 303  # the planted token never became a session


def test_post_without_csrf_token_is_refused_and_changes_nothing(client: Browser, workbench: Session) -> None:
    log_in(client, "leader")
    for data in ({"decision": "approve"}, {"decision": "approve", "csrf_token": "forged"}):
        assert client.post("/cycles/2025/gates/scheme", data=data).status_code == 403
    workbench.expire_all()
    assert workbench.exec(select(Cycle)).one().stage == "draft"
    assert client.post("/logout").status_code == 403
    assert client.get("/cycles/2025").status_code == 200  # still logged in


def test_a_cookie_copied_before_logout_is_dead(client: Browser, served: Served, workbench: Session) -> None:
    token = log_in(client, "leader")
    with served.browser() as thief:
        thief.cookies.update(client.cookies)
        assert thief.get("/cycles/2025").status_code == 200
        assert client.post("/logout", data={"csrf_token": token}).headers["location"] == "/login"
        assert thief.get("/cycles/2025").headers["location"].startswith("/login")
        response = thief.post("/cycles/2025/gates/scheme", data={"decision": "approve", "csrf_token": token})
        assert response.status_code == 403
    assert workbench.exec(select(WebSession)).all() == []


@pytest.mark.parametrize("ending", ["password", "reset", "disable", "roster"])
def test_sessions_end_at_once(client: Browser, served: Served, workbench: Session, ending: str) -> None:
    log_in(client, "office")
    with served.browser() as other:
        log_in(other, "office")  # a second browser of the same account
        if ending == "password":
            token = csrf_of(client.get("/password").text)
            response = client.post("/password", data={"current": PASSWORD, "new": "another-horse-22",
                                                      "again": "another-horse-22", "csrf_token": token})
            assert response.status_code == 303
            assert client.get("/cycles/2025").status_code == 200  # the browser that changed it goes on
        elif ending == "reset":
            accounts.reset_password(workbench, login="office", actor="测试")
        elif ending == "disable":
            accounts.disable_account(workbench, login="office", actor="测试")
        else:
            remove_person(workbench, name="刘静怡", actor="测试")
        assert other.get("/cycles/2025").headers["location"].startswith("/login")
    account = workbench.exec(select(Account).where(Account.login == "office")).one()
    rows = workbench.exec(select(WebSession).where(WebSession.account_id == account.id)).all()
    assert len(rows) == (1 if ending == "password" else 0)


def test_idle_and_old_sessions_end(client: Browser, workbench: Session) -> None:
    log_in(client, "leader")
    age(workbench, WebSession, "seen_at", timedelta(minutes=get_settings().session_idle_min, seconds=1))
    assert client.get("/cycles/2025").headers["location"].startswith("/login")
    log_in(client, "leader")
    assert client.get("/cycles/2025").status_code == 200
    age(workbench, WebSession, "created_at", timedelta(hours=8, seconds=1))
    assert client.get("/cycles/2025").headers["location"].startswith("/login")


def test_failures_slow_an_account_down_and_never_lock_it(served: Served, workbench: Session) -> None:
    with served.browser(**{"X-Forwarded-For": "10.0.0.66"}) as attacker:
        for _ in range(3):
            assert attempt(attacker, "leader", "guess-number-1") == 401
        hold(workbench)
        # Too soon after three failures: refused unchecked, the right password too, and not counted.
        for _ in range(20):
            assert attempt(attacker, "leader", PASSWORD) == 401
        workbench.expire_all()
        outcomes = [a.outcome for a in workbench.exec(select(LoginAttempt).order_by(col(LoginAttempt.id)))]
        assert outcomes == ["failed"] * 3 + ["throttled"] * 20
        release(workbench)
        # Thirty more failures, each made as soon as it may be: the wait grows, never past 60 s.
        for _ in range(30):
            age_attempts(workbench, 60)
            assert attempt(attacker, "leader", "guess-number-2") == 401
    with served.browser(**{"X-Forwarded-For": "10.0.0.7"}) as holder:
        hold(workbench)
        assert attempt(holder, "leader", PASSWORD) == 401  # a new browser waits
        release(workbench)
        age_attempts(workbench, 60)
        assert attempt(holder, "leader", PASSWORD) == 303  # never more than 60 s


def test_a_browser_that_logged_in_before_is_not_kept_out_by_others(served: Served, workbench: Session) -> None:
    with served.browser(**{"X-Forwarded-For": "10.0.0.7"}) as holder, \
            served.browser(**{"X-Forwarded-For": "10.0.0.66"}) as attacker:
        token = log_in(holder, "leader")
        holder.post("/logout", data={"csrf_token": token})
        assert "zwgk_device" in holder.cookies
        for _ in range(10):
            age_attempts(workbench, 60)
            assert attempt(attacker, "leader", "guess-number-3") == 401
        hold(workbench)
        assert attempt(attacker, "leader", PASSWORD) == 401  # the attacker's browser must wait
        assert attempt(holder, "leader", PASSWORD) == 303  # the holder's does not
        # A device token copied to another login, or forged, counts for nothing.
        holder.cookies.set("zwgk_device", holder.cookies["zwgk_device"][:-2] + "xx")
        holder.post("/logout", data={"csrf_token": csrf_of(holder.get("/").text)})
        assert attempt(holder, "leader", PASSWORD) == 401


def test_reset_clears_the_wait_at_once(served: Served, workbench: Session, db_url: str) -> None:
    with served.browser() as browser:
        for _ in range(5):
            attempt(browser, "leader", "guess-number-4")
        hold(workbench)
        assert attempt(browser, "leader", PASSWORD) == 401
        result = CliRunner().invoke(app, ["accounts", "reset", "leader", "--by", "刘静怡", "--db", db_url])
        assert result.exit_code == 0, result.output
        one_time = result.output.split("：")[1].split()[0]
        assert attempt(browser, "leader", one_time) == 303


def test_one_address_spraying_many_logins_slows_itself_down(served: Served, workbench: Session) -> None:
    with served.browser(**{"X-Forwarded-For": "10.0.0.99"}) as sprayer:
        for n in range(20):
            assert attempt(sprayer, f"user{n}", "spring-2026-pass") == 401
        hold(workbench)
        assert attempt(sprayer, "leader", PASSWORD) == 401
    with served.browser(**{"X-Forwarded-For": "10.0.0.98"}) as neighbour:
        assert attempt(neighbour, "leader", PASSWORD) == 303


def test_throttling_is_audited_without_flooding_the_log(served: Served, workbench: Session) -> None:
    with served.browser() as attacker:
        for _ in range(3):
            attempt(attacker, "leader", "guess-number-5")
        hold(workbench)
        for _ in range(50):
            attempt(attacker, "leader", "guess-number-6")
        assert audit_actions(workbench, LEADER) == ["login.failed"] * 3 + ["login.throttle"]
        attempts = workbench.exec(select(LoginAttempt)).all()
        assert len(attempts) == 53  # the refusals are counted where they expire after an hour
        age_attempts(workbench, 3601 + 600)
        attempt(attacker, "leader", "guess-number-7")
    workbench.expire_all()
    assert len(workbench.exec(select(LoginAttempt)).all()) == 1


def test_one_time_password_must_be_changed_first(client: Browser, workbench: Session) -> None:
    _account, one_time = accounts.create_account(workbench, login="newcomer", person="陈思源", actor="测试")
    assert one_time and len(one_time) >= 12
    assert attempt(client, "newcomer", one_time) == 303
    assert client.get("/cycles/2025").headers["location"] == "/password"
    token = csrf_of(client.get("/password").text)
    response = client.post("/password", data={"current": one_time, "new": "brand-new-pass", "again": "brand-new-pass",
                                              "csrf_token": token})
    assert response.status_code == 303
    assert client.get("/cycles/2025").status_code == 200


def test_login_redirects_only_within_the_site(client: Browser) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client.cookies.clear()
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token,
                                               "next": target})
        assert response.headers["location"] == "/", target


def test_password_hash_cost_follows_the_setting(workbench: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests hash with argon2's cheapest cost; production keeps argon2-cffi's recommended one,
    and either verifies the other's hashes (a hash carries its parameters)."""
    fast = workbench.exec(select(Account).where(Account.login == "leader")).one()
    assert "$m=8,t=1,p=1$" in fast.password_hash
    monkeypatch.setenv("ZWGK_PASSWORD_HASH", "recommended")
    get_settings.cache_clear()
    cost = PasswordHasher()
    account, _ = accounts.create_account(workbench, login="slow", person=LEADER, password=PASSWORD, actor="测试")
    assert f"$m={cost.memory_cost},t={cost.time_cost},p={cost.parallelism}$" in account.password_hash
    assert logins.authenticate(workbench, login="leader", password=PASSWORD).account.login == "leader"
