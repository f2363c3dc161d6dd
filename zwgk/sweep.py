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
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, exists, or_, true, update
from sqlmodel import Session, col, select

from models.assessment import DailyMethod, DailyRecord
from models.audit import OFFICE_ACTOR, anchor_head, record
from models.calendar import WorkCalendar, load_calendar
from models.cycle import Cycle
from models.district import Profile
from models.deadlines import (
    DEADLINE_LABELS,
    RECTIFICATION_KINDS,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Reminder,
    ReminderStatus,
)
from models.documents import IssuedDocument
from models.reminders import (
    DUE,
    ESCALATION,
    current_slot,
    fires_on,
    is_overdue_reminder,
    next_action_on,
    slot_label,
    superseded,
)
from models.scheme import ReminderPolicy, SchemeConfig
from models.stages import Stage
from models.types import to_points, utcnow
from models.units import Unit
from zwgk.district import district_profile
from zwgk.documents import paperwork
from zwgk.documents.contexts import cn_date
from zwgk.documents.register import document_path
from zwgk.mail import Delivery, Mailer, build_message
from zwgk.unique_rows import add_unique_rows
from zwgk.webhooks import ChatSender

#: A claim older than this whose sweep never reported back is taken over by the next sweep.
STALE_CLAIM = timedelta(minutes=15)

#: Points of the daily-assessment record an escalation creates. Zero on purpose: article
#: 10(1) makes the record a *basis* for deducting points at the annual assessment, and
#: article 10(4) leaves the deduction itself to the assessment group against the year's
#: indicator points, so the sweep records the fact and the group sets the amount.
ESCALATION_POINTS = to_points(0)

#: The sweep's selections, as offered by ``zwgk sweep --kind``.
SWEEP_KINDS: dict[str, frozenset[DeadlineKind] | None] = {
    "all": None,
    "reminders": frozenset(DeadlineKind) - RECTIFICATION_KINDS,
    "rectification": RECTIFICATION_KINDS,
}

GROUP_NAME = "考核组"

# What the daily-assessment record says of an escalated deadline: (the lapse, still not done).
_FINDINGS: dict[DeadlineKind, tuple[str, str]] = {
    DeadlineKind.SELF_CHECK: ("自查材料逾期未报送", "仍未报送"),
    DeadlineKind.GROUP_SCORING: ("考核评分逾期未完成", "仍未完成"),
    DeadlineKind.RECTIFICATION_PLAN: ("整改方案逾期未报送", "仍未报送"),
    DeadlineKind.RECTIFICATION_DONE: ("整改逾期未完成", "仍未完成"),
}

_DELIVERED = (ReminderStatus.SENT, ReminderStatus.NO_EMAIL, ReminderStatus.NO_SMTP)


class SweepLine(BaseModel):
    """One reminder or escalation the sweep dealt with."""

    deadline_id: int
    year: int
    unit: str = Field(description="单位名称（考核组的期限为“考核组”）")
    contact_person: str = ""
    email: str = ""
    kind: DeadlineKind
    what: str = Field(description="应办事项")
    due_on: date
    slot: str
    number: str = Field(default="", description="督办通知的发文字号")
    document: str = Field(default="", description="通知文件路径")
    delivery: str = Field(default="", description="sent / failed / no_email / no_smtp")
    error: str = ""
    attempts: int = 0
    chat: str = Field(default="", description="工作群通知：sent / failed，未配置机器人为空")


class SweepReport(BaseModel):
    """What one sweep did, for the CLI, the office summary and the flow's result."""

    today: date
    workday: bool
    dry_run: bool
    email_configured: bool
    marked_overdue: int = 0
    sent: list[SweepLine] = Field(default_factory=list, description="已发邮件")
    not_emailed: list[SweepLine] = Field(
        default_factory=list, description="未配置邮件服务器：通知已生成，未发邮件")
    to_call: list[SweepLine] = Field(default_factory=list, description="无邮箱，需电话通知")
    failed: list[SweepLine] = Field(default_factory=list, description="发送失败，下次催办时重发")
    escalated: list[SweepLine] = Field(default_factory=list, description="已督办")
    skipped: list[SweepLine] = Field(
        default_factory=list, description="错过的提醒（已被更新的提醒取代，不再补发）")
    due_cycles: list[int] = Field(default_factory=list, description="自查期限已届满的年度考核")
    office_notified: bool = False
    audit_head: str = Field(default="", description="审计日志链头（条号:哈希前缀），供核对日志未被截断")


@dataclass(frozen=True)
class _Open:
    """An open deadline as the sweep sees it (row + unit + policy)."""

    deadline: Deadline
    year: int
    unit: str
    contact_person: str
    email: str
    policy: ReminderPolicy
    period: int

    def line(self, slot: str, **extra: Any) -> SweepLine:
        d = self.deadline
        assert d.id is not None
        return SweepLine(deadline_id=d.id, year=self.year, unit=self.unit,
                         contact_person=self.contact_person, email=self.email, kind=d.kind,
                         what=DEADLINE_LABELS[d.kind], due_on=d.due_on, slot=slot, **extra)


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

    Only cycles in stage self_check count (those are the ones an annual run waits for);
    the lead's annual flow resumes them. A deadline is past due the day after its due date,
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
) -> list[_Open]:
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
        result.append(_Open(
            deadline=deadline, year=year, unit=name or GROUP_NAME, contact_person=person or "",
            email=email or "", policy=policy,
            period=calendar.workdays_between(deadline.starts_on, deadline.due_on),
        ))
    return result


