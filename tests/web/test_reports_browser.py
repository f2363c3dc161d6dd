"""The annual-report pages in a real browser (Debian's Chromium through Playwright), served under a
``Content-Security-Policy: default-src 'self'`` (no inline script or style may be needed): a unit
hands in a report with errors and sees them, the office confirms one on the district page.
Screenshots at 390 and 1280 px are left in the test's temporary folder (shots/)."""

import shutil
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from sqlmodel import Session

from models.cycle import Cycle
from tests.flows.conftest import free_port
from tests.reports_builder import Report, build_docx, with_t3
from tests.web.conftest import PASSWORD, unit_id
from zwgk.reports import format as f
from zwgk.web.app import create_app

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
CSP = "default-src 'self'"
TOWN = "青岚镇（演示）"


@pytest.fixture
def served(workbench: Session, demo_cycle: Cycle) -> Iterator[str]:
    """The workbench on the test database, served on loopback in a thread (as of 2026-02-05)."""
    server = uvicorn.Server(uvicorn.Config(create_app(today=date(2026, 2, 5)), host="127.0.0.1", port=free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_report_pages_in_a_browser(served: str, workbench: Session, tmp_path: Path) -> None:
    from playwright.sync_api import Page, Route, expect, sync_playwright

    base, town = served, unit_id(workbench, TOWN)
    shots = tmp_path / "shots"
    shots.mkdir()
    report = build_docx(tmp_path / "青岚镇2025年政府信息公开工作年度报告.docx",
                        with_t3(Report(), f.GRANTED, f.NATURAL, 6))
    violations: list[str] = []

    def with_csp(route: Route) -> None:
        if route.request.method != "GET":  # the forms' answers are redirects; uploads pass untouched
            route.continue_()
            return
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    def shoot(page: Page, name: str) -> None:
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} overflows by {overflow} px at {width} px"
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)

    def log_in(page: Page, login: str) -> None:
        page.goto(f"{base}/login")
        page.fill("input[name=username]", login)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context()
        context.route("**/*", with_csp)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)

        log_in(page, "unit1")
        page.goto(f"{base}/units/{town}/reports")
        shoot(page, "01-unit-reports-empty")
        page.set_input_files("input[type=file]", str(report))
        page.click("text=上传并检查")
        expect(page.locator(".ok")).to_contain_text("已收到第 1 版，发现 3 个问题")  # two sums, and late
        expect(page.locator("table.findings")).to_contain_text("各项之和 12 ≠ 总计 11")
        shoot(page, "02-unit-findings")
        page.click("text=退出")

        log_in(page, "office")
        page.goto(f"{base}/reports/2025")
        expect(page.locator("h1")).to_contain_text("2025 年度政府信息公开工作年度报告")
        expect(page.locator("body")).to_contain_text("未报送（已逾期）")
        shoot(page, "03-office-district")
        page.locator("input[name=finding]").first.check()
        page.click("text=确认所选问题，记入日常考核")
        expect(page.locator(".ok")).to_contain_text("已将 1 个问题记入日常考核记录")
        page.click("text=印发年报审查情况通报")
        expect(page.locator(".ok")).to_contain_text("关于2025年度政府信息公开工作年度报告审查情况的通报")
        shoot(page, "04-office-confirmed")
        browser.close()
    assert violations == []
    assert len(list(shots.glob("*.png"))) == 8
