"""Deadline rows of the procedure: created from the scheme's working-day periods, marked met.

Every function commits and is idempotent: a deadline is keyed by (cycle, kind, unit, round),
so calling again adds nothing; concurrent callers are kept apart by the table's unique keys.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models.assessment import Assessment
from models.calendar import WorkCalendar, load_calendar
from models.cycle import cycle_by_id
from models.deadlines import DEADLINE_BASIS, Deadline, DeadlineKind, DeadlineState
from models.rectification import RectificationItem
from models.reminders import next_action_on
from zwgk.adapters.db import add_unique_rows


@dataclass(frozen=True)
class RectificationDue:
    """The two rectification due dates fixed by a feedback notice."""

    plan_on: date
    done_on: date


def open_deadlines(
    session: Session,
    *,
    cycle_id: int,
    kind: DeadlineKind,
    unit_ids: Sequence[int | None],
    starts_on: date,
    days: int,
    round: int = 1,
    calendar: WorkCalendar | None = None,
) -> date:
    """Ensure one deadline of ``kind`` per unit, due ``days`` working days after ``starts_on``.

    Units that already have the deadline (same round) keep their row unchanged. Returns the
    due date computed for this call. Commits.
    """
    calendar = calendar or load_calendar(session)
    due_on = calendar.add_workdays(starts_on, days)
    ensure_deadlines(session, cycle_id=cycle_id, kind=kind, unit_ids=unit_ids, starts_on=starts_on,
                     due_on=due_on, round=round, calendar=calendar)
    return due_on


def ensure_deadlines(
    session: Session,
    *,
    cycle_id: int,
    kind: DeadlineKind,
    unit_ids: Sequence[int | None],
    starts_on: date,
    due_on: date,
    round: int = 1,
    calendar: WorkCalendar | None = None,
) -> None:
    """Ensure one deadline of ``kind`` per unit due on a date fixed in advance (a statutory
    date such as 1月31日, which may fall on a holiday).

    Units that already have the deadline (same round) keep their row unchanged. Commits.
    """
    have = set(session.exec(
        select(Deadline.unit_id).where(
            Deadline.cycle_id == cycle_id, Deadline.kind == kind, Deadline.round == round
        )
    ).all())
    missing = [uid for uid in unit_ids if uid not in have]
    if not missing:
        return
    calendar = calendar or load_calendar(session)
    first_action = next_action_on(current=None, due_on=due_on, policy=cycle_by_id(session, cycle_id).scheme.reminders,
                                  calendar=calendar, period=calendar.workdays_between(starts_on, due_on))
    add_unique_rows(session, lambda: [
        Deadline(cycle_id=cycle_id, unit_id=uid, kind=kind, round=round, starts_on=starts_on,
                 due_on=due_on, basis=DEADLINE_BASIS[kind], next_action_on=first_action)
        for uid in missing
    ])


def open_self_check_deadlines(session: Session, *, cycle_id: int, notice_on: date) -> date:
    """One self-check deadline per assessed unit (article 10(3)); returns the due date.

    Due ``periods.self_check_days`` working days after the self-check notice. Commits.
    """
    cycle = cycle_by_id(session, cycle_id)
    unit_ids = list(session.exec(
        select(Assessment.unit_id).where(Assessment.cycle_id == cycle_id).order_by(col(Assessment.unit_id))
    ).all())
    return open_deadlines(session, cycle_id=cycle_id, kind=DeadlineKind.SELF_CHECK,
                          unit_ids=unit_ids, starts_on=notice_on,
                          days=cycle.scheme.periods.self_check_days)


def open_group_deadline(session: Session, *, cycle_id: int, start_on: date) -> date:
    """The assessment group's scoring deadline (article 10(4)); returns the due date. Commits."""
    cycle = cycle_by_id(session, cycle_id)
    return open_deadlines(session, cycle_id=cycle_id, kind=DeadlineKind.GROUP_SCORING,
                          unit_ids=[None], starts_on=start_on,
                          days=cycle.scheme.periods.group_scoring_days)


def open_rectification_deadlines(
    session: Session, *, cycle_id: int, feedback_on: date
) -> RectificationDue:
    """Plan and completion deadlines for every unit with a rectification item (article 11).

    Both count from the feedback notice: ``periods.rectification_plan_days`` and
    ``periods.rectification_done_days`` working days. Commits.
    """
    periods = cycle_by_id(session, cycle_id).scheme.periods
    unit_ids = list(session.exec(
        select(Assessment.unit_id)
        .join(RectificationItem, col(RectificationItem.assessment_id) == Assessment.id)
        .where(Assessment.cycle_id == cycle_id)
        .order_by(col(Assessment.unit_id))
    ).all())
    calendar = load_calendar(session)
    plan_on = open_deadlines(session, cycle_id=cycle_id, kind=DeadlineKind.RECTIFICATION_PLAN,
                             unit_ids=unit_ids, starts_on=feedback_on,
                             days=periods.rectification_plan_days, calendar=calendar)
    done_on = open_deadlines(session, cycle_id=cycle_id, kind=DeadlineKind.RECTIFICATION_DONE,
                             unit_ids=unit_ids, starts_on=feedback_on,
                             days=periods.rectification_done_days, calendar=calendar)
    return RectificationDue(plan_on=plan_on, done_on=done_on)


def mark_met(session: Session, *, deadline_id: int, on: date, commit: bool = True) -> Deadline:
    """Record that a deadline was met on ``on`` (also when late); commits unless ``commit`` is
    False (the caller commits it with the work that met it).

    A deadline already met or waived is left as it is, so repeating the call changes nothing.
    """
    deadline = session.get(Deadline, deadline_id)
    if deadline is None:
        raise LookupError(f"没有 id 为 {deadline_id} 的期限 (no deadline {deadline_id})")
    if deadline.state in (DeadlineState.OPEN, DeadlineState.OVERDUE):
        deadline.state = DeadlineState.MET
        deadline.met_on = on
        session.add(deadline)
        session.commit() if commit else session.flush()
    return deadline


def find_deadline(
    session: Session, *, cycle_id: int, unit_id: int | None, kind: DeadlineKind, round: int = 1
) -> Deadline | None:
    """The deadline of ``kind`` for a unit (None: the group) and round, if one was opened."""
    return session.exec(
        select(Deadline).where(
            Deadline.cycle_id == cycle_id, Deadline.kind == kind, Deadline.round == round,
            col(Deadline.unit_id).is_(None) if unit_id is None else Deadline.unit_id == unit_id,
        )
    ).first()
