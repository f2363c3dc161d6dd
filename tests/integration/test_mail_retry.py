"""Email delivery: no server configured, a server that is down, a server that rejects."""

from datetime import date
from email.message import EmailMessage
from pathlib import Path

from sqlmodel import Session, select

from models.cycle import Cycle
from models.deadlines import Reminder, ReminderStatus
from models.units import Unit
from zwgk.adapters.mail import Delivery, Mailer, build_message
from zwgk.core.settings import Settings
from zwgk.deadlines.rows import open_self_check_deadlines
from zwgk.deadlines.sweep import run_sweep

from .smtp_sink import OFFICE, free_port, smtp_server, smtp_settings

BEFORE_3 = date(2025, 9, 29)  # slot days of the self-check deadline due 2025-10-10
NEXT_DAY = date(2025, 9, 30)  # before-3 is still the current slot


def message(to: str = "unit@example.org") -> EmailMessage:
    return build_message(sender=OFFICE, to=[to], subject="测试", body="正文")


def test_without_a_host_nothing_is_attempted() -> None:
    waits: list[float] = []
    outcome = Mailer(Settings(smtp_host=None), sleep=waits.append).send(message())
    assert outcome.delivery is Delivery.NO_SMTP and outcome.attempts == 0 and waits == []


def test_a_server_that_is_down_is_retried_with_backoff_then_failed() -> None:
    waits: list[float] = []
    mailer = Mailer(smtp_settings(free_port()), sleep=waits.append)
    first = mailer.send(message())
    assert first.delivery is Delivery.FAILED and first.attempts == 3
    assert waits == [0.5, 1.0]
    assert "Connection" in first.error or "Errno" in first.error
    # The rest of the sweep does not wait through the backoff again for the same dead server.
    second = mailer.send(message("other@example.org"))
    assert second.delivery is Delivery.FAILED and second.attempts == 0 and waits == [0.5, 1.0]
    assert "无法连接" in second.error


def test_a_rejecting_server_is_retried_per_message() -> None:
    with smtp_server() as (sink, port):
        sink.reject = True
        waits: list[float] = []
        mailer = Mailer(smtp_settings(port), sleep=waits.append)
        assert mailer.send(message()).attempts == 3
        sink.reject = False
        assert mailer.send(message()).delivery is Delivery.SENT  # a rejection is not "down"
        assert len(sink.take()) == 1


def _setup(session: Session, cycle: Cycle) -> set[str]:
    assert cycle.id is not None
    open_self_check_deadlines(session, cycle_id=cycle.id, notice_on=date(2025, 9, 19))
    return {u.contact_email for u in session.exec(select(Unit)).all() if u.contact_email}


def test_failed_sends_are_recorded_and_sent_by_the_next_sweep(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    emails = _setup(session, demo_cycle)
    port = free_port()  # nothing listens here yet
    report = run_sweep(session, today=BEFORE_3, out_dir=tmp_path,
                       mailer=Mailer(smtp_settings(port), sleep=lambda _s: None))
    assert {line.email for line in report.failed} == emails
    assert not report.sent
    failed = session.exec(select(Reminder).where(Reminder.status == ReminderStatus.FAILED)).all()
    assert len(failed) == len(emails) and all(r.last_error for r in failed)

    with smtp_server(port) as (sink, _):
        mailer = Mailer(smtp_settings(port), sleep=lambda _s: None)
        retry = run_sweep(session, today=NEXT_DAY, out_dir=tmp_path, mailer=mailer)
        again = run_sweep(session, today=NEXT_DAY, out_dir=tmp_path, mailer=mailer)
        messages = sink.take()
    assert {line.email for line in retry.sent} == emails and not retry.failed
    assert not again.sent and not again.failed
    assert sorted(m["To"] for m in messages if m["To"] != OFFICE) == sorted(emails)
    rows = session.exec(select(Reminder)).all()
    assert {r.status for r in rows} == {ReminderStatus.SENT, ReminderStatus.NO_EMAIL}
    # The retried rows keep the day their slot fired, not the day of the retry.
    assert {r.due_on for r in rows} == {BEFORE_3}


def test_a_rejected_send_is_sent_once_the_server_accepts(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    emails = _setup(session, demo_cycle)
    with smtp_server() as (sink, port):
        mailer = Mailer(smtp_settings(port), sleep=lambda _s: None)
        sink.reject = True
        first = run_sweep(session, today=BEFORE_3, out_dir=tmp_path, mailer=mailer)
        assert {line.email for line in first.failed} == emails
        assert all(line.attempts == 3 for line in first.failed)
        sink.reject = False
        second = run_sweep(session, today=BEFORE_3, out_dir=tmp_path,
                           mailer=Mailer(smtp_settings(port), sleep=lambda _s: None))
        messages = sink.take()
    assert {line.email for line in second.sent} == emails
    assert sorted(m["To"] for m in messages if m["To"] != OFFICE) == sorted(emails)
    attempts = {r.attempts for r in session.exec(
        select(Reminder).where(Reminder.status == ReminderStatus.SENT)).all()}
    assert attempts == {4}  # three refused tries, then one that went through


def test_without_smtp_the_notices_are_issued_and_the_report_says_so(
    session: Session, demo_cycle: Cycle, tmp_path: Path
) -> None:
    emails = _setup(session, demo_cycle)
    report = run_sweep(session, today=BEFORE_3, out_dir=tmp_path,
                       mailer=Mailer(Settings(smtp_host=None)))
    assert not report.email_configured and not report.sent and not report.failed
    assert {line.email for line in report.not_emailed} == emails
    for line in report.not_emailed:
        path = Path(line.document)
        assert (path if path.is_absolute() else tmp_path / path).is_file()
    rows = session.exec(select(Reminder)).all()
    assert {r.status for r in rows} == {ReminderStatus.NO_SMTP, ReminderStatus.NO_EMAIL}
    assert all(r.document_id is not None for r in rows)  # the notice to hand over or post
