"""The rectification lifecycle of article 11: plan received, report received, verified.

feedback issued → plan received → report received → verified, or rejected: a rejected
report reopens the item in a new round with a new completion deadline. Files are identified
by their SHA-256, so receiving the same file again changes nothing.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.assessment import (
    Assessment,
    Deduction,
    SelfCheckStatus,
    SpecialItem,
    SpecialKind,
)
from models.audit import append_audit
from models.calendar import load_calendar
from models.catalog import Criterion
from models.cycle import Cycle, get_cycle
from models.deadlines import Deadline, DeadlineKind
from models.rectification import RectificationItem, RectificationState
from models.units import Unit
from zwgk.adapters.files import file_sha256, input_problem
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.core.permissions import Action, require
from zwgk.deadlines.rows import find_deadline, mark_met, open_deadlines

STATE_LABELS: dict[RectificationState, str] = {
    RectificationState.FEEDBACK_ISSUED: "已反馈问题，待报整改方案",
    RectificationState.PLAN_RECEIVED: "已报整改方案，整改中",
    RectificationState.REPORT_RECEIVED: "已报整改报告，待核验",
    RectificationState.VERIFIED: "核验通过",
    RectificationState.REOPENED: "核验未通过，重新整改",
}


class RectificationRefused(ValueError):
    """A step of the lifecycle that the item's state, the file or the person does not allow."""


@dataclass(frozen=True)
class RectificationRow:
    """One unit's rectification as listed for the office."""

    unit: str
    state: RectificationState
    state_label: str
    round: int
    plan_received_on: date | None
    report_received_on: date | None
    next_due_on: date | None
    next_due_state: str
    verified_by: str
    comment: str


def _readable(file: Path) -> Path:
    """``file`` when it can be received; RectificationRefused saying why not."""
    why = input_problem(file)
    if why is not None:
        raise RectificationRefused(f"{file.name}: {why}")
    return file


def _item(session: Session, year: int, unit_name: str) -> tuple[Cycle, Unit, RectificationItem]:
    cycle = get_cycle(session, year)
    unit = session.exec(select(Unit).where(Unit.name == unit_name)).first()
    if unit is None:
        raise RectificationRefused(f"没有名为“{unit_name}”的被考核单位 (no unit named {unit_name})")
    item = session.exec(
        select(RectificationItem)
        .join(Assessment, col(Assessment.id) == RectificationItem.assessment_id)
        .where(Assessment.cycle_id == cycle.id, Assessment.unit_id == unit.id)
    ).first()
    if item is None:
        raise RectificationRefused(
            f"{unit_name}在{year}年度没有需要整改的问题 (no rectification item for {unit_name} in {year})")
    return cycle, unit, item


def _meet(session: Session, *, cycle: Cycle, unit: Unit, kind: DeadlineKind, round: int,
          on: date) -> None:
    """Mark the unit's deadline met, in the caller's transaction."""
    assert cycle.id is not None
    deadline = find_deadline(session, cycle_id=cycle.id, unit_id=unit.id, kind=kind, round=round)
    if deadline is not None and deadline.id is not None:
        mark_met(session, deadline_id=deadline.id, on=on, commit=False)


def receive_plan(
    session: Session, *, year: int, unit_name: str, file: Path, on: date, by: str = OFFICE_ACTOR,
    commit: bool = True,
) -> RectificationItem:
    """Record a unit's rectification plan (整改方案) received on ``on``; commits unless
    ``commit`` is False (the caller commits: an upload and its receipt are one transaction).

    Allowed until the report arrives (a revised plan replaces the earlier one). The same
    file again changes nothing. Marks the unit's plan deadline met.
    """
    cycle, unit, item = _item(session, year, unit_name)
    digest = file_sha256(_readable(file))
    if digest == item.plan_sha256:
        return item
    if item.state not in (RectificationState.FEEDBACK_ISSUED, RectificationState.PLAN_RECEIVED):
        raise RectificationRefused(
            f"{unit_name}的整改已处于“{STATE_LABELS[item.state]}”阶段，不再接收整改方案 {file.name} "
            f"(plan not accepted in state {item.state.value})")
    item.plan_sha256 = digest
    item.plan_received_on = on
    item.state = RectificationState.PLAN_RECEIVED
    session.add(item)
    append_audit(session, actor=by, cycle_id=cycle.id, action="rectification.plan",
                 comment=f"{unit_name}：{file.name} sha256={digest}")
    _meet(session, cycle=cycle, unit=unit, kind=DeadlineKind.RECTIFICATION_PLAN, round=1, on=on)
    session.commit() if commit else session.flush()
    return item


