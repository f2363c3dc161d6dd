"""Article 10(4): the group's symposiums, self-check hearings and on-site checks, their record
forms, the minutes kept, and the findings pre-filled in the score workbook."""

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.assessment import Assessment, Deduction, GroupMethod
from models.audit import AuditEntry
from models.cycle import Cycle
from models.group_records import GroupActivity, GroupFinding
from models.stages import Stage
from models.units import Unit
from zwgk.assessment.group_records import FindingInput, list_activities, record_activity
from zwgk.cli.app import app
from zwgk.core.errors import IntakeError
from zwgk.core.settings import get_settings
from zwgk.documents.register import document_path
from zwgk.intake.score_workbook import import_score_workbook, write_score_workbook

TOWN = "青岚镇（演示）"
ASSESSORS = ["周海宁", "吴佳琪"]
ON = date(2026, 2, 3)
FINDINGS = [FindingInput(criterion="T001", points=Decimal("1.0"), text="领导分工未在网站公开"),
            FindingInput(criterion="t033", points=Decimal("0.5"), text="政务微博连续多日未更新")]


@pytest.fixture
def grouping(session: Session, demo_cycle: Cycle) -> Cycle:
    demo_cycle.stage = Stage.GROUP_ASSESSMENT
    session.add(demo_cycle)
    session.commit()
    return demo_cycle


@pytest.fixture
def minutes(tmp_path: Path) -> Path:
    path = tmp_path / "现场核查纪要.txt"
    path.write_text("2026年2月3日实地核查青岚镇政务公开工作纪要。\n", encoding="utf-8")
    return path


