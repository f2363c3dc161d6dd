"""Logins, sessions, lockout and CSRF on the workbench."""

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models.accounts import Account
from models.audit import AuditEntry
from models.cycle import Cycle
from tests.web.conftest import LEADER, PASSWORD, csrf_of, log_in
from zwgk.core.settings import get_settings
from zwgk.setup import accounts

PAGES = ["/", "/cycles/2025", "/cycles/2025/gates/scheme", "/units/1", "/cycles/2025/group",
         "/cycles/2025/group/score-workbook.xlsx", "/units/1/self-check-form.xlsx", "/documents/1.docx",
         "/uploads/1", "/cycles/2025/public"]
FORMS = ["/cycles/2025/gates/scheme", "/cycles/2026/start", "/cycles/2025/sweep-preview", "/units/1/self-check",
         "/units/1/evidence", "/units/1/rectification/plan", "/cycles/2025/group/score-workbook"]


def test_no_page_answers_without_login(client: TestClient) -> None:
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path


def test_no_form_is_accepted_without_login(client: TestClient, workbench: Session) -> None:
    token = csrf_of(client.get("/login").text)  # a token, but no logged-in session
    for path in FORMS:
        assert client.post(path, data={"csrf_token": token, "decision": "approve"}).status_code == 403, path
    assert workbench.exec(select(Cycle)).one().stage == "draft"


def test_login_sets_a_signed_http_only_strict_cookie(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/cycles/2025").status_code == 200


def test_post_without_csrf_token_is_refused_and_changes_nothing(client: TestClient, workbench: Session) -> None:
    log_in(client, "leader")
    response = client.post("/cycles/2025/gates/scheme", data={"decision": "approve"})
    assert response.status_code == 403
    response = client.post("/cycles/2025/gates/scheme", data={"decision": "approve", "csrf_token": "forged"})
    assert response.status_code == 403
    workbench.expire_all()
    assert workbench.exec(select(Cycle)).one().stage == "draft"
    assert client.post("/logout").status_code == 403
    assert client.get("/cycles/2025").status_code == 200  # still logged in


def test_right_password_fails_after_ten_wrong_ones(client: TestClient, workbench: Session) -> None:
    token = csrf_of(client.get("/login").text)
    for _ in range(10):
        response = client.post("/login", data={"username": "leader", "password": "wrong", "csrf_token": token})
        assert response.status_code == 401
    response = client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 401
    assert "已锁定" in response.text
    actions = [e.action for e in workbench.exec(select(AuditEntry).where(AuditEntry.actor == LEADER)).all()]
    assert actions.count("login.failed") == 10
    assert "login.lockout" in actions and "login.locked" in actions


def test_nine_wrong_then_right_logs_in_and_the_count_starts_again(client: TestClient) -> None:
    for _ in range(2):  # nine more failures after a success must not lock the account
        token = csrf_of(client.get("/login").text)
        for _ in range(9):
            wrong = client.post("/login", data={"username": "leader", "password": "wrong", "csrf_token": token})
            assert wrong.status_code == 401 and "已锁定" not in wrong.text
        response = client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 303
        home = client.get("/")
        assert home.status_code == 200 and LEADER in home.text
        client.post("/logout", data={"csrf_token": csrf_of(home.text)})


def test_one_time_password_must_be_changed_first(client: TestClient, workbench: Session) -> None:
    _account, one_time = accounts.create_account(workbench, login="newcomer", person="陈思源", actor="测试")
    assert one_time
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "newcomer", "password": one_time, "csrf_token": token})
    assert response.headers["location"] == "/password"
    assert client.get("/cycles/2025").headers["location"] == "/password"
    token = csrf_of(client.get("/password").text)
    response = client.post("/password", data={"current": one_time, "new": "brand-new-pass", "again": "brand-new-pass",
                                              "csrf_token": token})
    assert response.status_code == 303
    assert client.get("/cycles/2025").status_code == 200


def test_reset_ends_open_sessions_and_disable_refuses_login(client: TestClient, workbench: Session) -> None:
    log_in(client, "office")
    accounts.reset_password(workbench, login="office", actor="测试")
    assert client.get("/cycles/2025").status_code == 303
    accounts.disable_account(workbench, login="leader", actor="测试")
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 401
    assert workbench.exec(select(Account).where(Account.login == "leader")).one().disabled


def test_login_redirects_only_within_the_site(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": "leader", "password": PASSWORD, "csrf_token": token,
                                           "next": "//evil.example/x"})
    assert response.headers["location"] == "/"


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
    assert accounts.authenticate(workbench, login="leader", password=PASSWORD).login == "leader"
