"""The sweep: reminders, overdue marking and escalation for every open deadline.

Run daily (Prefect cron) or by hand (``zwgk sweep``). What a sweep may send is fixed by the
database, not by memory: each reminder slot of a deadline is a ``Reminder`` row, and the
unique key (deadline, slot) lets exactly one sweep claim it. The claim is inserted and
committed *before* anything is sent, so two sweeps started at the same moment (two
processes, any database) send each reminder once. A claimed slot whose send failed is
retried by the next sweep; one left ``sending`` by a crashed sweep is taken over after
``STALE_CLAIM``.

A sweep judges only the deadlines that can have something to do today: those whose stored
``next_action_on`` (the day their next reminder slot fires) has come, and those with a reminder
to retry. Statements are batched: one query loads those deadlines with their units, one their
reminders, one insert claims the new slots, one update moves their ``next_action_on`` on; the
day's notices are issued as one register batch, and only an email sent is recorded on its own.
So the cost follows the notices sent, not the number of open deadlines.
"""

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, true, update
from sqlmodel import Session, col, select

from models.audit import anchor_head, record
from models.calendar import WorkCalendar, load_calendar
from models.cycle import Cycle
from models.deadlines import (
    RECTIFICATION_KINDS,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Reminder,
    ReminderStatus,
)
from models.reminders import (
    current_slot,
    fires_on,
    next_action_on,
    superseded,
)
from models.scheme import SchemeConfig
from models.stages import Stage
from models.types import utcnow
from models.units import Unit
from zwgk.adapters.chat import ChatSender
from zwgk.adapters.db import add_unique_rows
from zwgk.adapters.mail import Mailer
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.deadlines.notices import deliver, notify_office
from zwgk.deadlines.report import OpenDeadline, SweepReport, file_line, office_summary

#: A claim older than this whose sweep never reported back is taken over by the next sweep.
STALE_CLAIM = timedelta(minutes=15)


#: The sweep's selections, as offered by ``zwgk sweep --kind``.
SWEEP_KINDS: dict[str, frozenset[DeadlineKind] | None] = {
    "all": None,
    "reminders": frozenset(DeadlineKind) - RECTIFICATION_KINDS,
    "rectification": RECTIFICATION_KINDS,
}

GROUP_NAME = "考核组"


def _kind_filter(kinds: Collection[DeadlineKind] | None) -> ColumnElement[bool]:
    return true() if kinds is None else col(Deadline.kind).in_(list(kinds))


def mark_overdue(
    session: Session, *, today: date, kinds: Collection[DeadlineKind] | None = None
) -> int:
    """Set open deadlines whose due date has passed to overdue (one statement), audited in the
    same transaction; commits."""
    result = session.execute(
        update(Deadline)
        .where(col(Deadline.state) == DeadlineState.OPEN, col(Deadline.due_on) < today,
               _kind_filter(kinds))
        .values(state=DeadlineState.OVERDUE)
    )
    marked = int(result.rowcount)  # type: ignore[attr-defined]
    if marked:
        record(session, actor=OFFICE_ACTOR, action="deadlines.overdue", detail={"today": today, "marked": marked})
    session.commit()
    return marked


def due_cycles(session: Session, *, today: date) -> list[int]:
    """Cycles waiting for self-checks whose self-check deadlines are all met or past due.

    Only cycles in stage self_check count (those are the ones an annual run waits for); the
    wake-up after a sweep (zwgk.runner.wake) resumes them. A deadline is past due the day after its due date,
    because the due date itself is still in time.
    """
    self_check = and_(col(Deadline.cycle_id) == Cycle.id, col(Deadline.kind) == DeadlineKind.SELF_CHECK)
    still_running = exists().where(
        self_check, col(Deadline.state) == DeadlineState.OPEN, col(Deadline.due_on) >= today)
    rows = session.exec(
        select(Cycle.id)
        .where(col(Cycle.stage) == Stage.SELF_CHECK, exists().where(self_check), ~still_running)
        .order_by(col(Cycle.id))
    ).all()
    return [cid for cid in rows if cid is not None]


