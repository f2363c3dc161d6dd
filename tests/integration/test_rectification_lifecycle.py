"""Rectification (article 11): plan → report → verification, rejection reopens with a new deadline."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.assessment import Assessment, DailyRecord
from models.audit import AuditEntry
from models.calendar import WorkCalendar
from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.rectification import RectificationItem, RectificationState
from models.units import Unit
from zwgk.adapters.mail import Mailer
from zwgk.core.permissions import NotAllowed
from zwgk.core.settings import Settings
from zwgk.deadlines.rows import open_rectification_deadlines, open_self_check_deadlines
from zwgk.deadlines.sweep import SWEEP_KINDS, run_sweep
from zwgk.rectification.lifecycle import (
    RectificationRefused,
    list_items,
    receive_plan,
    receive_report,
    verify,
)

CAL = WorkCalendar()
FEEDBACK = date(2025, 11, 3)
UNIT = "区教育局（演示）"
OTHER = "云雾镇（演示）"
OFFICE_STAFF = "王晓岚"


@pytest.fixture
def items(session: Session, demo_cycle: Cycle) -> int:
    """Problems fed back to two units on 2025-11-03, with their deadlines."""
    for name in (UNIT, OTHER):
        unit = session.exec(select(Unit).where(Unit.name == name)).one()
        assessment = session.exec(select(Assessment).where(
            Assessment.cycle_id == demo_cycle.id, Assessment.unit_id == unit.id)).one()
        assert assessment.id is not None
        session.add(RectificationItem(assessment_id=assessment.id, feedback_on=FEEDBACK,
                                      problems="政策解读不及时\n依申请公开答复超期"))
    session.commit()
    assert demo_cycle.id is not None
    due = open_rectification_deadlines(session, cycle_id=demo_cycle.id, feedback_on=FEEDBACK)
    assert due.plan_on == CAL.add_workdays(FEEDBACK, 10) == date(2025, 11, 17)
    assert due.done_on == CAL.add_workdays(FEEDBACK, 30) == date(2025, 12, 15)
    again = open_rectification_deadlines(session, cycle_id=demo_cycle.id, feedback_on=FEEDBACK)
    assert again == due and len(session.exec(select(Deadline)).all()) == 4
    return demo_cycle.id


def file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def deadline(session: Session, kind: DeadlineKind, round: int = 1) -> Deadline:
    unit = session.exec(select(Unit).where(Unit.name == UNIT)).one()
    row = session.exec(select(Deadline).where(Deadline.unit_id == unit.id, Deadline.kind == kind,
                                              Deadline.round == round)).one()
    session.refresh(row)
    return row


def test_plan_report_reject_and_verify(session: Session, items: int, tmp_path: Path) -> None:
    plan = file(tmp_path, "整改方案.docx", "方案")
    item = receive_plan(session, year=2025, unit_name=UNIT, file=plan, on=date(2025, 11, 10))
    assert item.state == RectificationState.PLAN_RECEIVED and len(item.plan_sha256) == 64
    assert deadline(session, DeadlineKind.RECTIFICATION_PLAN).state == DeadlineState.MET
    # The same file again changes nothing (not even the date).
    again = receive_plan(session, year=2025, unit_name=UNIT, file=plan, on=date(2025, 11, 12))
    assert again.plan_received_on == date(2025, 11, 10)

    report = file(tmp_path, "整改报告.docx", "报告一")
    item = receive_report(session, year=2025, unit_name=UNIT, file=report, on=date(2025, 12, 1))
    assert item.state == RectificationState.REPORT_RECEIVED
    done = deadline(session, DeadlineKind.RECTIFICATION_DONE)
    assert done.state == DeadlineState.MET and done.met_on == date(2025, 12, 1)

    with pytest.raises(RectificationRefused, match="须填写意见"):
        verify(session, year=2025, unit_name=UNIT, by=OFFICE_STAFF, on=date(2025, 12, 3),
               reject=True)
    item = verify(session, year=2025, unit_name=UNIT, by=OFFICE_STAFF, on=date(2025, 12, 3),
                  reject=True, comment="依申请公开答复超期问题未见整改材料")
    assert item.state == RectificationState.REOPENED and item.round == 2
    reopened = deadline(session, DeadlineKind.RECTIFICATION_DONE, round=2)
    assert reopened.state == DeadlineState.OPEN
    assert reopened.starts_on == date(2025, 12, 3)
    assert reopened.due_on == CAL.add_workdays(date(2025, 12, 3), 30) == date(2026, 1, 15)
    # Repeating the same rejection (a retried command) opens no third round.
    verify(session, year=2025, unit_name=UNIT, by=OFFICE_STAFF, on=date(2025, 12, 3),
           reject=True, comment="依申请公开答复超期问题未见整改材料")
    assert session.get(RectificationItem, item.id).round == 2  # type: ignore[union-attr]

    row = {r.unit: r for r in list_items(session, year=2025)}[UNIT]
    assert (row.state, row.round, row.next_due_on) == (RectificationState.REOPENED, 2, date(2026, 1, 15))

    second = file(tmp_path, "整改报告（第二轮）.docx", "报告二")
    receive_report(session, year=2025, unit_name=UNIT, file=second, on=date(2026, 1, 5))
    assert deadline(session, DeadlineKind.RECTIFICATION_DONE, round=2).state == DeadlineState.MET
    item = verify(session, year=2025, unit_name=UNIT, by=OFFICE_STAFF, on=date(2026, 1, 6))
    assert item.state == RectificationState.VERIFIED and item.verified_by == OFFICE_STAFF
    actions = [a.action for a in session.exec(select(AuditEntry)).all()]
    assert actions.count("rectification.reject") == 1 and actions.count("rectification.verify") == 1


def test_refusals_name_the_problem(session: Session, items: int, tmp_path: Path) -> None:
    report = file(tmp_path, "报告.docx", "报告")
    with pytest.raises(RectificationRefused, match="尚未报送整改方案"):
        receive_report(session, year=2025, unit_name=OTHER, file=report, on=date(2025, 11, 20))
    with pytest.raises(RectificationRefused, match="没有需要整改的问题"):
        receive_plan(session, year=2025, unit_name="青岚镇（演示）", file=report, on=FEEDBACK)
    with pytest.raises(RectificationRefused, match="没有名为"):
        receive_plan(session, year=2025, unit_name="不存在的局", file=report, on=FEEDBACK)
    with pytest.raises(RectificationRefused, match="missing.docx: 文件不存在"):
        receive_plan(session, year=2025, unit_name=OTHER, file=tmp_path / "missing.docx", on=FEEDBACK)

    receive_plan(session, year=2025, unit_name=OTHER, file=file(tmp_path, "方案.docx", "x"), on=FEEDBACK)
    receive_report(session, year=2025, unit_name=OTHER, file=report, on=date(2025, 11, 20))
    # 周海宁 is on the leading group and the assessment group, but not office staff.
    for person in ("周海宁", "路人甲"):
        with pytest.raises(NotAllowed, match="无权办理办公室事项"):
            verify(session, year=2025, unit_name=OTHER, by=person, on=date(2025, 11, 21))
    item = verify(session, year=2025, unit_name=OTHER, by="刘静怡", on=date(2025, 11, 21))
    assert item.state == RectificationState.VERIFIED
    with pytest.raises(RectificationRefused, match="不再接收整改报告"):
        receive_report(session, year=2025, unit_name=OTHER, file=file(tmp_path, "新.docx", "y"),
                       on=date(2025, 11, 22))


def test_an_overdue_rectification_is_escalated_by_the_enforcement_sweep(
    session: Session, items: int, demo_cycle: Cycle, tmp_path: Path
) -> None:
    assert demo_cycle.id is not None
    open_self_check_deadlines(session, cycle_id=demo_cycle.id, notice_on=date(2025, 12, 1))
    mailer = Mailer(Settings(smtp_host=None))
    kinds = SWEEP_KINDS["rectification"]
    # The plan was due 2025-11-17; sweeps on each slot day, then past the reminders.
    for day in (date(2025, 11, 19), date(2025, 11, 21), date(2025, 11, 25), date(2025, 11, 27)):
        report = run_sweep(session, today=day, out_dir=tmp_path, kinds=kinds, mailer=mailer)
    assert {line.unit for line in report.escalated} == {UNIT, OTHER}
    assert {line.kind for line in report.escalated} == {DeadlineKind.RECTIFICATION_PLAN}
    records = session.exec(select(DailyRecord)).all()
    assert len(records) == 2 and all(r.finding.startswith("整改方案逾期未报送") for r in records)
    # The self-check deadlines (opened 12-01) are not this sweep's business.
    self_checks = session.exec(select(Deadline).where(Deadline.kind == DeadlineKind.SELF_CHECK)).all()
    assert self_checks and all(d.state == DeadlineState.OPEN for d in self_checks)
