"""The sweep's notices: their wording, issuing them as documents, delivering them by email and
work chat (each channel once per slot), the daily-assessment record of an escalation, and the
office's summary by email."""

from datetime import date
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from models.assessment import DailyMethod, DailyRecord
from models.calendar import WorkCalendar
from models.chat import ChatDelivery
from models.deadlines import (
    DEADLINE_LABELS,
    Deadline,
    DeadlineKind,
    Reminder,
    ReminderStatus,
    cited_basis,
)
from models.district import Profile, district_profile
from models.documents import IssuedDocument
from models.reminders import (
    DUE,
    ESCALATION,
    is_overdue_reminder,
)
from models.types import to_points, utcnow
from zwgk.adapters.chat import ChatSender
from zwgk.adapters.db import add_unique_rows
from zwgk.adapters.mail import Delivery, Mailer, Outcome, build_message
from zwgk.deadlines.report import OpenDeadline, SweepReport, file_line, office_summary
from zwgk.documents.contexts import cn_date
from zwgk.documents.issue.reminders import issue_deadline_notices
from zwgk.documents.register import document_path

#: Points of the daily-assessment record an escalation creates. Zero on purpose: article
#: 10(1) makes the record a *basis* for deducting points at the annual assessment, and
#: article 10(4) leaves the deduction itself to the assessment group against the year's
#: indicator points, so the sweep records the fact and the group sets the amount.
ESCALATION_POINTS = to_points(0)


# What the daily-assessment record says of an escalated deadline: (the lapse, still not done).
_FINDINGS: dict[DeadlineKind, tuple[str, str]] = {
    DeadlineKind.SELF_CHECK: ("自查材料逾期未报送", "仍未报送"),
    DeadlineKind.GROUP_SCORING: ("考核评分逾期未完成", "仍未完成"),
    DeadlineKind.RECTIFICATION_PLAN: ("整改方案逾期未报送", "仍未报送"),
    DeadlineKind.RECTIFICATION_DONE: ("整改逾期未完成", "仍未完成"),
    DeadlineKind.ANNUAL_REPORT: ("政府信息公开工作年度报告逾期未报送", "仍未报送"),
}


_DELIVERED = (ReminderStatus.SENT, ReminderStatus.NO_EMAIL, ReminderStatus.NO_SMTP)


def _status_sentence(item: OpenDeadline, slot: str, today: date, calendar: WorkCalendar) -> str:
    d = item.deadline
    if slot == ESCALATION:
        return (f"截至{cn_date(today)}已逾期{calendar.workdays_between(d.due_on, today)}个工作日，"
                "经催办仍未办结，现予督办，并记入日常考核记录，"
                "作为年度考核核减相应分数的依据（第十条第（一）项）")
    if slot == DUE:
        return "今天是截止日期"
    if is_overdue_reminder(slot):
        late = calendar.workdays_between(d.due_on, today)
        return f"截至{cn_date(today)}已逾期{late}个工作日，这是第{slot.split('-')[1]}次催办"
    return f"距截止日期还有{calendar.workdays_between(today, d.due_on)}个工作日"


def _message_text(item: OpenDeadline, slot: str, today: date, calendar: WorkCalendar,
                  number: str, profile: Profile) -> tuple[str, str]:
    d = item.deadline
    office = profile.organ("office").name
    notice = "督办通知" if slot == ESCALATION else "催办通知"
    subject = f"【{notice}】{item.unit}：{DEADLINE_LABELS[d.kind]}（截止{cn_date(d.due_on)}）"
    act, article = cited_basis(d.basis, profile.measures)
    body = (
        f"{item.unit}：\n\n"
        f"    根据《{act}》{article}，贵单位应于{cn_date(d.due_on)}前"
        f"{DEADLINE_LABELS[d.kind]}。{_status_sentence(item, slot, today, calendar)}。\n"
        f"    详见附件{notice}{('（' + number + '）') if number else ''}。"
        "如已办理，请将材料报送我办并忽略本通知。\n\n"
        f"{office}\n{cn_date(today)}\n"
    )
    return subject, body


def _record_escalation(session: Session, item: OpenDeadline, today: date, doc: IssuedDocument) -> None:
    """The daily-assessment record of one escalated deadline and its escalation date (commits)."""
    d = item.deadline
    unit_id = d.unit_id
    assert unit_id is not None
    reminded = session.exec(
        select(Reminder.slot).where(Reminder.deadline_id == d.id,
                                    col(Reminder.status).in_(_DELIVERED))
    ).all()
    times = sum(1 for slot in reminded if is_overdue_reminder(slot))
    lapse, still = _FINDINGS[d.kind]
    key = f"deadline:{d.id}:escalation"
    if session.exec(select(DailyRecord.id).where(DailyRecord.source_key == key)).first() is None:
        add_unique_rows(session, lambda: [DailyRecord(
            year=item.year, unit_id=unit_id, points=ESCALATION_POINTS,
            method=DailyMethod.DAILY_RECORD, found_on=today, source_key=key,
            finding=(f"{lapse}（截止日期{cn_date(d.due_on)}），"
                     f"{f'经{times}次催办' if times else ''}{still}，已下发督办通知{doc.number}"),
            recorded_by=f"{district_profile(session).organ('office').name}（系统督办）",
        )])
    # A retried escalation email must not move the date of the escalation itself.
    session.execute(update(Deadline)
                    .where(col(Deadline.id) == d.id, col(Deadline.escalated_on).is_(None))
                    .values(escalated_on=today))
    session.commit()


