"""Who must hand in an annual report, by when, and the deadline rows the sweep reminds.

The due day is a district setting (``ZWGK_REPORT_DUE``, default 01-31: 条例第四十九条, "每年1月31日
前") in the year after the one reported on; it is a calendar date and stays one when it falls on a
holiday. A unit must hand in a report when its category's indicator table assesses the report
(a regular criterion whose text names 年报 or 年度报告: both annexes do; a category assessed by
reference may not).

Deadline rows belong to the assessment cycle of the year reported on (the 2025 report is judged by
the 2025 assessment, carried out in 2026). They are opened when the office starts the round
(``zwgk reports open YEAR``, the button on the district page) or when the first report of the year
comes in, once the cycle exists; idempotently, so opening again adds nothing. From then on the
existing sweep reminds, marks overdue and escalates them like every other deadline. Opened after
the due date, they are overdue at once for every unit still without a report.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.assessment import Assessment
from models.audit import record
from models.catalog import Criterion, CriterionKind
from models.cycle import Cycle, get_cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.reports import ReportVersion
from models.units import Unit
from zwgk.core.settings import get_settings
from zwgk.deadlines.rows import ensure_deadlines, mark_met

CRITERION_WORDS = ("年报", "年度报告")


def report_due_on(year: int) -> date:
    """The due date of reports on ``year`` by the district's setting (MM-DD of the next year)."""
    month, day = (int(part) for part in get_settings().report_due.split("-"))
    try:
        return date(year + 1, month, day)
    except ValueError:
        raise ValueError(f"ZWGK_REPORT_DUE={get_settings().report_due} 在 {year + 1} 年不是有效日期 "
                         "(invalid due day)") from None


def report_criterion(session: Session, category: str) -> Criterion | None:
    """The regular criterion of ``category`` that assesses the annual report, if there is one."""
    criteria = session.exec(select(Criterion).where(Criterion.category == category,
                                                    Criterion.kind == CriterionKind.REGULAR)
                            .order_by(col(Criterion.seq))).all()
    return next((c for c in criteria if any(word in c.text for word in CRITERION_WORDS)), None)


def expected_units(session: Session, year: int) -> list[Unit]:
    """The units that must hand in a report on ``year``: those the year's cycle assesses (every
    unit not retired while there is no cycle) whose category assesses the report."""
    cycle = session.exec(select(Cycle).where(Cycle.year == year)).first()
    query = select(Unit).order_by(col(Unit.id))
    if cycle is not None:
        query = query.join(Assessment, col(Assessment.unit_id) == Unit.id).where(Assessment.cycle_id == cycle.id)
    else:
        query = query.where(col(Unit.retired).is_(False))
    units = list(session.exec(query).all())
    categories = {unit.category for unit in units}
    assessed = {category for category in categories if report_criterion(session, category) is not None}
    return [unit for unit in units if unit.category in assessed]


def first_handed_in(session: Session, year: int) -> dict[int, date]:
    """Unit id → the day its first report on ``year`` came in."""
    rows = session.exec(select(ReportVersion.unit_id, func.min(ReportVersion.handed_in_on))
                        .where(ReportVersion.year == year).group_by(col(ReportVersion.unit_id))).all()
    return {unit_id: day for unit_id, day in rows}


def due_dates(session: Session, year: int) -> dict[int, date]:
    """Unit id → the due date of its deadline row, for the units that have one."""
    cycle = session.exec(select(Cycle.id).where(Cycle.year == year)).first()
    if cycle is None:
        return {}
    rows = session.exec(select(Deadline.unit_id, Deadline.due_on).where(
        Deadline.cycle_id == cycle, Deadline.kind == DeadlineKind.ANNUAL_REPORT)).all()
    return {unit_id: due for unit_id, due in rows if unit_id is not None}


@dataclass(frozen=True)
class Opened:
    """What opening the year's deadlines did."""

    due_on: date
    units: int  # units with a deadline row now
    added: int  # rows this call added


def open_report_deadlines(session: Session, *, year: int, by: str) -> Opened:
    """One ANNUAL_REPORT deadline per unit that must hand in a report on ``year``, in the year's
    cycle (CycleNotFound without one), and the rows of units that already handed one in marked
    met on that day. Idempotent; audited when rows are added; commits."""
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    due_on = report_due_on(year)
    units = expected_units(session, year)
    before = _count(session, cycle.id)
    ensure_deadlines(session, cycle_id=cycle.id, kind=DeadlineKind.ANNUAL_REPORT,
                     unit_ids=[unit.id for unit in units], starts_on=date(year, 12, 31), due_on=due_on)
    added = _count(session, cycle.id) - before
    if added:
        record(session, actor=by, action="reports.deadlines", cycle_id=cycle.id,
               detail={"year": year, "due_on": due_on, "added": added})
        session.commit()
    meet_handed_in(session, year=year, unit_ids=[unit.id for unit in units if unit.id is not None])
    return Opened(due_on=due_on, units=len(units), added=added)


def meet_handed_in(session: Session, *, year: int, unit_ids: Sequence[int]) -> None:
    """Mark the open deadlines of ``unit_ids`` met on the day their first report came in."""
    cycle = session.exec(select(Cycle.id).where(Cycle.year == year)).first()
    if cycle is None:
        return
    firsts = first_handed_in(session, year)
    rows = session.exec(select(Deadline).where(
        Deadline.cycle_id == cycle, Deadline.kind == DeadlineKind.ANNUAL_REPORT,
        col(Deadline.unit_id).in_([uid for uid in unit_ids if uid in firsts]),
        col(Deadline.state).in_([DeadlineState.OPEN, DeadlineState.OVERDUE]))).all()
    for deadline in rows:
        assert deadline.id is not None and deadline.unit_id is not None
        mark_met(session, deadline_id=deadline.id, on=firsts[deadline.unit_id])


def _count(session: Session, cycle_id: int) -> int:
    return session.exec(select(func.count()).select_from(Deadline).where(
        Deadline.cycle_id == cycle_id, Deadline.kind == DeadlineKind.ANNUAL_REPORT)).one()