def _to_judge(today: date, kinds: Collection[DeadlineKind] | None) -> ColumnElement[bool]:
    """Active deadlines whose next slot has come (or is not computed yet), or with a reminder
    to retry (failed, or claimed by a sweep that may have crashed)."""
    retrying = select(Reminder.deadline_id).where(
        col(Reminder.status).in_([ReminderStatus.FAILED, ReminderStatus.SENDING]))
    return and_(col(Deadline.state).in_([DeadlineState.OPEN, DeadlineState.OVERDUE]), _kind_filter(kinds),
                or_(col(Deadline.next_action_on).is_(None), col(Deadline.next_action_on) <= today,
                    col(Deadline.id).in_(retrying)))


def _load_open(
    session: Session, calendar: WorkCalendar, judged: ColumnElement[bool]
) -> list[OpenDeadline]:
    rows = session.exec(
        select(Deadline, Unit.name, Unit.contact_person, Unit.contact_email)
        .outerjoin(Unit, col(Unit.id) == Deadline.unit_id)
        .where(judged)
        .order_by(col(Deadline.due_on), col(Deadline.id))
    ).all()
    cycles = session.exec(
        select(Cycle.id, Cycle.year, Cycle.config)
        .where(col(Cycle.id).in_({deadline.cycle_id for deadline, *_ in rows}))
    ).all()
    policies = {cid: (year, SchemeConfig.model_validate(config).reminders)
                for cid, year, config in cycles}
    result = []
    for deadline, name, person, email in rows:
        year, policy = policies[deadline.cycle_id]
        result.append(OpenDeadline(
            deadline=deadline, year=year, unit=name or GROUP_NAME, contact_person=person or "",
            email=email or "", policy=policy,
            period=calendar.workdays_between(deadline.starts_on, deadline.due_on),
        ))
    return result


def _claim(session: Session, token: str, wanted: list[Reminder], retry_ids: list[int]) -> list[Reminder]:
    """Claim new slots (insert) and failed or stale ones (conditional update); ours by token."""
    now = utcnow()
    add_unique_rows(session, lambda: [
        Reminder(deadline_id=r.deadline_id, slot=r.slot, due_on=r.due_on, status=r.status,
                 claim=token, claimed_at=now) for r in wanted])
    if retry_ids:
        session.execute(
            update(Reminder)
            .where(col(Reminder.id).in_(retry_ids),
                   or_(col(Reminder.status) == ReminderStatus.FAILED,
                       and_(col(Reminder.status) == ReminderStatus.SENDING,
                            col(Reminder.claimed_at) < now - STALE_CLAIM)))
            .values(status=ReminderStatus.SENDING, claim=token, claimed_at=now)
        )
        session.commit()
    return list(session.exec(select(Reminder).where(Reminder.claim == token)).all())


@dataclass
class _Plan:
    """What a sweep is to do with the deadlines it judged: slots to claim (new ones, sending or
    skipped), slots to retry, and the deadlines whose next action day moves."""

    wanted: list[Reminder] = field(default_factory=list)
    retries: list[tuple[int, OpenDeadline, str]] = field(default_factory=list)
    moved: list[dict[str, Any]] = field(default_factory=list)


def run_sweep(
    session: Session,
    *,
    today: date,
    dry_run: bool = False,
    out_dir: Path | None = None,
    kinds: Collection[DeadlineKind] | None = None,
    mailer: Mailer | None = None,
    chat: ChatSender | None = None,
) -> SweepReport:
    """Remind, mark overdue and escalate as of ``today``; idempotent, safe to run concurrently.

    ``kinds`` restricts the sweep (None: every kind). On a day that is not a working day
    nothing is sent (reminders go out on working days only); deadlines are still marked
    overdue. ``dry_run`` writes nothing and reports what would be done. Raises
    CalendarNotCovered when ``today`` is in a year without holiday data.
    """
    mailer = mailer or Mailer()
    chat = chat or ChatSender()
    calendar = load_calendar(session)
    report = SweepReport(today=today, workday=calendar.is_workday(today), dry_run=dry_run,
                         email_configured=mailer.enabled)
    if not dry_run:
        report.marked_overdue = mark_overdue(session, today=today, kinds=kinds)
    report.due_cycles = due_cycles(session, today=today)
    if not report.workday:
        return _close(session, report)
    judged = _to_judge(today, kinds)
    items = {item.deadline.id: item for item in _load_open(session, calendar, judged)}
    plan = _plan(session, list(items.values()), judged, today, calendar)
    if dry_run:
        _preview(report, plan, items, mailer)
        return report
    claimed = _claim(session, uuid.uuid4().hex, plan.wanted, [rid for rid, _, _ in plan.retries])
    if plan.moved:
        # After the claims are committed: a sweep that stops in between judges these again.
        session.execute(update(Deadline).execution_options(synchronize_session=False), plan.moved)
        session.commit()
    due: list[tuple[OpenDeadline, Reminder]] = []
    for reminder in claimed:
        item = items[reminder.deadline_id]
        if reminder.status == ReminderStatus.SKIPPED:
            file_line(report, item.line(reminder.slot), ReminderStatus.SKIPPED)
        else:
            due.append((item, reminder))
    deliver(session, report, due, today, out_dir, mailer, chat, calendar)
    if report.escalated or report.to_call or report.failed:
        report.office_notified = notify_office(report, mailer)
        chat.post_office(office_summary(report))
    return _close(session, report)


