"""End-to-end journeys in a real browser (Debian's Chromium driven by Playwright) against
`zwgk web` served on loopback, under the workbench's Content-Security-Policy: no page may break
it (the browser reports every violation on its console). Screenshots of every page at 390 and
1280 px wide are left in the test's temporary folder (shots/)."""

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from models.assessment import Assessment
from models.cycle import transition
from models.stages import Stage
from models.units import Category, Unit
from tests.web.serving import serve_process
from zwgk.adapters.db import get_engine, init_schema
from zwgk.core.settings import get_settings
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo
from zwgk.demo.filler import fill_self_check_form
from zwgk.documents.issue.publish import issue_results_circular, publish_results_page
from zwgk.intake.forms import regular_criteria
from zwgk.setup.accounts import create_account

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
PASSWORD = "browser-pass-1"
TOWN = "青岚镇（演示）"


def publish_results(session: Session, *, year: int, on: date, out: Path) -> str:
    """A cycle of ``year`` scored, ranked and published without running the procedure, with its
    results circular (通报) issued and its public page written; the circular's title."""
    cycle = start_cycle(session=session, year=year, actor="测试")
    assert cycle.id is not None
    pairs = session.exec(select(Assessment, Unit).join(Unit, col(Unit.id) == Assessment.unit_id)
                         .where(Assessment.cycle_id == cycle.id).order_by(col(Unit.category), col(Unit.id))).all()
    for category in Category:
        for rank, assessment in enumerate((a for a, u in pairs if u.category is category), start=1):
            assessment.score, assessment.rank, assessment.scored = Decimal("96.0") - 2 * rank, rank, True
            assessment.grade = "优秀" if assessment.score >= 90 else "良好"
            session.add(assessment)
    session.commit()
    for stage in list(Stage)[1:list(Stage).index(Stage.PUBLISHED) + 1]:
        transition(session=session, cycle_id=cycle.id, to=stage, actor="测试")
    title = issue_results_circular(session=session, cycle_id=cycle.id, on=on, out_dir=out).title
    publish_results_page(session=session, cycle_id=cycle.id, out_dir=out)
    return title


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """`zwgk web` on a free loopback port over the demo district with a 2025 cycle (draft) and
    the 2024 cycle published with its results circular (通报); accounts leader, office, town.
    Yields the base URL and the circular's title."""
    out = tmp_path / "out"
    url = f"sqlite:///{tmp_path / 'zwgk.db'}"
    monkeypatch.setenv("ZWGK_OUT_DIR", str(out))
    get_settings.cache_clear()
    engine = get_engine(url)
    init_schema(engine)
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session)
        circular = publish_results(session, year=2024, on=date(2025, 3, 3), out=out)
        start_cycle(session=session, year=2025, actor="测试")
        for login, person, unit in (("leader", "张明远", None), ("office", "刘静怡", None), ("town", None, TOWN)):
            create_account(session, login=login, person=person, unit=unit, password=PASSWORD, actor="测试")
    get_settings.cache_clear()
    with serve_process(tmp_path, url, "--today", "2026-01-07", ZWGK_OUT_DIR=str(out)) as (_server, base):
        yield base, circular


def public_and_error_pages(page: Any, base: str, shoot: Callable[[Any, str], None]) -> None:
    """The public page carries its own stylesheet, allowed by its hash and nothing else; an error
    page is the workbench's own, styled like the rest."""
    from playwright.sync_api import expect

    page.goto(f"{base}/cycles/2024/public")
    assert page.eval_on_selector("header", "e => getComputedStyle(e).backgroundColor") == "rgb(180, 22, 27)"
    shoot(page, "13-public")
    page.goto(f"{base}/units/abc")
    expect(page.locator("h1")).to_have_text("无法办理")
    shoot(page, "14-not-found")


def test_journeys_in_a_browser(served: tuple[str, str], tmp_path: Path) -> None:
    from docx import Document
    from playwright.sync_api import Page, expect, sync_playwright

    base, circular = served

    shots = tmp_path / "shots"
    shots.mkdir()

    def shoot(page: Page, name: str) -> None:
        """Screenshots at both widths; no page may be wider than the window (wide tables
        scroll inside their own box or become one card per row)."""
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
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(240_000)  # the first decision starts Prefect's temporary server
        refused: list[str] = []  # what the browser refused under the Content-Security-Policy
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.on("pageerror", lambda error: refused.append(str(error)))

        page.goto(f"{base}/cycles/2025")
        expect(page).to_have_url(f"{base}/login?next=/cycles/2025")
        shoot(page, "01-login")
        # The stylesheet applies under the policy (the header's red, the card's border).
        assert page.eval_on_selector(".top", "e => getComputedStyle(e).backgroundColor") == "rgb(168, 32, 26)"

        # The leading group's head approves the scheme.
        log_in(page, "leader")
        shoot(page, "02-leader-home")
        page.goto(f"{base}/cycles/2025/gates/scheme")
        shoot(page, "03-gate-scheme")
        page.check("input[name=decision][value=approve]")
        page.fill("textarea[name=comment]", "同意印发实施方案")
        page.click("text=以 张明远 的名义提交")
        expect(page).to_have_url(f"{base}/cycles/2025")
        expect(page.locator(".ok")).to_contain_text("已记录，年度考核正在继续办理")
        # The page refreshes itself until the run, carried on in the background, has opened the self-check.
        expect(page.locator("ol.timeline li.current")).to_contain_text("单位自查", timeout=240_000)
        expect(page.locator(".running")).to_have_count(0, timeout=240_000)
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
        page.set_input_files("#c-2025-T001 input[type=file]", str(evidence))
        page.click("#c-2025-T001 button")
        expect(page.locator("#c-2025-T001")).to_contain_text("会议纪要.pdf")
        expect(page.locator("body")).to_contain_text("按时报送")
        shoot(page, "07-unit-sent")
        page.click("text=退出")

        # The office downloads the results circular (通报) of the year published from the register.
        log_in(page, "office")
        page.goto(f"{base}/cycles/2025")
        shoot(page, "08-office-cycle")
        page.goto(f"{base}/cycles/2024")
        shoot(page, "09-office-published")
        row = page.locator("tr", has_text=circular)
        with page.expect_download() as download:
            row.locator("text=Word").click()
        saved = tmp_path / "通报.docx"
        download.value.save_as(saved)
        assert circular == "关于2024年度政务公开工作考核结果的通报"
        assert circular in [p.text for p in Document(str(saved)).paragraphs]
        page.goto(f"{base}/cycles/2025/group")
        shoot(page, "10-group")
        # A start is confirmed on a page that says what it will do; a mistyped year has no button.
        page.goto(f"{base}/cycles/2026")
        page.click("text=启动 2026 年度考核")
        expect(page.locator("form[action='/cycles/2026/start']")).to_contain_text("确认启动")
        shoot(page, "11-office-start")
        page.goto(f"{base}/cycles/2099")
        expect(page.locator("body")).to_contain_text("只能启动上一年度（2025）或本年度（2026）的考核")
        expect(page.locator("a[href='/cycles/2099/start']")).to_have_count(0)
        shoot(page, "12-office-mistyped-year")
        public_and_error_pages(page, base, shoot)
        browser.close()
    assert len(list(shots.glob("*.png"))) == 28
    assert refused == [], refused