def deliver(session: Session, report: SweepReport, due: list[tuple[OpenDeadline, Reminder]], today: date,
            out_dir: Path | None, mailer: Mailer, chat: ChatSender, calendar: WorkCalendar) -> None:
    """Issue the notices of the claimed slots, email them and post them to the work-chat
    groups, and record the outcomes (commits).

    The notices are issued as one register batch (numbered and committed together) before any
    message goes out: a sweep that stops after that leaves its slots claimed, and the sweep that
    takes them over finds the notices registered and sends them under the same numbers. Each
    email's outcome is committed as soon as it is known, so a crash resends as little as
    possible; outcomes that sent nothing (no address, no SMTP) are committed together. A channel
    that got the notice on an earlier try is not used again: a slot retried because the other
    channel failed reaches nobody twice.
    """
    wanted = [(item.deadline.id, reminder.slot) for item, reminder in due
              if item.deadline.unit_id is not None]  # the group's deadlines get no notice
    docs: dict[tuple[int | None, str], IssuedDocument] = dict(zip(wanted, issue_deadline_notices(
        session=session, slots=wanted, on=today, out_dir=out_dir), strict=True))  # type: ignore[arg-type]
    profile = district_profile(session)
    for item, reminder in due:
        slot = reminder.slot
        doc = docs.get((item.deadline.id, slot))
        if slot == ESCALATION and doc is not None:
            _record_escalation(session, item, today, doc)
        number = doc.number if doc else ""
        path = document_path(doc, out_dir) if doc else None
        reminder.document_id = doc.id if doc else None
        subject, body = _message_text(item, slot, today, calendar, number, profile) \
            if item.email or chat.enabled else ("", "")
        _email(session, mailer, reminder, item.email, subject, body, path)
        posted = _post_chat(session, chat, reminder_id=reminder.id,  # type: ignore[arg-type]
                            unit=item.unit if item.deadline.unit_id is not None else None,
                            text=f"{subject}\n{body}")
        if posted is not None and posted.delivery is Delivery.FAILED:
            reminder.status = ReminderStatus.FAILED
            reminder.last_error = f"工作群通知发送失败 (chat): {posted.error}"
        file_line(report, item.line(slot, number=number, document=str(path or ""),
                                    delivery=reminder.status.value, error=reminder.last_error,
                                    attempts=reminder.attempts, chat="" if posted is None else posted.delivery.value),
                  reminder.status)
    session.commit()  # the outcomes that sent nothing, flushed together


def notify_office(report: SweepReport, mailer: Mailer) -> bool:
    """Email the summary to the office's own mailbox (the From address) when SMTP is configured."""
    if not mailer.enabled:
        return False
    message = build_message(sender=mailer.sender, to=[mailer.sender],
                            subject=f"【催办督办汇总】{cn_date(report.today)}", body=office_summary(report))
    return mailer.send(message).delivery is Delivery.SENT


def _email(session: Session, mailer: Mailer, reminder: Reminder, address: str, subject: str, body: str,
           path: Path | None) -> None:
    """Email a claimed slot's notice unless it has no address or already went out; its outcome
    is committed at once when an email was tried."""
    if not address:
        reminder.status = ReminderStatus.NO_EMAIL
        return
    if reminder.sent_at is not None:
        reminder.status = ReminderStatus.SENT
        return
    outcome = mailer.send(build_message(sender=mailer.sender, to=[address], subject=subject, body=body,
                                        attachments=[path] if path else []))
    reminder.attempts += outcome.attempts
    reminder.last_error = outcome.error
    reminder.status = {Delivery.SENT: ReminderStatus.SENT, Delivery.FAILED: ReminderStatus.FAILED,
                       Delivery.NO_SMTP: ReminderStatus.NO_SMTP}[outcome.delivery]
    if outcome.delivery is Delivery.SENT:
        reminder.sent_at = utcnow()
    if outcome.attempts:
        session.commit()  # an email went out (or was tried): record it at once


def _post_chat(session: Session, chat: ChatSender, *, reminder_id: int, unit: str | None,
               text: str) -> Outcome | None:
    """Post the chat message of a claimed reminder slot unless it already went out (commits).

    None when no robot serves ``unit``. The caller holds the slot's claim, so no other sweep
    posts it at the same time; the ``ChatDelivery`` row records that it went out, so a slot
    retried for the email's failure never posts twice.
    """
    target = chat.robot_for(unit)
    if target is None:
        return None
    label, robot = target
    row = session.exec(select(ChatDelivery).where(ChatDelivery.reminder_id == reminder_id)).first()
    if row is not None and row.sent:
        return Outcome(Delivery.SENT, 0)
    outcome = chat.post(robot, text)
    row = row or ChatDelivery(reminder_id=reminder_id, robot=label)
    row.robot, row.attempts = label, row.attempts + outcome.attempts
    row.sent, row.last_error = outcome.delivery is Delivery.SENT, outcome.error
    row.sent_at = utcnow() if row.sent else None
    session.add(row)
    session.commit()
    return outcome
