"""A month of daily sweeps around National Day 2025 against a real SMTP server on loopback.

The self-check notice goes out on Friday 2025-09-19; the due date, ten working days later
and across the National Day holiday, is Friday 2025-10-10. Units meet their deadline on
different days; the sweep runs every calendar day (weekends and holidays included) and
every email that arrives is checked: recipient, day, attachment.
"""

import io
import re
from datetime import date, timedelta
from pathlib import Path

import docx
from sqlmodel import Session, select

from models.assessment import DailyMethod, DailyRecord
from models.calendar import WorkCalendar
from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineState, Reminder, ReminderStatus
from models.reminders import schedule
from models.scheme import ReminderPolicy
from models.units import Unit
from zwgk.adapters.mail import Mailer
from zwgk.deadlines.rows import mark_met, open_self_check_deadlines
from zwgk.deadlines.sweep import run_sweep

from .smtp_sink import OFFICE, docx_attachments, smtp_server, smtp_settings

CAL = WorkCalendar()
NOTICE = date(2025, 9, 19)
DUE = date(2025, 10, 10)

# unit → the day it sends its self-check (after that day's sweep); others never send.
MEETS = {
    "青岚镇（演示）": date(2025, 9, 26),  # before any reminder
    "云雾镇（演示）": date(2025, 9, 29),  # on the day of the 3-days-before reminder
    "松涛镇（演示）": date(2025, 10, 10),  # on the due date, after that day's reminder
    "白鹭乡（演示）": date(2025, 10, 14),  # after the first overdue reminder
    "区发展和改革局（演示）": date(2025, 10, 17),  # after the third overdue reminder
}


def test_a_month_of_daily_sweeps_sends_each_reminder_once_on_working_days(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    assert demo_cycle.id is not None
    due = open_self_check_deadlines(session, cycle_id=demo_cycle.id, notice_on=NOTICE)
    assert due == DUE
    units = {u.id: u for u in session.exec(select(Unit)).all()}
    deadline_of = {units[d.unit_id].name: d.id for d in session.exec(select(Deadline)).all()
                   if d.unit_id is not None and d.id is not None}
    by_email = {u.contact_email: u.name for u in units.values() if u.contact_email}
    no_email = {u.name for u in units.values() if not u.contact_email}
    assert no_email, "the demo district has units without an email address"

    slots = schedule(due_on=DUE, policy=ReminderPolicy(), calendar=CAL, period=10)
    fired = {s.fires_on: s.name for s in slots}

    def expected_on(day: date) -> set[str]:
        if day not in fired:
            return set()
        return {name for name in by_email.values() if MEETS.get(name, date.max) >= day}

    received: dict[date, list] = {}
    calls: dict[date, list[str]] = {}
    summaries: dict[date, list] = {}
    with smtp_server() as (sink, port):
        mailer = Mailer(smtp_settings(port), sleep=lambda _s: None)
        day = NOTICE + timedelta(days=1)
        while day <= date(2025, 10, 26):
            report = run_sweep(session, today=day, out_dir=tmp_path, mailer=mailer)
            assert not report.failed
            messages = sink.take()
            summaries[day] = [m for m in messages if m["To"] == OFFICE]
            received[day] = [m for m in messages if m["To"] != OFFICE]
            calls[day] = [line.unit for line in report.to_call]
            for name, met_on in MEETS.items():
                if met_on == day:
                    mark_met(session, deadline_id=deadline_of[name], on=day)
            day += timedelta(days=1)

    # Emails arrive only on the slot days, which are working days, to exactly the right units.
    for day, messages in received.items():
        recipients = [by_email[m["To"]] for m in messages]
        assert len(recipients) == len(set(recipients)), f"duplicate email on {day}"
        assert set(recipients) == expected_on(day), day
        if messages:
            assert CAL.is_workday(day)
    assert sorted(d for d, m in received.items() if m) == sorted(fired)
    # 09-28 is the Sunday make-up working day: it holds no slot, but 10-11 (Saturday) does not
    # either, and nothing at all is sent on the National Day holiday.
    assert all(not received[date(2025, 10, d)] for d in range(1, 9))

    # Per unit: exactly one email per slot it was still open for.
    per_unit: dict[str, int] = {}
    for messages in received.values():
        for m in messages:
            per_unit[by_email[m["To"]]] = per_unit.get(by_email[m["To"]], 0) + 1
    assert "青岚镇（演示）" not in per_unit
    assert per_unit["云雾镇（演示）"] == 1  # before-3 only
    assert per_unit["松涛镇（演示）"] == 3  # before-3, before-1, due
    assert per_unit["白鹭乡（演示）"] == 4  # … overdue-1
    assert per_unit["区发展和改革局（演示）"] == 6  # … overdue-3, escalation never reached
    assert per_unit["竹林乡（演示）"] == 7  # every slot including the escalation

    # Every attachment is a Word file that opens and names the unit; the escalation's
    # 督办通知 carries a document number.
    for day, messages in received.items():
        for m in messages:
            unit = by_email[m["To"]]
            attachments = docx_attachments(m)
            assert len(attachments) == 1
            name, data = attachments[0]
            assert name.endswith(".docx")
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
            assert unit in text
            if fired[day] == "escalation":
                assert "督办" in m["Subject"]
                assert re.search(r"〔2025〕\d+号", text), text

    # Units without email are listed to call on each slot day, never silently dropped.
    for day, names in calls.items():
        assert set(names) == (no_email if day in fired else set()), day

    # Escalation on 10-21: one daily-assessment record per unit still missing (with or
    # without email), and the office got a summary naming them.
    escalated = {u.name for u in units.values() if u.name not in MEETS}
    records = session.exec(select(DailyRecord)).all()
    assert {units[r.unit_id].name for r in records} == escalated
    for r in records:
        assert r.method == DailyMethod.DAILY_RECORD and r.found_on == date(2025, 10, 21)
        assert r.points == 0 and r.year == 2025
        assert r.finding.startswith("自查材料逾期未报送") and "经3次催办仍未报送" in r.finding
    summary = summaries[date(2025, 10, 21)]
    assert len(summary) == 1
    body = summary[0].get_content()
    assert all(name in body for name in escalated)

    states = {units[d.unit_id].name: d.state for d in session.exec(select(Deadline)).all()
              if d.unit_id is not None}
    assert {n for n, s in states.items() if s == DeadlineState.MET} == set(MEETS)
    assert {n for n, s in states.items() if s == DeadlineState.OVERDUE} == escalated

    # The Reminder rows are the record: one per (deadline, slot), none left in flight.
    rows = session.exec(select(Reminder)).all()
    assert len({(r.deadline_id, r.slot) for r in rows}) == len(rows)
    assert {r.status for r in rows} <= {ReminderStatus.SENT, ReminderStatus.NO_EMAIL}