def _plan(session: Session, items: list[OpenDeadline], judged: ColumnElement[bool], today: date,
          calendar: WorkCalendar) -> _Plan:
    """Each judged deadline's current slot: a new claim (with the slots it supersedes, skipped),
    a retry of a failed or stale one, and its next action day."""
    existing = {(deadline_id, slot): (rid, status) for rid, deadline_id, slot, status in session.exec(
        select(Reminder.id, Reminder.deadline_id, Reminder.slot, Reminder.status)
        .where(col(Reminder.deadline_id).in_(select(Deadline.id).where(judged))))}
    plan = _Plan()
    for item in items:
        d = item.deadline
        assert d.id is not None
        slot = current_slot(due_on=d.due_on, today=today, policy=item.policy, calendar=calendar,
                            period=item.period)
        following = next_action_on(current=slot, due_on=d.due_on, policy=item.policy, calendar=calendar,
                                   period=item.period)
        if following != d.next_action_on:
            plan.moved.append({"id": d.id, "next_action_on": following})
        if slot is None:
            continue
        have = existing.get((d.id, slot))
        if have is None:
            plan.wanted.append(Reminder(
                deadline_id=d.id, slot=slot, status=ReminderStatus.SENDING,
                due_on=fires_on(slot, due_on=d.due_on, policy=item.policy, calendar=calendar)))
            plan.wanted += [
                Reminder(deadline_id=d.id, slot=old, status=ReminderStatus.SKIPPED,
                         due_on=fires_on(old, due_on=d.due_on, policy=item.policy, calendar=calendar))
                for old in superseded(slot, item.policy, item.period) if (d.id, old) not in existing
            ]
        elif have[1] in (ReminderStatus.FAILED, ReminderStatus.SENDING) and have[0] is not None:
            plan.retries.append((have[0], item, slot))
    return plan


def _preview(report: SweepReport, plan: _Plan, items: dict[int | None, OpenDeadline], mailer: Mailer) -> None:
    """A dry run's report: each planned slot filed as its delivery would be (no address: a call;
    no mail server: a notice not emailed), by the same rule as a real sweep's lines."""
    planned = [(items[r.deadline_id], r.slot, r.status) for r in plan.wanted]
    planned += [(item, slot, ReminderStatus.SENDING) for _, item, slot in plan.retries]
    for item, slot, status in planned:
        if status != ReminderStatus.SKIPPED:
            status = ReminderStatus.NO_EMAIL if not item.email else \
                ReminderStatus.SENT if mailer.enabled else ReminderStatus.NO_SMTP
        file_line(report, item.line(slot), status)


def _close(session: Session, report: SweepReport) -> SweepReport:
    """Keep the chain's head in the sweep's summary and in the anchors (a cut in the log's tail
    then shows); nothing for a dry run. What the sweep changed was audited as it was done:
    deadlines marked overdue, and each notice as a document issued."""
    if report.dry_run:
        return report
    anchor = anchor_head(session, source="sweep")
    session.commit()
    if anchor is not None:
        report.audit_head = f"{anchor.audit_id}:{anchor.hash[:16]}"
    return report