def _status_sentence(item: _Open, slot: str, today: date, calendar: WorkCalendar) -> str:
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


def _message_text(item: _Open, slot: str, today: date, calendar: WorkCalendar,
                  number: str, profile: Profile) -> tuple[str, str]:
    d = item.deadline
    office = profile.organ("office").name
    notice = "督办通知" if slot == ESCALATION else "催办通知"
    subject = f"【{notice}】{item.unit}：{DEADLINE_LABELS[d.kind]}（截止{cn_date(d.due_on)}）"
    body = (
        f"{item.unit}：\n\n"
        f"    根据《{profile.measures}》{d.basis}，贵单位应于{cn_date(d.due_on)}前"
        f"{DEADLINE_LABELS[d.kind]}。{_status_sentence(item, slot, today, calendar)}。\n"
        f"    详见附件{notice}{('（' + number + '）') if number else ''}。"
        "如已办理，请将材料报送我办并忽略本通知。\n\n"
        f"{office}\n{cn_date(today)}\n"
    )
    return subject, body


def _record_escalation(session: Session, item: _Open, today: date, doc: IssuedDocument) -> None:
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
    items = _load_open(session, calendar, judged)
    by_id = {item.deadline.id: item for item in items}
    existing = {(deadline_id, slot): (rid, status) for rid, deadline_id, slot, status in session.exec(
        select(Reminder.id, Reminder.deadline_id, Reminder.slot, Reminder.status)
        .where(col(Reminder.deadline_id).in_(select(Deadline.id).where(judged))))}

    wanted: list[Reminder] = []
    retries: list[tuple[int, _Open, str]] = []
    moved: list[dict[str, Any]] = []  # next_action_on of the judged deadlines, where it changes
    for item in items:
        d = item.deadline
        assert d.id is not None
        slot = current_slot(due_on=d.due_on, today=today, policy=item.policy, calendar=calendar,
                            period=item.period)
        following = next_action_on(current=slot, due_on=d.due_on, policy=item.policy, calendar=calendar,
                                   period=item.period)
        if following != d.next_action_on:
            moved.append({"id": d.id, "next_action_on": following})
        if slot is None:
            continue
        have = existing.get((d.id, slot))
        if have is None:
            wanted.append(Reminder(
                deadline_id=d.id, slot=slot, status=ReminderStatus.SENDING,
                due_on=fires_on(slot, due_on=d.due_on, policy=item.policy, calendar=calendar)))
            wanted += [
                Reminder(deadline_id=d.id, slot=old, status=ReminderStatus.SKIPPED,
                         due_on=fires_on(old, due_on=d.due_on, policy=item.policy, calendar=calendar))
                for old in superseded(slot, item.policy, item.period) if (d.id, old) not in existing
            ]
        elif have[1] in (ReminderStatus.FAILED, ReminderStatus.SENDING) and have[0] is not None:
            retries.append((have[0], item, slot))

    if dry_run:
        planned = [(by_id[r.deadline_id], r.slot, r.status) for r in wanted]
        planned += [(item, slot, ReminderStatus.SENDING) for _, item, slot in retries]
        for item, slot, status in planned:
            line = item.line(slot)
            if status == ReminderStatus.SKIPPED:
                report.skipped.append(line)
                continue
            if slot == ESCALATION:
                report.escalated.append(line)
            if not item.email:
                report.to_call.append(line)
            elif slot != ESCALATION:
                (report.sent if mailer.enabled else report.not_emailed).append(line)
        return report

    token = uuid.uuid4().hex
    claimed = _claim(session, token, wanted, [rid for rid, _, _ in retries])
    if moved:
        # After the claims are committed: a sweep that stops in between judges these again.
        session.execute(update(Deadline).execution_options(synchronize_session=False), moved)
        session.commit()
    due: list[tuple[_Open, Reminder]] = []
    for reminder in claimed:
        item = by_id[reminder.deadline_id]
        if reminder.status == ReminderStatus.SKIPPED:
            report.skipped.append(item.line(reminder.slot))
        else:
            due.append((item, reminder))
    _deliver(session, report, due, today, out_dir, mailer, chat, calendar)

    if report.escalated or report.to_call or report.failed:
        report.office_notified = _notify_office(report, mailer)
        chat.post_office(office_summary(report))
    return _close(session, report)


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


