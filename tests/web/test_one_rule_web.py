"""One permission rule on the workbench: every form that changes something (found in the app's
own route table, so a new one without an entry here fails) refuses whoever the rule does not let
do it, with nothing changed."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.integration.test_one_rule import counts
from tests.web.conftest import ACCOUNTS, log_in, unit_id

TOWN = "青岚镇（演示）"  # the account unit1's unit
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SELF_SERVICE = {"/login", "/logout", "/password"}  # each person's own session and password
# Who may post each form (the accounts of tests/web/conftest.py); everyone else is refused.
ALLOWED = {
    "/cycles/{year}/start": {"office"}, "/cycles/{year}/withdraw": {"office"},
    "/cycles/{year}/sweep-preview": {"office"},
    "/cycles/{year}/gates/{gate}": {"leader"}, "/cycles/{year}/gates/{gate}/opinion": {"leader"},
    "/units/{unit_id}/self-check": {"unit1", "office"}, "/units/{unit_id}/evidence": {"unit1", "office"},
    "/units/{unit_id}/rectification/{what}": {"unit1", "office"}, "/units/{unit_id}/reports": {"unit1", "office"},
    "/cycles/{year}/group/score-workbook": {"assessor"}, "/cycles/{year}/group/confirm": {"assessor"},
    "/reports/{year}/refresh": {"office"}, "/reports/{year}/confirm": {"office"},
    "/reports/{year}/deadlines": {"office"}, "/reports/{year}/circular": {"office"},
    "/sites/confirm": {"office"}, "/sites/report": {"office"},
}
FIELDS = {"decision": "approve", "comment": "同意", "reason": "误启动", "confirm": "2025", "digest": "",
          "criterion": "T001", "ids": "1", "points": "0.5", "month": "2025-06", "year": "2025"}


def post_forms(app: object) -> list[str]:
    """Every path the workbench answers with POST."""
    return sorted(path for path, methods in app.openapi()["paths"].items() if "post" in methods)  # type: ignore[attr-defined]


def test_the_table_names_every_form() -> None:
    from zwgk.web.app import create_app

    assert set(post_forms(create_app())) - SELF_SERVICE == set(ALLOWED)


def test_whoever_the_rule_refuses_is_refused_by_every_form(client: TestClient, workbench: Session) -> None:
    town = unit_id(workbench, TOWN)
    browsers = {login: TestClient(client.app, follow_redirects=False) for login in ACCOUNTS}
    tokens = {login: log_in(browser, login) for login, browser in browsers.items()}  # logins are audited
    before = counts(workbench)
    for login, browser in browsers.items():
        for path, allowed in ALLOWED.items():
            if login in allowed:
                continue
            url = path.format(year=2025, gate="scheme", unit_id=town, what="plan")
            response = browser.post(url, data={**FIELDS, "csrf_token": tokens[login]},
                                    files={"file": ("材料.pdf", PDF, "application/pdf")})
            assert response.status_code in (403, 404), (login, url, response.status_code, response.text[:300])
        assert counts(workbench) == before, login
