"""The reminder policy: which slot is current on which day, over real holiday periods."""

from datetime import date, timedelta

import pytest

from models.calendar import WorkCalendar
from models.reminders import (
    current_slot,
    next_action_on,
    schedule,
    slot_label,
    slot_names,
    superseded,
)
from models.scheme import ReminderPolicy

CAL = WorkCalendar()
DEFAULT = ReminderPolicy()
ONE_DAY = timedelta(days=1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def latest_fired(slots: list, day: date) -> str | None:
    fired = [s.name for s in slots if s.fires_on <= day]
    return fired[-1] if fired else None


def test_schedule_around_national_day_2025() -> None:
    # Notice Fri 2025-09-19, 10 working days: 09-22…09-26 (5), 09-28 Sun 调休 (6), 09-29 (7),
    # 09-30 (8), [10-01…10-08 off], 10-09 (9), 10-10 (10) → due Fri 10-10.
    due = CAL.add_workdays(d("2025-09-19"), 10)
    assert due == d("2025-10-10")
    slots = schedule(due_on=due, policy=DEFAULT, calendar=CAL, period=10)
    assert [(s.name, s.fires_on.isoformat()) for s in slots] == [
        ("before-3", "2025-09-29"),  # 10-09, 09-30, 09-29: the holiday week does not count
        ("before-1", "2025-10-09"),
        ("due", "2025-10-10"),
        ("overdue-1", "2025-10-13"),  # 10-11 (Sat, 调休上班) 1, 10-13 2
        ("overdue-2", "2025-10-15"),
        ("overdue-3", "2025-10-17"),
        ("escalation", "2025-10-21"),  # 10-20 7, 10-21 8
    ]


def test_schedule_around_spring_festival_2026() -> None:
    # 2026 Spring Festival: 02-15…02-23 off, make-up Sat 02-14 and Sat 02-28.
    due = d("2026-02-24")
    slots = {s.name: s.fires_on for s in schedule(due_on=due, policy=DEFAULT, calendar=CAL)}
    assert slots["before-1"] == d("2026-02-14")  # Saturday 调休上班, the last day before the break
    assert slots["before-3"] == d("2026-02-12")
    assert slots["overdue-1"] == d("2026-02-26")
    assert slots["overdue-2"] == d("2026-02-28")  # Saturday 调休上班
    assert slots["escalation"] == d("2026-03-05")  # 02-25 1 … 02-28 4, 03-02 5 … 03-05 8


@pytest.mark.parametrize("due", ["2025-10-10", "2026-02-24", "2025-04-30", "2026-04-30"])
def test_current_slot_is_the_latest_fired_slot_on_every_day(due: str) -> None:
    due_on = d(due)
    slots = schedule(due_on=due_on, policy=DEFAULT, calendar=CAL, period=10)
    day = due_on - timedelta(days=25)
    while day <= slots[-1].fires_on + timedelta(days=10):
        assert current_slot(due_on=due_on, today=day, policy=DEFAULT, calendar=CAL, period=10) \
            == latest_fired(slots, day), day
        day += ONE_DAY


def test_no_stale_before_reminder_after_the_due_date() -> None:
    due_on = d("2025-10-10")
    day = due_on + ONE_DAY
    while day < d("2025-12-01"):
        slot = current_slot(due_on=due_on, today=day, policy=DEFAULT, calendar=CAL)
        assert slot is not None and not slot.startswith("before"), (day, slot)
        day += ONE_DAY


def test_a_sweep_that_missed_days_sends_only_the_latest_slot() -> None:
    # Nobody swept from 09-29 to 10-10: on Monday 10-13 only overdue-1 is current, the
    # missed before-3, before-1 and due reminders are superseded, not sent in a burst.
    slot = current_slot(due_on=d("2025-10-10"), today=d("2025-10-13"), policy=DEFAULT, calendar=CAL)
    assert slot == "overdue-1"
    assert superseded(slot, DEFAULT) == ["before-3", "before-1", "due"]
    assert superseded("before-3", DEFAULT) == []


def test_weekend_keeps_fridays_slot_current() -> None:
    # Due Monday 2025-11-17: before-1 fires Friday 11-14 and is still current on the weekend.
    due_on = d("2025-11-17")
    for day in ("2025-11-14", "2025-11-15", "2025-11-16"):
        assert current_slot(due_on=due_on, today=d(day), policy=DEFAULT, calendar=CAL) == "before-1"


def test_short_period_drops_reminders_before_the_triggering_event() -> None:
    # Two working days from event to due date: "3 days before" would fire before the event.
    assert slot_names(DEFAULT, period=2) == [
        "before-1", "due", "overdue-1", "overdue-2", "overdue-3", "escalation"]
    assert slot_names(DEFAULT, period=1) == ["due", "overdue-1", "overdue-2", "overdue-3", "escalation"]


def test_policy_from_the_scheme_changes_the_slots() -> None:
    policy = ReminderPolicy(before_days=[5], on_due_date=False, overdue_every=1, max_reminders=1)
    due_on = d("2025-11-14")  # Friday
    slots = schedule(due_on=due_on, policy=policy, calendar=CAL)
    assert [(s.name, s.fires_on) for s in slots] == [
        ("before-5", d("2025-11-07")),
        ("overdue-1", d("2025-11-17")),
        ("escalation", d("2025-11-18")),
    ]
    # Without a due-date reminder, before-5 stays current through the due date.
    assert current_slot(due_on=due_on, today=due_on, policy=policy, calendar=CAL) == "before-5"
    assert current_slot(due_on=due_on, today=d("2025-11-15"), policy=policy, calendar=CAL) == "before-5"


def test_nothing_is_current_before_the_first_reminder() -> None:
    assert current_slot(due_on=d("2025-10-10"), today=d("2025-09-26"), policy=DEFAULT,
                        calendar=CAL) is None


def test_slot_labels_are_chinese() -> None:
    assert [slot_label(s) for s in slot_names(DEFAULT)] == [
        "到期前3个工作日提醒", "到期前1个工作日提醒", "到期日提醒",
        "逾期第1次催办", "逾期第2次催办", "逾期第3次催办", "督办"]
    with pytest.raises(ValueError):
        slot_label("whenever")


@pytest.mark.parametrize("start, days", [("2025-09-19", 10), ("2026-01-30", 15), ("2026-02-10", 2)])
def test_current_slot_changes_exactly_on_the_stored_next_action_day(start: str, days: int) -> None:
    due = CAL.add_workdays(d(start), days)
    day, current = d(start), None
    expected = next_action_on(current=None, due_on=due, policy=DEFAULT, calendar=CAL, period=days)
    while expected is not None:
        day += ONE_DAY
        slot = current_slot(due_on=due, today=day, policy=DEFAULT, calendar=CAL, period=days)
        assert (slot != current) == (day == expected), (day, slot, expected)
        if slot != current:
            current = slot
            expected = next_action_on(current=slot, due_on=due, policy=DEFAULT, calendar=CAL, period=days)
    assert current == "escalation"


def test_next_action_beyond_the_covered_years_is_new_year_of_the_first_uncovered_one() -> None:
    due = d("2026-12-30")
    assert next_action_on(current="due", due_on=due, policy=DEFAULT, calendar=CAL, period=10) == d("2027-01-01")
