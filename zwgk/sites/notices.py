"""Warnings and new vetoes told to the unit, once each: by email to its contact and in work chat
(its own group robot, else the office's), through the notices the sweep already uses.

Each open finding of severity warning or veto gets one ``SiteNotice`` row, keyed by the finding
and its severity: a warning that becomes a veto is told again, the same veto never. A round
claims a row by raising its ``tries`` from the value it read (one UPDATE; a second round running
at the same moment finds it changed and leaves it), sends, and records per channel that it is
done; a channel that failed is tried again by the next round, up to ``MAX_TRIES``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from models.district import district_profile
from models.sites import RULE_LABELS, SEVERITY_LABELS, Severity, SiteFinding, SiteNotice
from models.types import utcnow
from models.units import Unit
from zwgk.adapters.chat import ChatSender
from zwgk.adapters.db import add_unique_rows
from zwgk.adapters.mail import Delivery, Mailer, build_message

MAX_TRIES = 5
TOLD = (Severity.VETO, Severity.WARNING)


@dataclass
class NoticeReport:
    """What a round told: units notified, and units whose notice could not go out on every
    channel (tried again by the next round)."""

    told: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def send_notices(session: Session, *, mailer: Mailer | None = None, chat: ChatSender | None = None) -> NoticeReport:
    """Tell every unit its open warnings and new vetoes not told yet (commits)."""
    mailer, chat = mailer or Mailer(), chat or ChatSender()
    _add_rows(session)
    pending = session.exec(select(SiteNotice).where(
        col(SiteNotice.tries) < MAX_TRIES, or_(col(SiteNotice.mail_done).is_(False), col(SiteNotice.chat_done).is_(False)))
        .order_by(col(SiteNotice.id))).all()
    by_unit: dict[int, list[SiteNotice]] = defaultdict(list)
    for row in pending:
        by_unit[row.unit_id].append(row)
    report = NoticeReport()
    office = district_profile(session).organ("office").name
    for unit_id, rows in by_unit.items():
        claimed = [row for row in rows if _claim(session, row)]
        unit = session.get(Unit, unit_id)
        if not claimed or unit is None:
            continue
        findings = {f.id: f for f in session.exec(select(SiteFinding).where(
            col(SiteFinding.id).in_([row.finding_id for row in claimed])))}
        # A finding closed before its notice went out needs no notice any more.
        owed = {row.id for row in claimed if findings[row.finding_id].closed_on is None}
        mail = _mail(mailer, unit, [findings[r.finding_id] for r in claimed if r.id in owed and not r.mail_done],
                     office)
        chat_ = _chat(chat, unit, [findings[r.finding_id] for r in claimed if r.id in owed and not r.chat_done],
                      office)
        for row in claimed:
            row.mail_done = row.mail_done or row.id not in owed or mail.done
            row.chat_done = row.chat_done or row.id not in owed or chat_.done
            row.last_error = "；".join(error for error in (mail.error, chat_.error) if error)
            row.sent_at = utcnow() if mail.sent or chat_.sent else row.sent_at
            session.add(row)
        session.commit()
        if mail.sent or chat_.sent:
            report.told.append(unit.name)
        if not (mail.done and chat_.done):
            report.failed.append(unit.name)
    return report


def _add_rows(session: Session) -> None:
    """One notice row for every open warning or veto without one."""
    told = set(session.exec(select(SiteNotice.key)).all())
    fresh = [(f.id, f.unit_id, f.severity) for f in session.exec(select(SiteFinding).where(
        col(SiteFinding.closed_on).is_(None), col(SiteFinding.severity).in_(TOLD)))
        if f"{f.id}:{f.severity.value}" not in told]
    if fresh:
        add_unique_rows(session, lambda: [SiteNotice(key=f"{fid}:{severity.value}", finding_id=fid, unit_id=uid,
                                                     severity=severity) for fid, uid, severity in fresh])


def _claim(session: Session, row: SiteNotice) -> bool:
    """Take the row for this round: its ``tries`` raised from the value read, or someone else has it."""
    taken = session.execute(update(SiteNotice).where(col(SiteNotice.id) == row.id, col(SiteNotice.tries) == row.tries)
                            .values(tries=row.tries + 1))
    session.commit()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(row)
    return True


@dataclass(frozen=True)
class _Sent:
    """One channel's outcome: whether it owes nothing more (sent, or no way to send), whether
    anything went out, and why not."""

    done: bool
    sent: bool = False
    error: str = ""


def _mail(mailer: Mailer, unit: Unit, findings: list[SiteFinding], office: str) -> _Sent:
    """Email ``findings`` to the unit's contact (nothing to do without them, a mail server or an address)."""
    if not findings or not mailer.enabled or not unit.contact_email:
        return _Sent(done=True)
    veto = any(f.severity is Severity.VETO for f in findings)
    outcome = mailer.send(build_message(sender=mailer.sender, to=[unit.contact_email],
                                        subject=f"网站监测{'单项否决' if veto else '预警'}：{unit.name}",
                                        body=_text(unit.name, findings, office)))
    ok = outcome.delivery is Delivery.SENT
    return _Sent(ok, ok, "" if ok else f"邮件：{outcome.error}")


def _chat(chat: ChatSender, unit: Unit, findings: list[SiteFinding], office: str) -> _Sent:
    """Post ``findings`` to the unit's group robot, else the office's (nothing to do without one)."""
    target = chat.robot_for(unit.name) if findings else None
    if target is None:
        return _Sent(done=True)
    outcome = chat.post(target[1], _text(unit.name, findings, office))
    ok = outcome.delivery is Delivery.SENT
    return _Sent(ok, ok, "" if ok else f"工作群：{outcome.error}")


def _text(unit: str, findings: list[SiteFinding], office: str) -> str:
    lines = [f"【政府网站日常监测】{unit}：", "监测发现以下问题，请立即整改："]
    lines += [f"{i}. [{SEVERITY_LABELS[f.severity]}] {RULE_LABELS[f.rule]}：{f.detail}（{f.url}）"
              for i, f in enumerate(findings, start=1)]
    lines.append("单项否决问题依据国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》；经确认的问题记入日常考核"
                 "（考核办法第十条第（一）项）。")
    lines.append(f"——{office}")
    return "\n".join(lines)
