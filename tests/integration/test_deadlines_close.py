"""Every kind of deadline closes when its work is done, on time or late: a self-check form
imported, the group's scores confirmed, a rectification plan and report received, an annual
report handed in. A new kind without an entry here fails the test."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.assessment import Assessment
from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.rectification import RectificationItem
from tests.reports_builder import Report, build_docx
from zwgk.deadlines.rows import (
    open_group_deadline,
    open_rectification_deadlines,
    open_self_check_deadlines,
)
from zwgk.demo.filler import fill_self_check_form
from zwgk.intake.forms import regular_criteria
from zwgk.intake.self_check import import_self_checks, write_self_check_forms
from zwgk.rectification.lifecycle import receive_plan, receive_report
from zwgk.reports.due import open_report_deadlines
from zwgk.reports.handin import hand_in, unit_named
from zwgk.results.confirmation import confirm_scores

TOWN = "青岚镇（演示）"
Work = Callable[[Session, Cycle, Path, date], None]


def _self_check(session: Session, cycle: Cycle, tmp_path: Path, on: date) -> None:
    open_self_check_deadlines(session, cycle_id=cycle.id, notice_on=date(2026, 1, 7))  # type: ignore[arg-type]
    town = unit_named(session, TOWN)
    [form] = write_self_check_forms(session, year=2025, out_dir=tmp_path, unit_ids=[town.id])  # type: ignore[list-item]
    lines = regular_criteria(session, cycle.id)[town.category]  # type: ignore[arg-type]
    fill_self_check_form(form, {line.ref: line.points for line in lines})
    _overdue(session)
    assert import_self_checks(session, year=2025, files=[form], received_on=on).ok


def _group_scoring(session: Session, cycle: Cycle, tmp_path: Path, on: date) -> None:
    open_group_deadline(session, cycle_id=cycle.id, start_on=date(2026, 1, 20))  # type: ignore[arg-type]
    for assessment in session.exec(select(Assessment)).all():
        assessment.scored = True
        session.add(assessment)
    session.commit()
    _overdue(session)
    confirm_scores(session, cycle_id=cycle.id, by="周海宁", on=on)  # type: ignore[arg-type]


def _feedback(session: Session, cycle: Cycle) -> None:
    town = unit_named(session, TOWN)
    assessment = session.exec(select(Assessment).where(Assessment.cycle_id == cycle.id,
                                                       Assessment.unit_id == town.id)).one()
    session.add(RectificationItem(assessment_id=assessment.id, feedback_on=date(2026, 3, 2),  # type: ignore[arg-type]
                                  problems="政策解读不及时"))
    session.commit()
    open_rectification_deadlines(session, cycle_id=cycle.id, feedback_on=date(2026, 3, 2))  # type: ignore[arg-type]
    _overdue(session)


def _plan(session: Session, cycle: Cycle, tmp_path: Path, on: date) -> None:
    _feedback(session, cycle)
    (tmp_path / "方案.docx").write_text("方案", encoding="utf-8")
    receive_plan(session, year=2025, unit_name=TOWN, file=tmp_path / "方案.docx", on=on)


def _done(session: Session, cycle: Cycle, tmp_path: Path, on: date) -> None:
    _plan(session, cycle, tmp_path, on)
    (tmp_path / "报告.docx").write_text("报告", encoding="utf-8")
    receive_report(session, year=2025, unit_name=TOWN, file=tmp_path / "报告.docx", on=on)


def _annual_report(session: Session, cycle: Cycle, tmp_path: Path, on: date) -> None:
    open_report_deadlines(session, year=2025, by="刘静怡")
    _overdue(session)
    hand_in(session, year=2025, unit=unit_named(session, TOWN), path=build_docx(tmp_path / "r.docx", Report()),
            original_name="r.docx", by="青岚镇", on=on, today=on)


def _overdue(session: Session) -> None:
    """Every open deadline past due, as the sweep leaves them: the work comes in late."""
    for deadline in session.exec(select(Deadline).where(Deadline.state == DeadlineState.OPEN)).all():
        deadline.state = DeadlineState.OVERDUE
        session.add(deadline)
    session.commit()


WORK: dict[DeadlineKind, tuple[Work, bool]] = {  # the work, and whether the deadline is the town's own
    DeadlineKind.SELF_CHECK: (_self_check, True),
    DeadlineKind.GROUP_SCORING: (_group_scoring, False),
    DeadlineKind.RECTIFICATION_PLAN: (_plan, True),
    DeadlineKind.RECTIFICATION_DONE: (_done, True),
    DeadlineKind.ANNUAL_REPORT: (_annual_report, True),
}


def test_every_kind_is_here() -> None:
    assert set(WORK) == set(DeadlineKind)


@pytest.mark.parametrize("kind", list(DeadlineKind))
def test_a_deadline_closes_when_its_work_is_done_even_late(kind: DeadlineKind, session: Session, demo_cycle: Cycle,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path / "out"))
    work, own = WORK[kind]
    on = date(2026, 6, 1)  # after every due date: each row was overdue when the work came in
    work(session, demo_cycle, tmp_path, on)
    session.expire_all()
    unit_id = unit_named(session, TOWN).id if own else None
    [row] = [d for d in session.exec(select(Deadline).where(Deadline.kind == kind)).all() if d.unit_id == unit_id]
    assert (row.state, row.met_on) == (DeadlineState.MET, on)
    others = session.exec(select(Deadline).where(Deadline.kind == kind, Deadline.unit_id != unit_id)).all()
    assert all(d.state is DeadlineState.OVERDUE for d in others if d.unit_id is not None)  # their work is not done
