"""What a sweep did, for the CLI, the office's summary and the flow's result: one line per
reminder or escalation, filed under the report's headings by one rule."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from models.deadlines import (
    DEADLINE_LABELS,
    Deadline,
    DeadlineKind,
    ReminderStatus,
)
from models.reminders import (
    ESCALATION,
    slot_label,
)
from models.scheme import ReminderPolicy
from zwgk.documents.contexts import cn_date


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
class OpenDeadline:
    """An open deadline as the sweep sees it (row + unit + policy), and its lines in the report."""

    deadline: Deadline
    year: int
    unit: str
    contact_person: str
    email: str
    policy: ReminderPolicy
    period: int

    def line(self, slot: str, **extra: Any) -> SweepLine:
        """The report's line of this deadline's ``slot``."""
        d = self.deadline
        assert d.id is not None
        return SweepLine(deadline_id=d.id, year=self.year, unit=self.unit,
                         contact_person=self.contact_person, email=self.email, kind=d.kind,
                         what=DEADLINE_LABELS[d.kind], due_on=d.due_on, slot=slot, **extra)


def file_line(report: SweepReport, line: SweepLine, status: ReminderStatus) -> None:
    """File one slot under the report's headings by its delivery ``status``: what was done, or
    for a dry run what would be done."""
    if status is ReminderStatus.SKIPPED:
        report.skipped.append(line)
        return
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
