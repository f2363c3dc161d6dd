"""The calendar, sweep and rectification commands as staff type them."""

import json
from datetime import date
from pathlib import Path

import pytest
import typer
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.assessment import Assessment
from models.calendar import CalendarNotCovered
from models.cycle import Cycle
from models.rectification import RectificationItem
from models.units import Unit
from zwgk.cli.calendar import calendar_app
from zwgk.cli.rectification import rectification_app
from zwgk.cli.sweep import sweep
from zwgk.core.settings import get_settings
from zwgk.deadlines.rows import open_rectification_deadlines, open_self_check_deadlines

# The commands mounted the way zwgk.cli registers them.
app = typer.Typer()
app.add_typer(calendar_app, name="calendar")
app.add_typer(rectification_app, name="rectification")
app.command("sweep")(sweep)
runner = CliRunner()


def test_add_workdays_across_national_day(db_url: str) -> None:
    result = runner.invoke(app, ["calendar", "add-workdays", "2025-09-26", "20", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2025-10-30"


def test_an_uncovered_year_is_refused_with_the_import_command(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["calendar", "add-workdays", "2027-01-04", "3", "--db", db_url])
    assert isinstance(result.exception, CalendarNotCovered)
    assert "2027" in str(result.exception) and "zwgk calendar import FILE" in str(result.exception)
    show = runner.invoke(app, ["calendar", "show", "2027", "--db", db_url])
    assert isinstance(show.exception, CalendarNotCovered)

    csv = tmp_path / "2027.csv"
    csv.write_text("date,type,name\n2027-01-01,休,元旦\n2027-02-20,班,春节调休上班\n", encoding="utf-8")
    assert runner.invoke(app, ["calendar", "import", str(csv), "--db", db_url]).exit_code == 0
    ok = runner.invoke(app, ["calendar", "show", "2027", "--json", "--db", db_url])
    assert json.loads(ok.output) == [
        {"date": "2027-01-01", "type": "holiday", "name": "元旦", "source": "table"},
        {"date": "2027-02-20", "type": "workday", "name": "春节调休上班", "source": "table"},
    ]
    # 2026-12-31 (Thu) + 1 working day skips the imported New Year holiday.
    after = runner.invoke(app, ["calendar", "add-workdays", "2026-12-31", "1", "--db", db_url])
    assert after.output.strip() == "2027-01-04"


def test_show_lists_package_holidays_and_make_up_days(db_url: str) -> None:
    result = runner.invoke(app, ["calendar", "show", "2025", "--json", "--db", db_url])
    days = {d["date"]: d for d in json.loads(result.output)}
    assert days["2025-10-01"] == {"date": "2025-10-01", "type": "holiday", "name": "国庆节",
                                  "source": "package"}
    assert days["2025-09-28"]["type"] == "workday" and days["2025-10-11"]["type"] == "workday"
    assert days["2025-01-26"]["name"] == "春节调休上班"
    assert "2025-10-09" not in days


def test_sweep_prints_what_it_did_and_whom_to_call(
    session: Session, demo_cycle: Cycle, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert demo_cycle.id is not None
    open_self_check_deadlines(session, cycle_id=demo_cycle.id, notice_on=date(2025, 9, 19))
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path))
    monkeypatch.delenv("ZWGK_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    try:
        dry = runner.invoke(app, ["sweep", "--today", "2025-09-29", "--dry-run", "--db", db_url])
        assert dry.exit_code == 0, dry.output
        assert "试运行" in dry.output and "通知将生成" in dry.output and "清溪镇（演示）" in dry.output
        result = runner.invoke(app, ["sweep", "--today", "2025-09-29", "--db", db_url])
        assert result.exit_code == 0, result.output
    finally:
        get_settings.cache_clear()
    assert "需电话通知（无邮箱）" in result.output and "清溪镇（演示）" in result.output
    assert "未配置邮件服务器" in result.output
    again = runner.invoke(app, ["sweep", "--today", "2025-09-29", "--json", "--db", db_url])
    report = json.loads(again.output)
    assert report["to_call"] == [] and report["not_emailed"] == []


def test_rectification_commands(session: Session, demo_cycle: Cycle, db_url: str, tmp_path: Path) -> None:
    unit = session.exec(select(Unit).where(Unit.name == "云雾镇（演示）")).one()
    assessment = session.exec(select(Assessment).where(Assessment.unit_id == unit.id)).one()
    assert assessment.id is not None and demo_cycle.id is not None
    session.add(RectificationItem(assessment_id=assessment.id, feedback_on=date(2025, 11, 3),
                                  problems="政策解读不及时"))
    session.commit()
    open_rectification_deadlines(session, cycle_id=demo_cycle.id, feedback_on=date(2025, 11, 3))
    plan, report = tmp_path / "方案.pdf", tmp_path / "报告.pdf"
    plan.write_bytes(b"plan")
    report.write_bytes(b"report")

    def run(*args: str) -> str:
        result = runner.invoke(app, ["rectification", *args, "--db", db_url])
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    run("plan", "2025", "云雾镇（演示）", str(plan), "--on", "2025-11-10")
    run("report", "2025", "云雾镇（演示）", str(report), "--on", "2025-12-01")
    out = run("verify", "2025", "云雾镇（演示）", "--by", "王晓岚", "--reject", "--comment", "材料不全",
              "--on", "2025-12-03")
    assert "2026-01-15" in out
    listing = json.loads(run("list", "2025", "--json"))
    assert listing[0]["state"] == "reopened" and listing[0]["next_due_on"] == "2026-01-15"
    refused = runner.invoke(app, ["rectification", "verify", "2025", "云雾镇（演示）", "--by", "周海宁",
                                  "--db", db_url])
    assert "无权办理办公室事项" in str(refused.exception)
