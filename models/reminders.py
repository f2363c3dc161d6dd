"""The reminder policy as pure rules: which reminder slot a deadline is in on a given day.

A deadline's slots, in order: ``before-N`` for each N of the policy's ``before_days``
(N working days before the due date), ``due`` (on the due date), ``overdue-1`` …
``overdue-K`` (every M working days after it) and finally ``escalation`` (M working days
after the last overdue reminder).

Catch-up rule: on any day only the *latest* slot that has fallen due is current. A sweep
that did not run for a few days sends that one slot, and the slots it missed are
superseded, never sent late. One message carrying the deadline's state as of today is what
a unit needs; a burst of stale ones ("due in 3 days" after the date has passed, or three
"overdue" notices on one morning) would only confuse it. Escalation stays on the date the
scheme fixes, whether or not the sweep ran in between, because the unit's lateness does
not depend on our scheduler.

Everything here is counted with :class:`models.calendar.WorkCalendar` and only looks at days
up to ``today`` or the due date, so a deadline near the end of the last covered year works
until the next year is actually reached.
"""

from dataclasses import dataclass
from datetime import date

from models.calendar import CalendarNotCovered, WorkCalendar
from models.scheme import ReminderPolicy

DUE = "due"
ESCALATION = "escalation"
_BEFORE = "before-"
_OVERDUE = "overdue-"


@dataclass(frozen=True)
class Slot:
    """One reminder slot and the day it fires."""

    name: str
    fires_on: date


def before_days(policy: ReminderPolicy, period: int | None = None) -> list[int]:
    """The policy's "N days before" reminders, largest first, without ones a short period cannot hold.

    ``period`` is the deadline's length in working days: a reminder N days before a due date
    that is only N (or fewer) working days after the triggering event would fire on or
    before that event, so it is dropped.
    """
    days = sorted({n for n in policy.before_days if n >= 1}, reverse=True)
    return [n for n in days if period is None or n < period]


def current_slot(
    *,
    due_on: date,
    today: date,
    policy: ReminderPolicy,
    calendar: WorkCalendar,
    period: int | None = None,
) -> str | None:
    """The latest slot that has fallen due by ``today`` (None before the first one).

    Raises CalendarNotCovered if ``today`` lies in a year the calendar does not cover.
    """
    if today > due_on:
        late = calendar.workdays_between(due_on, today)
        steps = late // policy.overdue_every
        if steps > policy.max_reminders:
            return ESCALATION
        if steps >= 1:
            return f"{_OVERDUE}{steps}"
        if policy.on_due_date:
            return DUE
        # Without a due-date reminder the latest "before" slot stays current until overdue-1.
    elif today == due_on and policy.on_due_date:
        return DUE
    ahead = calendar.workdays_between(today, due_on) if today < due_on else 0
    fired = [n for n in before_days(policy, period) if ahead <= n]
    return f"{_BEFORE}{min(fired)}" if fired else None


def fires_on(slot: str, *, due_on: date, policy: ReminderPolicy, calendar: WorkCalendar) -> date:
    """The day ``slot`` fires for a deadline due on ``due_on``."""
    if slot == DUE:
        return due_on
    if slot == ESCALATION:
        return calendar.add_workdays(due_on, (policy.max_reminders + 1) * policy.overdue_every)
    if slot.startswith(_BEFORE):
        return calendar.sub_workdays(due_on, int(slot.removeprefix(_BEFORE)))
    if slot.startswith(_OVERDUE):
        return calendar.add_workdays(due_on, int(slot.removeprefix(_OVERDUE)) * policy.overdue_every)
    raise ValueError(f"unknown reminder slot {slot!r}")


def slot_names(policy: ReminderPolicy, period: int | None = None) -> list[str]:
    """Every slot name of a deadline in firing order, ending with ``escalation``."""
    names = [f"{_BEFORE}{n}" for n in before_days(policy, period)]
    names += [DUE] if policy.on_due_date else []
    names += [f"{_OVERDUE}{k}" for k in range(1, policy.max_reminders + 1)]
    names.append(ESCALATION)
    return names


def schedule(
    *, due_on: date, policy: ReminderPolicy, calendar: WorkCalendar, period: int | None = None
) -> list[Slot]:
    """Every slot of a deadline with the day it fires, in firing order."""
    return [Slot(name, fires_on(name, due_on=due_on, policy=policy, calendar=calendar))
            for name in slot_names(policy, period)]


def next_action_on(
    *, current: str | None, due_on: date, policy: ReminderPolicy, calendar: WorkCalendar,
    period: int | None = None,
) -> date | None:
    """The day the slot after ``current`` fires (the first slot's day when ``current`` is None),
    or None after the last slot: until that day a sweep has nothing to do for the deadline.

    A day past the years the calendar covers is given as 1 January of the first uncovered year:
    a sweep looks again then (and asks for that year's holidays).
    """
    names = slot_names(policy, period)
    following = names[names.index(current) + 1:] if current is not None else names
    if not following:
        return None
    try:
        return fires_on(following[0], due_on=due_on, policy=policy, calendar=calendar)
    except CalendarNotCovered as gap:
        return date(gap.year, 1, 1)


def superseded(current: str, policy: ReminderPolicy, period: int | None = None) -> list[str]:
    """The slots before ``current``: once it is current they are never sent (no late bursts)."""
    names = slot_names(policy, period)
    return names[: names.index(current)]


def is_overdue_reminder(slot: str) -> bool:
    """Whether ``slot`` is one of the reminders sent after the due date (催办)."""
    return slot.startswith(_OVERDUE)


def slot_label(slot: str) -> str:
    """The slot in Chinese, for people: 到期前3个工作日提醒, 到期日提醒, 逾期第2次催办, 督办."""
    if slot == DUE:
        return "到期日提醒"
    if slot == ESCALATION:
        return "督办"
    if slot.startswith(_BEFORE):
        return f"到期前{slot.removeprefix(_BEFORE)}个工作日提醒"
    if slot.startswith(_OVERDUE):
        return f"逾期第{slot.removeprefix(_OVERDUE)}次催办"
    raise ValueError(f"unknown reminder slot {slot!r}")