def _text(path: Path) -> str:
    document = Document(str(path))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_an_on_site_check_is_recorded_with_its_minutes_and_issued_as_a_record_form(
    session: Session, grouping: Cycle, minutes: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    activity, form = record_activity(session, year=2025, unit_name=TOWN, kind="实地核查", held_on=ON,
                                     members=ASSESSORS, findings=FINDINGS, minutes=minutes, out_dir=out)
    digest = hashlib.sha256(minutes.read_bytes()).hexdigest()
    assert activity.kind is GroupMethod.ON_SITE and activity.members == "周海宁、吴佳琪"
    assert activity.minutes_sha256 == digest and activity.minutes_name == minutes.name
    kept = out / activity.minutes_path
    assert kept.read_bytes() == minutes.read_bytes() and activity.minutes_path.startswith("2025/03-考核组/记录材料/")
    text = _text(document_path(form, out))
    assert "2025年度政务公开工作考核实地核查记录表" in text and TOWN in text
    assert "周海宁、吴佳琪" in text and "2026年2月3日" in text and digest in text
    assert "T001" in text and "领导分工未在网站公开" in text and "0.5" in text
    assert form.number == "" and form.path.endswith(f"第{activity.id}号.docx")
    audit = session.exec(select(AuditEntry).where(AuditEntry.action == "group.record")).one()
    assert audit.actor == "周海宁、吴佳琪" and TOWN in audit.comment

    again, same_form = record_activity(session, year=2025, unit_name=TOWN, kind="实地核查", held_on=ON,
                                       members=ASSESSORS, findings=FINDINGS, minutes=minutes, out_dir=out)
    assert again.id == activity.id and same_form.id == form.id
    assert len(session.exec(select(GroupFinding)).all()) == 2
    [view] = list_activities(session, year=2025, unit_name=TOWN)
    assert view.findings == ["T001 拟扣 1.0 分：领导分工未在网站公开", "T033 拟扣 0.5 分：政务微博连续多日未更新"]


def test_findings_are_proposed_in_the_workbook_and_count_once_the_group_imports_it(
    session: Session, grouping: Cycle, tmp_path: Path
) -> None:
    record_activity(session, year=2025, unit_name=TOWN, kind="座谈会", held_on=ON, members=ASSESSORS,
                    findings=FINDINGS, out_dir=tmp_path / "out")
    assert session.exec(select(Deduction)).all() == []  # proposed only: the group decides
    path = write_score_workbook(session, cycle_id=grouping.id, path=tmp_path / "评分.xlsx")  # type: ignore[arg-type]
    sheet = load_workbook(path)[TOWN]
    lines = [row for row in sheet.iter_rows(values_only=True) if row[8] == "座谈会"]
    assert [(r[1], r[6]) for r in lines] == [("T001", 1.0), ("T033", 0.5)]
    assert lines[0][7].startswith("座谈会（2026-02-03，第") and lines[0][7].endswith("领导分工未在网站公开")
    report = import_score_workbook(session, cycle_id=grouping.id, path=path, by="周海宁")  # type: ignore[arg-type]
    assert report.ok, report.problems
    taken = session.exec(select(Deduction.points, Deduction.method).join(Assessment, Assessment.id == Deduction.assessment_id)  # type: ignore[arg-type]
                         .join(Unit, Unit.id == Assessment.unit_id).where(Unit.name == TOWN)).all()  # type: ignore[arg-type]
    assert sorted(taken) == [(Decimal("0.5"), GroupMethod.SYMPOSIUM), (Decimal("1.0"), GroupMethod.SYMPOSIUM)]


@pytest.mark.parametrize(("change", "message"), [
    ({"kind": "第三方评估"}, "zwgk evaluations import"),
    ({"members": ["周海宁", "张三"]}, "“张三”不是考核组成员"),
    ({"members": []}, "须用 --by"),
    ({"findings": [FindingInput(criterion="T001", points=Decimal("99"), text="x")]}, "不超过指标 T001"),
    ({"findings": [FindingInput(criterion="D001", points=Decimal("1"), text="x")]}, "D001"),
    ({"findings": [FindingInput(criterion="T001", points=Decimal("1"), text=" ")]}, "须填写发现的问题"),
    ({"minutes": Path("/nonexistent/纪要.docx")}, "记录材料文件不存在"),
])
def test_bad_records_are_refused_and_nothing_is_written(
    session: Session, grouping: Cycle, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"kind": "实地核查", "members": ASSESSORS, "findings": FINDINGS, "minutes": None}
    with pytest.raises(IntakeError, match=message):
        record_activity(session, year=2025, unit_name=TOWN, held_on=ON, out_dir=tmp_path,  # type: ignore[arg-type]
                        **{**args, **change})
    assert session.exec(select(GroupActivity)).all() == []


def test_records_wait_for_the_self_check_stage(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match="拟定实施方案"):
        record_activity(session, year=2025, unit_name=TOWN, kind="实地核查", held_on=ON, members=ASSESSORS,
                        findings=[], out_dir=tmp_path)


def test_the_command_takes_repeated_findings(session: Session, grouping: Cycle, db_url: str, minutes: Path,
                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path / "out"))
    get_settings.cache_clear()
    runner = CliRunner()
    base = ["group", "record", "2025", TOWN, "--kind", "自查汇报", "--on", "2026-02-03", "--by", "周海宁、吴佳琪",
            "--minutes", str(minutes), "--db", db_url]
    uneven = runner.invoke(app, [*base, "--finding", "甲", "--criterion", "T001"])
    assert uneven.exit_code != 0 and "--points" in uneven.output
    result = runner.invoke(app, [*base, "--finding", "自查报告未附佐证", "--criterion", "T001", "--points", "1",
                                 "--finding", "依申请公开台账不全", "--criterion", "T033", "--points", "0.5"])
    assert result.exit_code == 0, result.output
    said = result.output.replace("\n", "")
    assert "发现问题 2 个" in said and "自查汇报记录表" in said
    listed = runner.invoke(app, ["group", "list", "2025", "--json", "--db", db_url])
    assert '"kind": "自查汇报"' in listed.output and "依申请公开台账不全" in listed.output
    get_settings.cache_clear()