def _deliver(session: Session, report: SweepReport, due: list[tuple[_Open, Reminder]], today: date,
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
    docs: dict[tuple[int | None, str], IssuedDocument] = dict(zip(wanted, paperwork.issue_deadline_notices(
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
        if not item.email:
            reminder.status = ReminderStatus.NO_EMAIL
        elif reminder.sent_at is not None:
            reminder.status = ReminderStatus.SENT
        else:
            outcome = mailer.send(build_message(sender=mailer.sender, to=[item.email], subject=subject,
                                                body=body, attachments=[path] if path else []))
            reminder.attempts += outcome.attempts
            reminder.last_error = outcome.error
            reminder.status = {Delivery.SENT: ReminderStatus.SENT, Delivery.FAILED: ReminderStatus.FAILED,
                               Delivery.NO_SMTP: ReminderStatus.NO_SMTP}[outcome.delivery]
            if outcome.delivery is Delivery.SENT:
                reminder.sent_at = utcnow()
            if outcome.attempts:
                session.commit()  # an email went out (or was tried): record it at once
        posted = chat.deliver(session, reminder_id=reminder.id,  # type: ignore[arg-type]
                              unit=item.unit if item.deadline.unit_id is not None else None,
                              text=f"{subject}\n{body}")
        if posted is not None and posted.delivery is Delivery.FAILED:
            reminder.status = ReminderStatus.FAILED
            reminder.last_error = f"工作群通知发送失败 (chat): {posted.error}"
        _report(report, item.line(slot, number=number, document=str(path or ""),
                                  delivery=reminder.status.value, error=reminder.last_error,
                                  attempts=reminder.attempts, chat="" if posted is None else posted.delivery.value))
    session.commit()  # the outcomes that sent nothing, flushed together


def _report(report: SweepReport, line: SweepLine) -> None:
    """File one delivered slot under the report's headings."""
    status = ReminderStatus(line.delivery)
    if status is ReminderStatus.FAILED:
        report.failed.append(line)
    elif status is ReminderStatus.NO_EMAIL:
        report.to_call.append(line)
    if line.slot == ESCALATION:
        report.escalated.append(line)
    elif status is ReminderStatus.SENT:
        report.sent.append(line)
    elif status is ReminderStatus.NO_SMTP:
        report.not_emailed.append(line)


def office_summary(report: SweepReport) -> str:
    """The sweep in Chinese for the office: what was escalated, sent, skipped, whom to call.

    The same text is printed by ``zwgk sweep`` and mailed to the office.
    """
    trial = "（试运行：未发送、未记录）" if report.dry_run else ""
    lines = [f"{cn_date(report.today)}催办督办情况{trial}"]
    if not report.workday:
        lines.append("今天不是工作日，不发送提醒（提醒只在工作日发送）。")
    if not report.email_configured:
        lines.append("未配置邮件服务器（ZWGK_SMTP_HOST），不发送邮件；通知照常生成，请另行送达。")
    if report.marked_overdue:
        lines.append(f"新增逾期：{report.marked_overdue} 项。")
    will = "将" if report.dry_run else "已"
    sections: list[tuple[str, list[SweepLine], Callable[[SweepLine], str]]] = [
        (f"{will}督办", report.escalated,
         lambda x: f"{x.unit}：{x.what}（截止{cn_date(x.due_on)}）{x.number}"),
        (f"{will}发送", report.sent,
         lambda x: f"{x.unit} <{x.email}>：{x.what}（截止{cn_date(x.due_on)}），{slot_label(x.slot)}"),
        (f"通知{will}生成、未发邮件", report.not_emailed,
         lambda x: f"{x.unit}：{x.what}，{slot_label(x.slot)}" + (f"，{x.document}" if x.document else "")),
        ("需电话通知（无邮箱）", report.to_call,
         lambda x: f"{x.unit}（联系人 {x.contact_person or '未登记'}）：{x.what}"
                   f"（截止{cn_date(x.due_on)}），{slot_label(x.slot)}"),
        ("发送失败（下次催办时重发）", report.failed,
         lambda x: f"{x.unit} <{x.email}>：{slot_label(x.slot)}，尝试{x.attempts}次，{x.error}"),
        ("错过的提醒（已有更新的提醒，不再补发）", report.skipped,
         lambda x: f"{x.unit}：{x.what}，{slot_label(x.slot)}"),
    ]
    for title, items, fmt in sections:
        if items:
            lines.append(f"\n{title}（{len(items)}）：")
            lines += [f"  {i}. {fmt(x)}" for i, x in enumerate(items, 1)]
    if not any(items for _, items, _ in sections):
        lines.append("没有需要发送的提醒。")
    chatted = {(x.deadline_id, x.slot) for _, items, _ in sections for x in items if x.chat == "sent"}
    if chatted:
        lines.append(f"\n工作群通知{will}发送：{len(chatted)} 件。")
    if report.due_cycles:
        lines.append(f"\n自查期限已届满的年度考核（编号）：{'、'.join(map(str, report.due_cycles))}")
    if report.audit_head:
        lines.append(f"审计日志链头：{report.audit_head}")
    return "\n".join(lines) + "\n"


def _notify_office(report: SweepReport, mailer: Mailer) -> bool:
    """Email the summary to the office's own mailbox (the From address) when SMTP is configured."""
    if not mailer.enabled:
        return False
    message = build_message(sender=mailer.sender, to=[mailer.sender],
                            subject=f"【催办督办汇总】{cn_date(report.today)}", body=office_summary(report))
    return mailer.send(message).delivery is Delivery.SENT
