"""Annual reports in the procedure: a deadline per unit reminded and escalated by the existing
sweep, the 年报审查情况通报 issued and read back, and the commands office staff run."""

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from models.assessment import DailyRecord
from models.calendar import load_calendar
from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.reminders import ESCALATION, fires_on
from models.scheme import ReminderPolicy
from models.units import Unit
from tests.reports_builder import Report, build_docx, with_t3
from zwgk.adapters.mail import Mailer
from zwgk.cli.app import app
from zwgk.core.settings import Settings, get_settings
from zwgk.deadlines.sweep import run_sweep
from zwgk.reports import format as f
from zwgk.reports.circular import issue_report_circular
from zwgk.reports.confirm import confirm_findings
from zwgk.reports.due import open_report_deadlines
from zwgk.reports.findings import current_findings, refresh_findings
from zwgk.reports.handin import hand_in, unit_named

TOWN, OTHER_TOWN = "青岚镇（演示）", "云雾镇（演示）"
DUE = date(2026, 1, 31)  # a Saturday: the statute's date stands
NO_SMTP = Mailer(Settings(smtp_host=None))
FINDING_KEYS = {"unit", "rule", "table", "row", "column", "expected", "found", "detail"}


@pytest.fixture(autouse=True)
def out_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path / "out"))
    get_settings.cache_clear()
    yield tmp_path / "out"
    monkeypatch.undo()
    get_settings.cache_clear()


def docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_deadlines_open_once_are_met_by_a_report_and_escalated_by_the_sweep(
        session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    hand_in(session, year=2025, unit=unit_named(session, TOWN), path=build_docx(tmp_path / "r.docx", Report()),
            original_name="r.docx", by="赵晓东", on=date(2026, 1, 20), today=date(2026, 1, 20))
    rows = session.exec(select(Deadline).where(Deadline.kind == DeadlineKind.ANNUAL_REPORT)).all()
    assert len(rows) == 37 and {d.due_on for d in rows} == {DUE}  # opened by the first report
    assert open_report_deadlines(session, year=2025, by="刘静怡").added == 0
    mine = next(d for d in rows if d.unit_id == unit_named(session, TOWN).id)
    session.refresh(mine)
    assert (mine.state, mine.met_on) == (DeadlineState.MET, date(2026, 1, 20))

    reminded = run_sweep(session, today=date(2026, 1, 28), mailer=NO_SMTP, out_dir=tmp_path / "out")
    lines = [x for x in reminded.not_emailed + reminded.to_call if x.kind is DeadlineKind.ANNUAL_REPORT]
    assert {x.unit for x in lines} == {u.name for u in session.exec(select(Unit)) if u.category != "enterprise"} - {TOWN}
    notice = docx_text(Path(lines[0].document))
    assert "根据《中华人民共和国政府信息公开条例》第四十九条、第五十条，你单位应于2026年1月31日前报送政府信息公开工作年度报告" \
        in notice

    escalation_day = fires_on(ESCALATION, due_on=DUE, policy=ReminderPolicy(), calendar=load_calendar(session))
    escalated = run_sweep(session, today=escalation_day, mailer=NO_SMTP, out_dir=tmp_path / "out")
    assert OTHER_TOWN in {x.unit for x in escalated.escalated} and TOWN not in {x.unit for x in escalated.escalated}
    other = unit_named(session, OTHER_TOWN)
    record = session.exec(select(DailyRecord).where(DailyRecord.unit_id == other.id)).one()
    assert record.finding.startswith("政府信息公开工作年度报告逾期未报送（截止日期2026年1月31日）")

    # Confirming the missing report links the sweep's record instead of adding another.
    refresh_findings(session, year=2025, today=escalation_day)
    missing = next(x for x, u in current_findings(session, year=2025) if u.name == OTHER_TOWN)
    [done] = confirm_findings(session, year=2025, finding_ids=[missing.id], by="刘静怡", on=escalation_day)  # type: ignore[list-item]
    assert done.daily_record_id == record.id
    assert len(session.exec(select(DailyRecord).where(DailyRecord.unit_id == other.id)).all()) == 1


def test_the_circular_lists_who_reported_and_the_confirmed_problems(
        session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    out = tmp_path / "out"
    wrong = with_t3(Report(), f.GRANTED, f.NATURAL, 6)
    result = hand_in(session, year=2025, unit=unit_named(session, TOWN), path=build_docx(tmp_path / "r.docx", wrong),
                     original_name="r.docx", by="赵晓东", on=date(2026, 1, 20), today=date(2026, 1, 20))
    hand_in(session, year=2025, unit=unit_named(session, OTHER_TOWN),
            path=build_docx(tmp_path / "o.docx", Report(unit_title="云雾镇人民政府", seed=21)),
            original_name="o.docx", by="钱丽华", on=date(2026, 2, 2), today=date(2026, 2, 2))
    confirm_findings(session, year=2025, finding_ids=[result.findings[0].id], by="刘静怡", on=date(2026, 2, 9))  # type: ignore[list-item]
    document = issue_report_circular(session=session, year=2025, on=date(2026, 2, 10), out_dir=out)
    assert re.fullmatch(r"乌府公开办〔2026〕\d+号", document.number)
    assert document.title == "关于2025年度政府信息公开工作年度报告审查情况的通报"
    again = issue_report_circular(session=session, year=2025, on=date(2026, 2, 11), out_dir=out)
    assert again.id == document.id and again.number == document.number

    path = out / document.path
    text = docx_text(path)
    assert "应报送单位37个，已报送2个，其中按时报送1个，逾期报送1个（云雾镇（演示））；未报送35个" in text
    assert "经审查，1个单位的年度报告存在1个问题" in text and "表三 三（七）总计 × 自然人：各项之和 12 ≠ 总计 11" in text
    assert "2026年1月20日" in text and "按时报送" in text and "逾期报送" in text
    assert "{{" not in text and "{%" not in text
    document_ = Document(str(path))
    section = document_.sections[0]
    assert round(section.top_margin / Mm(1)) == 37 and round(section.left_margin / Mm(1)) == 28
    paragraphs = document_.paragraphs
    assert paragraphs[0].style.name == "发文机关标志" and paragraphs[0].text == "乌当区政务公开工作领导小组办公室文件"
    assert next(p for p in paragraphs if p.style.name == "发文字号").text == document.number
    assert next(p for p in paragraphs if p.style.name == "成文日期").text == "2026年2月10日"


def test_the_commands(session: Session, demo_cycle: Cycle, db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    good = build_docx(tmp_path / "good.docx", Report())
    bad = build_docx(tmp_path / "bad.docx", with_t3(Report(unit_title="云雾镇人民政府", seed=5), f.NEW, f.NATURAL, 11))
    other_year = build_docx(tmp_path / "old.docx", Report(year=2024))

    def zwgk(*args: str) -> tuple[int, str]:
        done = runner.invoke(app, [*args, "--db", db_url])
        return done.exit_code, f"{done.output}{done.exception or ''}"  # a refusal as `zwgk` prints it

    code, output = zwgk("reports", "import", "2025", TOWN, str(good), "--by", "刘静怡", "--received", "2026-01-20")
    assert code == 0 and "已接收第 1 版" in output and "发现 0 个问题" in output
    code, output = zwgk("reports", "import", "2025", TOWN, str(other_year), "--by", "刘静怡")
    assert code == 1 and "未接收：old.docx：这是 2024 年度的报告" in output
    code, output = zwgk("reports", "import", "2025", OTHER_TOWN, str(bad), "--by", "刘静怡", "--received", "2026-01-21",
                        "--json")
    assert code == 0
    imported = json.loads(output)
    assert imported["version"] == 1 and [x["rule"] for x in imported["findings"]] == ["table_sum", "table_sum"]

    code, output = zwgk("reports", "findings", "2025", "--json", "--today", "2026-01-25")
    listed = json.loads(output)
    assert code == 0 and all(set(x) == FINDING_KEYS for x in listed)
    assert listed == [
        {"unit": OTHER_TOWN, "rule": "table_sum", "table": "表三", "row": "一＋二 ＝ 三（七）＋四", "column": "自然人",
         "expected": 13, "found": 12,
         "detail": "表三 一＋二 ＝ 三（七）＋四 × 自然人：新收 11 + 上年结转 2 = 13，办理结果总计 11 + 结转下年度 1 = 12"},
        {"unit": OTHER_TOWN, "rule": "table_sum", "table": "表三", "row": "一、本年新收政府信息公开申请数量",
         "column": "总计", "expected": 13, "found": 12,
         "detail": "表三 一、本年新收政府信息公开申请数量 × 总计：各列之和 13 ≠ 总计 12"}]

    code, output = zwgk("reports", "list", "2025", "--json", "--today", "2026-02-02")
    table = {row["unit"]: row for row in json.loads(output)}
    assert table[TOWN]["status"] == "按时报送" and table[OTHER_TOWN]["errors"] == 2
    assert table["松涛镇（演示）"]["status"] == "未报送（已逾期）"

    ids = [str(x.id) for x, u in current_findings(session, year=2025) if u.name == OTHER_TOWN]
    code, output = zwgk("reports", "confirm", "2025", *ids[:1], "--by", "考核员甲", "--on", "2026-02-02")
    assert code == 1 and "不在人员名单中" in output and "无权办理年报审查" in output  # not on the roster
    code, output = zwgk("reports", "confirm", "2025", *ids[:1], "--by", "周海宁", "--on", "2026-02-02")
    assert code == 1 and "“周海宁”无权办理年报审查" in output  # an assessor on the roster, not office staff
    code, output = zwgk("reports", "confirm", "2025", *ids[:1], "--by", "王晓岚", "--on", "2026-02-02")
    assert code == 0 and "已记入日常考核" in output
    code, output = zwgk("reports", "circular", "2025", "--by", "刘静怡", "--on", "2026-02-03", "--out",
                        str(tmp_path / "docs"))
    assert code == 0 and "乌府公开办〔2026〕" in output
    assert session.exec(select(DailyRecord).where(col(DailyRecord.finding).contains("年度报告"))).first()
