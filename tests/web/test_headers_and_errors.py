"""Security headers on every response, the workbench's own page for every error, and one answer
for "no such thing" and "not yours" — all over HTTP from the served workbench."""

import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from models.cycle import Cycle
from models.documents import IssuedDocument
from models.uploads import Upload
from tests.web.conftest import Browser, Served, csrf_of, log_in, open_self_check, unit_id
from zwgk.core.settings import get_settings
from zwgk.documents.issue.self_check import issue_self_check_forms
from zwgk.web import read_models

TEMPLATES = Path(__file__).parents[2] / "zwgk" / "web" / "templates"
TOWN, OTHER = "青岚镇（演示）", "云雾镇（演示）"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def assert_secured(response: httpx.Response, *, cached: bool = False) -> None:
    headers = response.headers
    policy = headers["content-security-policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
                      "object-src 'none'"):
        assert directive in policy, (response.url, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert ("cache-control" not in headers) if cached else headers["cache-control"] == "no-store", response.url


def assert_own_error_page(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, (response.url, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    assert "返回工作台" in response.text and "无法办理" in response.text, response.text[:300]
    assert not response.text.lstrip().startswith("{")
    assert_secured(response)


def test_templates_hold_no_inline_script_or_style() -> None:
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text(encoding="utf-8")
        for pattern in (r"<script", r"<style", r"\sstyle\s*=", r"\son[a-z]+\s*=", r"javascript:"):
            assert not re.search(pattern, html, re.I), (template.name, pattern)


def test_every_response_carries_the_security_headers(client: Browser, workbench: Session) -> None:
    assert_secured(client.get("/login"))
    assert_secured(client.get("/cycles/2025"))  # the redirect to the login page
    assert_secured(client.get("/static/zwgk.css"), cached=True)
    log_in(client, "office")
    for path in ("/", "/cycles/2025", "/cycles/2025/gates/scheme", f"/units/{unit_id(workbench, TOWN)}",
                 "/cycles/2025/group", "/password"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_secured(response)
    log_in(client, "assessor")  # the score workbook is the group's
    response = client.get("/cycles/2025/group/score-workbook.xlsx")
    assert response.status_code == 200
    assert_secured(response)


def test_the_public_page_may_use_its_own_stylesheet_and_nothing_else(client: Browser, workbench: Session) -> None:
    page = read_models.public_page(2025)
    page.parent.mkdir(parents=True)
    page.write_text("<html><head><style>body { color: red; }</style></head><body>结果</body></html>",
                    encoding="utf-8")
    log_in(client, "leader")
    response = client.get("/cycles/2025/public")
    policy = response.headers["content-security-policy"]
    assert "style-src 'self' 'sha256-" in policy and "script" not in policy and "unsafe" not in policy
    assert response.headers["cache-control"] == "no-store"


def test_behind_https_the_cookies_are_secure_and_hsts_is_sent(workbench: Session,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_PUBLIC_URL", "https://zwgk.example.gov.cn/")
    get_settings.cache_clear()
    from zwgk.web.app import create_app

    server = Served(create_app(today=date(2026, 1, 8)))
    try:
        with server.browser() as browser:
            login = browser.get("/login")
            assert login.headers["strict-transport-security"] == "max-age=31536000"
            assert "secure" in login.headers["set-cookie"].lower()
            token = csrf_of(login.text)
            # The browser would not send a Secure cookie over plain HTTP; the test sends it anyway.
            browser.cookies.set("zwgk_session", login.cookies["zwgk_session"])
            response = browser.post("/login", data={"username": "leader", "password": "correct-horse-1",
                                                    "csrf_token": token})
            cookies = response.headers.get_list("set-cookie")
            assert len(cookies) == 2 and all("secure" in c.lower() and "httponly" in c.lower() for c in cookies)
    finally:
        server.close()


def test_malformed_paths_are_pages_that_do_not_exist(client: Browser) -> None:
    log_in(client, "office")
    for path in ("/units/abc", "/units/0", "/units/-1", "/units/99999999999999999999", "/units/2147483648",
                 "/cycles/99999999999999999999", "/cycles/1999", "/cycles/2101", "/cycles/abc",
                 "/cycles/2097/group", "/cycles/2025/gates/nope",
                 "/documents/abc.docx", "/documents/1.exe", "/uploads/1e3", "/nowhere"):
        assert_own_error_page(client.get(path), 404)
    log_in(client, "assessor")  # the one who may ask for a score workbook, of a year never started
    assert_own_error_page(client.get("/cycles/2097/group/score-workbook.xlsx"), 404)


def test_every_error_is_the_workbenchs_own_page(client: Browser, workbench: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    open_self_check(workbench, workbench.exec(select(Cycle)).one())
    own = unit_id(workbench, TOWN)
    token = log_in(client, "unit1")
    assert_own_error_page(client.get("/logout"), 405)
    assert_own_error_page(client.put(f"/units/{own}"), 405)
    assert_own_error_page(client.get("/cycles/2025"), 403)
    assert_own_error_page(client.post("/cycles/2025/start", data={"csrf_token": "forged"}), 403)
    assert_own_error_page(client.post(f"/units/{own}/evidence", data={"csrf_token": token, "criterion": "T001"}), 422)
    broken = client.post(f"/units/{own}/evidence", content=b"--x\r\nContent-Disposition: form-data; name=\"a\"",
                         headers={"content-type": "multipart/form-data"})  # no boundary
    assert_own_error_page(broken, 400)
    monkeypatch.setenv("ZWGK_UPLOAD_MAX_MB", "1")
    get_settings.cache_clear()
    big = client.post(f"/units/{own}/evidence", data={"csrf_token": token, "criterion": "T001"},
                      files={"file": ("big.pdf", PDF + b"0" * (2 * 1024 * 1024), "application/pdf")})
    assert_own_error_page(big, 413)

    def broken_read(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(read_models, "unit_overview", broken_read)
    failed = client.get(f"/units/{own}")
    assert_own_error_page(failed, 500)
    assert "a bug" not in failed.text and "Traceback" not in failed.text


def test_not_yours_and_no_such_id_answer_alike(client: Browser, workbench: Session, tmp_path: Path) -> None:
    cycle = workbench.exec(select(Cycle)).one()
    open_self_check(workbench, cycle)
    issue_self_check_forms(session=workbench, cycle_id=cycle.id, on=date(2026, 1, 8),  # type: ignore[arg-type]
                           out_dir=get_settings().out_dir)
    own, other = unit_id(workbench, TOWN), unit_id(workbench, OTHER)
    token = log_in(client, "unit2")
    client.post(f"/units/{other}/evidence", data={"csrf_token": token, "criterion": "T001"},
                files={"file": ("证明.pdf", PDF, "application/pdf")})
    upload = workbench.exec(select(Upload)).one()
    others_form = workbench.exec(select(IssuedDocument).where(IssuedDocument.unit_id == other)).first()
    assert others_form is not None
    log_in(client, "unit1")
    assert client.get(f"/units/{own}").status_code == 200
    answers = {path: client.get(path) for path in (
        f"/units/{other}", "/units/99999", f"/units/{other}/self-check-form.xlsx", "/units/abc",
        f"/uploads/{upload.id}", "/uploads/99999", f"/documents/{others_form.id}.docx", "/documents/99999.docx",
        f"/documents/{others_form.id}.pdf")}
    bodies = {(r.status_code, r.text) for r in answers.values()}
    assert len(bodies) == 1, {p: (r.status_code, r.text[-300:]) for p, r in answers.items()}
    assert next(iter(bodies))[0] == 404
    for path in (f"/units/{other}/evidence", "/units/99999/evidence", f"/units/{other}/rectification/plan"):
        response = client.post(path, data={"csrf_token": csrf_of(client.get(f"/units/{own}").text),
                                           "criterion": "T001"}, files={"file": ("a.pdf", PDF, "application/pdf")})
        assert (response.status_code, response.text) == next(iter(bodies)), path