def receive_report(
    session: Session, *, year: int, unit_name: str, file: Path, on: date, by: str = OFFICE_ACTOR,
    commit: bool = True,
) -> RectificationItem:
    """Record a unit's completion report (整改报告) received on ``on``; commits unless
    ``commit`` is False (the caller commits: an upload and its receipt are one transaction).

    Needs the plan first; after a rejection the unit sends a new report for the new round.
    The same file again changes nothing. Marks the round's completion deadline met.
    """
    cycle, unit, item = _item(session, year, unit_name)
    digest = file_sha256(_readable(file))
    if digest == item.report_sha256:
        return item
    if item.state == RectificationState.FEEDBACK_ISSUED:
        raise RectificationRefused(
            f"{unit_name}尚未报送整改方案，请先导入整改方案（zwgk rectification plan {year} "
            f"{unit_name} 文件）(no plan received yet)")
    if item.state == RectificationState.VERIFIED:
        raise RectificationRefused(
            f"{unit_name}的整改已核验通过，不再接收整改报告 {file.name} (already verified)")
    item.report_sha256 = digest
    item.report_received_on = on
    item.state = RectificationState.REPORT_RECEIVED
    session.add(item)
    append_audit(session, actor=by, cycle_id=cycle.id, action="rectification.report",
                 comment=f"{unit_name}：{file.name} sha256={digest}")
    _meet(session, cycle=cycle, unit=unit, kind=DeadlineKind.RECTIFICATION_DONE, round=item.round,
          on=on)
    session.commit() if commit else session.flush()
    return item


def verify(
    session: Session,
    *,
    year: int,
    unit_name: str,
    by: str,
    on: date,
    reject: bool = False,
    comment: str = "",
) -> RectificationItem:
    """The office verifies a completion report; commits and records the decision in the audit log.

    ``by`` must be office staff. Approval closes the item; a rejection reopens it in a new
    round with a new completion deadline (``periods.rectification_done_days`` working days
    after ``on``). Repeating the same decision changes nothing.
    """
    require(session, by, Action.RUN_OFFICE)
    cycle, unit, item = _item(session, year, unit_name)
    # The same decision repeated (a retried command) changes nothing.
    if (item.state == RectificationState.VERIFIED and not reject) or (
        item.state == RectificationState.REOPENED and reject
        and (item.verified_by, item.comment) == (by, comment)
    ):
        return item
    if item.state != RectificationState.REPORT_RECEIVED:
        raise RectificationRefused(
            f"{unit_name}的整改处于“{STATE_LABELS[item.state]}”阶段，没有待核验的整改报告 "
            f"(nothing to verify in state {item.state.value})")
    assert cycle.id is not None and unit.id is not None
    if reject:
        if not comment.strip():
            raise RectificationRefused(
                "退回整改须填写意见（--comment），说明未通过的原因 (a rejection needs a comment)")
        item.round += 1
        item.state = RectificationState.REOPENED
        open_deadlines(session, cycle_id=cycle.id, kind=DeadlineKind.RECTIFICATION_DONE,
                       unit_ids=[unit.id], starts_on=on, round=item.round,
                       days=cycle.scheme.periods.rectification_done_days,
                       calendar=load_calendar(session))
    else:
        item.state = RectificationState.VERIFIED
    item.verified_by = by
    item.comment = comment
    session.add(item)
    append_audit(session, actor=by, cycle_id=cycle.id,
                 action="rectification.reject" if reject else "rectification.verify",
                 comment=f"{unit_name}：{comment}" if comment else unit_name)
    session.commit()
    return item


