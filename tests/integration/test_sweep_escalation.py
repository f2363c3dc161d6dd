"""Escalation, missed days, dry runs, the group's deadline and cycles whose self-check is due."""

import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.assessment import DailyRecord
from models.calendar import CalendarNotCovered
from models.cycle import Cycle, transition
from models.deadlines import Deadline, DeadlineState, Reminder, ReminderStatus
from models.documents import IssuedDocument
from models.stages import Stage
from models.units import Unit
from zwgk.adapters.mail import Mailer
from zwgk.core.settings import Settings
from zwgk.deadlines.report import office_summary
from zwgk.deadlines.rows import mark_met, open_group_deadline, open_self_check_deadlines
from zwgk.deadlines.sweep import due_cycles, run_sweep

NOTICE = date(2025, 9, 19)
SLOT_DAYS = [date(2025, 9, 29), date(2025, 10, 9), date(2025, 10, 10), date(2025, 10, 13),
             date(2025, 10, 15), date(2025, 10, 17)]
ESCALATION_DAY = date(2025, 10, 21)
NO_SMTP = Mailer(Settings(smtp_host=None))


def sweep(session: Session, day: date, out_dir: Path, **kw: object):  # type: ignore[no-untyped-def]
    return run_sweep(session, today=day, out_dir=out_dir, mailer=NO_SMTP, **kw)  # type: ignore[arg-type]


@pytest.fixture
def self_check(session: Session, demo_cycle: Cycle) -> int:
    assert demo_cycle.id is not None
    open_self_check_deadlines(session, cycle_id=demo_cycle.id, notice_on=NOTICE)
    return demo_cycle.id


def test_after_three_reminders_the_unit_is_escalated_once(
    session: Session, self_check: int, tmp_path: Path
) -> None:
    for day in SLOT_DAYS:
        sweep(session, day, tmp_path)
    report = sweep(session, ESCALATION_DAY, tmp_path)
    units = session.exec(select(Unit)).all()
    assert {line.unit for line in report.escalated} == {u.name for u in units}
    numbers = [line.number for line in report.escalated]
    assert all(re.fullmatch(r"乌府公开办〔2025〕\d+号", n) for n in numbers), numbers
    assert len(set(numbers)) == len(numbers)
    docs = session.exec(select(IssuedDocument).where(IssuedDocument.number.in_(numbers))).all()  # type: ignore[attr-defined]
    assert len(docs) == len(numbers) and all("督办" in d.title for d in docs)

    records = session.exec(select(DailyRecord)).all()
    assert len(records) == len(units)
    assert all("经3次催办仍未报送" in r.finding and r.source_key for r in records)
    assert all(n in office_summary(report) for n in numbers)
    deadlines = session.exec(select(Deadline)).all()
    assert {d.escalated_on for d in deadlines} == {ESCALATION_DAY}

    # Re-running the day, or the next days, adds nothing.
    for day in (ESCALATION_DAY, date(2025, 10, 22), date(2025, 10, 31)):
        again = sweep(session, day, tmp_path)
        assert not again.escalated and not again.not_emailed and not again.to_call
    assert len(session.exec(select(DailyRecord)).all()) == len(units)


def test_a_sweep_that_missed_days_sends_the_current_reminder_only(
    session: Session, self_check: int, tmp_path: Path
) -> None:
    unit_count = len(session.exec(select(Unit)).all())
    report = sweep(session, date(2025, 10, 13), tmp_path)  # first sweep ever: overdue-1 day
    assert {line.slot for line in report.not_emailed + report.to_call} == {"overdue-1"}
    assert len(report.not_emailed) + len(report.to_call) == unit_count
    assert sorted({line.slot for line in report.skipped}) == ["before-1", "before-3", "due"]
    assert report.marked_overdue == unit_count
    # The missed slots are recorded as skipped, so no later sweep sends them.
    skipped = session.exec(select(Reminder).where(Reminder.status == ReminderStatus.SKIPPED)).all()
    assert len(skipped) == 3 * unit_count
    assert not sweep(session, date(2025, 10, 14), tmp_path).skipped


def test_dry_run_reports_and_writes_nothing(
    session: Session, self_check: int, tmp_path: Path
) -> None:
    report = sweep(session, date(2025, 10, 13), tmp_path, dry_run=True)
    units = session.exec(select(Unit)).all()
    assert report.dry_run and not report.sent  # no SMTP configured in this test
    assert {line.unit for line in report.not_emailed} == {u.name for u in units if u.contact_email}
    assert {line.unit for line in report.to_call} == {u.name for u in units if not u.contact_email}
    assert "试运行" in office_summary(report)
    assert session.exec(select(Reminder)).all() == []
    assert {d.state for d in session.exec(select(Deadline)).all()} == {DeadlineState.OPEN}
    assert session.exec(select(IssuedDocument)).all() == []


def test_nothing_is_sent_on_a_day_off_and_an_uncovered_year_is_refused(
    session: Session, self_check: int, tmp_path: Path
) -> None:
    report = sweep(session, date(2025, 10, 4), tmp_path)  # National Day holiday
    assert not report.workday and not report.not_emailed and not report.to_call
    assert "不是工作日" in office_summary(report)
    with pytest.raises(CalendarNotCovered, match="2027"):
        sweep(session, date(2027, 1, 5), tmp_path)


def test_the_groups_deadline_is_chased_by_phone_without_a_record(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    assert demo_cycle.id is not None
    due = open_group_deadline(session, cycle_id=demo_cycle.id, start_on=date(2025, 11, 3))
    assert open_group_deadline(session, cycle_id=demo_cycle.id, start_on=date(2025, 11, 3)) == due
    assert len(session.exec(select(Deadline)).all()) == 1
    report = sweep(session, due, tmp_path)
    assert [(line.unit, line.slot) for line in report.to_call] == [("考核组", "due")]
    late = sweep(session, date(2025, 12, 31), tmp_path)
    assert [line.unit for line in late.escalated] == ["考核组"]
    assert session.exec(select(DailyRecord)).all() == []


def test_due_cycles_lists_a_self_check_cycle_once_its_deadlines_are_met_or_past(
    session: Session, self_check: int
) -> None:
    for to in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK):
        transition(session=session, cycle_id=self_check, to=to, actor="测试")
    due_on = date(2025, 10, 10)
    assert due_cycles(session, today=due_on) == []  # the due date itself is still in time
    assert due_cycles(session, today=date(2025, 10, 11)) == [self_check]
    # All met before the due date: the run may go on at once.
    for d in session.exec(select(Deadline)).all():
        assert d.id is not None
        mark_met(session, deadline_id=d.id, on=date(2025, 10, 1))
    assert due_cycles(session, today=date(2025, 10, 2)) == [self_check]
    assert sweep(session, date(2025, 10, 2), Path("unused")).due_cycles == [self_check]
