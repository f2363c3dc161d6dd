"""The monitoring pages in a real browser (Debian's Chromium driven by Playwright) under the
Content-Security-Policy ``default-src 'self'`` the workbench is getting: nothing refused, nothing
wider than the window at 390 and 1280 px. Screenshots are left in the test's folder (shots/)."""

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import Request, Response
from sqlmodel import Session

from tests.web.conftest import PASSWORD, unit_id
from tests.web.test_sites_web import TODAY, TOWN, seed
from zwgk.web.app import create_app

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")


@pytest.fixture
def served(workbench: Session) -> Iterator[str]:
    """The workbench on a free loopback port, every answer carrying the CSP."""
    app = create_app(today=TODAY)

    @app.middleware("http")
    async def policy(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = "default-src 'self'"
        return response

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_monitoring_pages_keep_to_the_policy_at_both_widths(served: str, workbench: Session,
                                                                 tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    seed(workbench)
    shots = tmp_path / "shots"
    shots.mkdir()
    refused: list[str] = []

    def shoot(page: Page, name: str) -> None:
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} overflows by {overflow} px at {width} px"
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)

    def log_in(page: Page, login: str) -> None:
        page.goto(f"{served}/login")
        page.fill("input[name=username]", login)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        log_in(page, "office")
        page.goto(f"{served}/sites")
        expect(page.locator("table.sites svg")).to_have_count(4)
        shoot(page, "sites-office")
        page.check("input[name=finding] >> nth=0")
        page.fill("input[name=points]", "0.5")
        page.click("text=确认勾选的问题")
        expect(page.locator(".ok").first).to_contain_text("已确认为日常考核记录")
        shoot(page, "sites-confirmed")
        page.click("text=退出")
        log_in(page, "unit1")
        page.goto(f"{served}/units/{unit_id(workbench, TOWN)}")
        expect(page.locator("section.site svg")).to_have_count(2)
        shoot(page, "unit-sites")
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.locator("#sites").screenshot(path=str(shots / f"unit-sites-panel-{width}.png"))
        browser.close()
    assert refused == []
    assert len(list(shots.glob("*.png"))) == 8