def list_items(session: Session, *, year: int) -> list[RectificationRow]:
    """Every rectification of ``year`` with its state and the next due date, by unit."""
    cycle = get_cycle(session, year)
    rows = session.exec(
        select(Unit, RectificationItem)
        .join(Assessment, col(Assessment.unit_id) == Unit.id)
        .join(RectificationItem, col(RectificationItem.assessment_id) == Assessment.id)
        .where(Assessment.cycle_id == cycle.id)
        .order_by(col(Unit.id))
    ).all()
    deadlines = session.exec(
        select(Deadline).where(
            Deadline.cycle_id == cycle.id,
            col(Deadline.kind).in_([DeadlineKind.RECTIFICATION_PLAN, DeadlineKind.RECTIFICATION_DONE]))
    ).all()
    by_key = {(d.unit_id, d.kind, d.round): d for d in deadlines}
    result = []
    for unit, item in rows:
        if item.state == RectificationState.FEEDBACK_ISSUED:
            due = by_key.get((unit.id, DeadlineKind.RECTIFICATION_PLAN, 1))
        elif item.state == RectificationState.VERIFIED:
            due = None
        else:
            due = by_key.get((unit.id, DeadlineKind.RECTIFICATION_DONE, item.round))
        result.append(RectificationRow(
            unit=unit.name, state=item.state, state_label=STATE_LABELS[item.state], round=item.round,
            plan_received_on=item.plan_received_on, report_received_on=item.report_received_on,
            next_due_on=due.due_on if due else None,
            next_due_state=due.state.value if due else "",
            verified_by=item.verified_by, comment=item.comment,
        ))
    return result


def open_rectification(*, session: Session, cycle_id: int, on: date) -> int:
    """Create one rectification item per unit with problems found (article 11; idempotent).

    The problems are the group's deduction reasons, the special items, and a missing
    self-check. Returns the number of items.
    """
    assessments = session.exec(select(Assessment).where(Assessment.cycle_id == cycle_id)).all()
    by_id = {a.id: a for a in assessments}
    problems: dict[int, list[str]] = {a.id: [] for a in assessments}  # type: ignore[misc]
    for aid, reason, text in session.exec(
        select(Deduction.assessment_id, Deduction.reason, Criterion.text)
        .join(Criterion, Criterion.id == Deduction.criterion_id)  # type: ignore[arg-type]
        .where(Deduction.assessment_id.in_(by_id))  # type: ignore[attr-defined]
        .order_by(Deduction.id)
    ):
        problems[aid].append(f"{reason}（对应指标：{text}）")
    for aid, reason in session.exec(
        select(SpecialItem.assessment_id, SpecialItem.reason)
        .where(SpecialItem.assessment_id.in_(by_id), SpecialItem.kind != SpecialKind.BONUS)  # type: ignore[attr-defined]
        .order_by(SpecialItem.id)
    ):
        problems[aid].append(reason)
    for a in assessments:
        if a.self_check_status is SelfCheckStatus.MISSING:
            problems[a.id].append("未按期报送年度自查材料")  # type: ignore[index]
    existing = set(session.exec(select(RectificationItem.assessment_id).where(
        RectificationItem.assessment_id.in_(by_id))).all())  # type: ignore[attr-defined]
    for aid, lines in problems.items():
        if lines and aid not in existing:
            session.add(RectificationItem(assessment_id=aid, problems="\n".join(lines), feedback_on=on))
    session.commit()
    return sum(1 for lines in problems.values() if lines)


def rectification_finished(*, session: Session, cycle_id: int) -> bool:
    """True when every rectification item of the cycle has been verified by the office."""
    open_items = session.exec(
        select(func.count()).select_from(RectificationItem)
        .join(Assessment, Assessment.id == RectificationItem.assessment_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle_id,
               RectificationItem.state != RectificationState.VERIFIED)
    ).one()
    return open_items == 0
