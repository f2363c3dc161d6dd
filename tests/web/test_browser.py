"""End-to-end journeys in a real browser (Debian's Chromium driven by Playwright) against
`zwgk web` served on loopback. Screenshots of every page at 390 and 1280 px wide are left in
the test's temporary folder (shots/)."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session

from models.units import Category
from tests.flows.conftest import free_port
from zwgk import daily
from zwgk.accounts import create_account
from zwgk.db import get_engine, init_schema
from zwgk.documents.paperwork import issue_daily_circular
from zwgk.procedure import start_cycle
from zwgk.roster import load_demo
from zwgk.scripted import fill_self_check_form
from zwgk.settings import get_settings
from zwgk.workbooks import regular_criteria

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
PASSWORD = "browser-pass-1"
TOWN = "青岚镇（演示）"
REPO = Path(__file__).parents[2]


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """`zwgk web` on a free loopback port over the demo district with a 2025 cycle (draft) and a
    daily-assessment circular (通报) issued; accounts leader, office, town."""
    out = tmp_path / "out"
    url = f"sqlite:///{tmp_path / 'zwgk.db'}"
    monkeypatch.setenv("ZWGK_OUT_DIR", str(out))
    get_settings.cache_clear()
    engine = get_engine(url)
    init_schema(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session)
        cycle = start_cycle(session=session, year=2025, actor="测试")
        daily.add_daily_record(session, year=2025, unit_name=TOWN, criterion_ref="T039", points=Decimal("1.0"),
                               method="随机抽查", finding="政府信息公开指南未及时更新", by="刘静怡", on=date(2025, 5, 14))
        issue_daily_circular(session=session, year=2025, on=date(2026, 1, 6), cycle_id=cycle.id, out_dir=out)
        for login, person, unit in (("leader", "张明远", None), ("office", "刘静怡", None), ("town", None, TOWN)):
            create_account(session, login=login, person=person, unit=unit, password=PASSWORD, actor="测试")
    get_settings.cache_clear()
    port = free_port()
    env = dict(os.environ, ZWGK_OUT_DIR=str(out), PREFECT_HOME=str(tmp_path / "prefect"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    log = (tmp_path / "web.log").open("wb")
    server = subprocess.Popen([sys.executable, "-c", "from zwgk.cli import main; main()", "web", "--port", str(port),
                               "--today", "2026-01-07", "--db", url], env=env, cwd=REPO, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/login", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_journeys_in_a_browser(served: str, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    shots = tmp_path / "shots"
    shots.mkdir()

    def shoot(page: Page, name: str) -> None:
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)

    def log_in(page: Page, login: str) -> None:
        page.goto(f"{served}/login")
        page.fill("input[name=username]", login)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(240_000)  # the first decision starts Prefect's temporary server

        page.goto(f"{served}/cycles/2025")
        expect(page).to_have_url(f"{served}/login?next=/cycles/2025")
        shoot(page, "01-login")

        # The leading group's head approves the scheme.
        log_in(page, "leader")
        shoot(page, "02-leader-home")
        page.goto(f"{served}/cycles/2025/gates/scheme")
        shoot(page, "03-gate-scheme")
        page.check("input[name=decision][value=approve]")
        page.fill("textarea[name=comment]", "同意印发实施方案")
        page.click("text=以 张明远 的名义提交")
        expect(page).to_have_url(f"{served}/cycles/2025")
        expect(page.locator("ol.timeline li.current")).to_contain_text("单位自查")
        shoot(page, "04-cycle-self-check")
        page.set_default_timeout(30_000)
        page.click("text=退出")

        # A unit sends its form with an error, sees it next to the row, fixes it, sends it and evidence.
        log_in(page, "town")
        expect(page.locator("h1")).to_have_text(TOWN)
        shoot(page, "05-unit")
        with page.expect_download() as download:
            page.click("text=下载本单位自查评分表")
        form = tmp_path / "form.xlsx"
        download.value.save_as(form)
        engine = get_engine(f"sqlite:///{tmp_path / 'zwgk.db'}")
        with Session(engine) as session:
            from models.cycle import get_cycle

            lines = regular_criteria(session, get_cycle(session, 2025).id)[Category.TOWNSHIP]  # type: ignore[arg-type]
        scores = {line.ref: line.points for line in lines}
        fill_self_check_form(form, {**scores, "T002": scores["T002"] + 5}, {"T001": "见会议纪要"})
        page.set_input_files("form[action$='/self-check'] input[type=file]", str(form))
        page.click("text=上传并校验")
        expect(page.locator(".alert")).to_contain_text("未导入")
        expect(page.locator("tr.bad")).to_contain_text("T002")
        shoot(page, "06-unit-form-error")
        fill_self_check_form(form, scores)
        page.set_input_files("form[action$='/self-check'] input[type=file]", str(form))
        page.click("text=上传并校验")
        expect(page.locator(".ok")).to_contain_text("已收到")
        evidence = tmp_path / "会议纪要.pdf"
        evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
        page.set_input_files("#c-T001 input[type=file]", str(evidence))
        page.click("#c-T001 button")
        expect(page.locator("#c-T001")).to_contain_text("会议纪要.pdf")
        expect(page.locator("body")).to_contain_text("按时报送")
        shoot(page, "07-unit-sent")
        page.click("text=退出")

        # The office downloads the circular (通报) from the register.
        log_in(page, "office")
        page.goto(f"{served}/cycles/2025")
        shoot(page, "08-office-cycle")
        row = page.locator("tr", has_text="日常考核情况的通报")
        with page.expect_download() as download:
            row.locator("text=Word").click()
        saved = tmp_path / "通报.docx"
        download.value.save_as(saved)
        assert saved.read_bytes()[:2] == b"PK"
        page.goto(f"{served}/cycles/2025/group")
        shoot(page, "09-group")
        browser.close()
    assert len(list(shots.glob("*.png"))) == 18
