"""The procedure's steps as plain functions over the database (no Prefect, no documents).

Tasks in ``tasks/`` wrap these; each is idempotent so a re-run after a crash is harmless. The
rectification items a cycle opens and closes are zwgk.rectification's.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from models.assessment import (
    Assessment,
    DailyMethod,
    DailyRecord,
    SelfCheckStatus,
)
from models.cycle import Cycle, create_cycle, cycle_by_id, get_cycle, transition
from models.deadlines import Deadline, DeadlineState, self_check_due_on
from models.scheme import SchemeConfig
from models.stages import STAGE_LABELS, Stage
from models.units import Unit
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.core.permissions import Action, require
from zwgk.documents.register import withdraw_documents


class CycleRefused(ValueError):
    """A cycle that cannot be started or withdrawn now (the message says why, in Chinese)."""


def check_startable(year: int, day: date) -> None:
    """A new cycle is started only for an assessment that can be due on ``day``: last calendar
    year's (carried out in the first half of this one) or this year's. Older years are catch-up
    work, started with ``--today`` set to a day of that time; a typo (2099) is refused."""
    if year not in (day.year - 1, day.year):
        raise CycleRefused(
            f"{year} 年度考核不能在 {day} 启动：只能启动上一年度（{day.year - 1}）或本年度（{day.year}）的考核；"
            f"补办往年的考核须以当时的日期办理（命令行用 --today 写明） (only last year's or this year's cycle can be started)")


def withdraw_cycle(session: Session, *, year: int, reason: str, by: str, on: date) -> Cycle:
    """Take back a cycle started by mistake, before the leading group approved its scheme: its
    deadlines are waived, any numbered document is marked withdrawn in the register (its number
    is never used again), and the stage becomes withdrawn (audited with the reason; commits)."""
    require(session, by, Action.RUN_OFFICE)
    cycle = get_cycle(session, year)
    if cycle.stage is Stage.WITHDRAWN:
        return cycle
    if cycle.stage is not Stage.DRAFT:
        raise CycleRefused(f"{year} 年度实施方案已审定（当前阶段：{STAGE_LABELS[cycle.stage]}），不能再撤销 "
                           f"(a cycle can be withdrawn only before its scheme is approved)")
    why = reason.strip()
    if not why:
        raise CycleRefused("撤销年度考核须写明理由（--reason） (a reason is required)")
    assert cycle.id is not None
    session.execute(update(Deadline).where(
        col(Deadline.cycle_id) == cycle.id, col(Deadline.state).in_([DeadlineState.OPEN, DeadlineState.OVERDUE]))
        .values(state=DeadlineState.WAIVED))
    withdraw_documents(session, cycle_id=cycle.id, on=on, reason=why)
    cycle.waiting_for = ""
    session.add(cycle)
    session.flush()
    return transition(session=session, cycle_id=cycle.id, to=Stage.WITHDRAWN, actor=by, comment=why)


def start_cycle(
    *, session: Session, year: int, actor: str, config: SchemeConfig | None = None,
    started_on: date | None = None,
) -> Cycle:
    """Create the cycle of ``year`` (stage draft) with one assessment per unit (idempotent).

    Every unit in the register at the time of creation and not retired is assessed (article 2:
    the list is fixed in the year's scheme); units added later are not pulled into a running cycle.
    """
    cycle = create_cycle(session=session, year=year, config=config or SchemeConfig(), actor=actor,
                         started_on=started_on)
    if cycle.stage is Stage.WITHDRAWN:  # started again, by a deliberate start
        cycle = transition(session=session, cycle_id=cycle.id, to=Stage.DRAFT, actor=actor,  # type: ignore[arg-type]
                           comment="重新启动")
    have = session.exec(
        select(func.count()).select_from(Assessment).where(Assessment.cycle_id == cycle.id)
    ).one()
    if have == 0:
        unit_ids = session.exec(select(Unit.id).where(col(Unit.retired).is_(False))
                                .order_by(col(Unit.id))).all()
        session.add_all(Assessment(cycle_id=cycle.id, unit_id=uid) for uid in unit_ids)  # type: ignore[misc]
        session.commit()
    return cycle


def attach_run(*, session: Session, cycle_id: int, flow_run_id: str | None,
               run_day: date | None = None) -> None:
    """Remember which Prefect run drives the cycle, so approvals can resume it, and the date it
    keeps throughout (a deployed run started with --today), so that whoever wakes it judges the
    units' wait by the same day the run will."""
    cycle = cycle_by_id(session, cycle_id)
    if flow_run_id and (cycle.flow_run_id, cycle.run_day) != (flow_run_id, run_day):
        cycle.flow_run_id, cycle.run_day = flow_run_id, run_day
        session.add(cycle)
        session.commit()


def set_waiting(*, session: Session, cycle_id: int, waiting_for: str) -> None:
    """Record what the cycle waits for ('' when it waits for nothing)."""
    session.execute(update(Cycle).where(Cycle.id == cycle_id).values(waiting_for=waiting_for))  # type: ignore[arg-type]
    session.commit()


def self_check_done(*, session: Session, cycle_id: int, today: date) -> bool:
    """True when every unit has sent its self-check or the due date has passed."""
    pending = session.exec(
        select(func.count()).select_from(Assessment).where(
            Assessment.cycle_id == cycle_id, Assessment.self_check_status == SelfCheckStatus.PENDING)
    ).one()
    due = self_check_due_on(session=session, cycle_id=cycle_id)
    return pending == 0 or (due is not None and today > due)


def close_self_check(*, session: Session, cycle_id: int, today: date) -> list[int]:
    """Mark units that never sent a self-check as missing, with a daily-assessment record each
    (article 10(1): a deduction basis for the group). Idempotent; returns their unit ids."""
    cycle = cycle_by_id(session, cycle_id)
    missing = session.exec(
        select(Assessment).where(Assessment.cycle_id == cycle_id,
                                 Assessment.self_check_status.in_(  # type: ignore[attr-defined]
                                     [SelfCheckStatus.PENDING, SelfCheckStatus.MISSING]))
    ).all()
    known = set(session.exec(select(DailyRecord.source_key).where(
        DailyRecord.source_key.in_([_missing_key(a) for a in missing]))).all())  # type: ignore[union-attr]
    for assessment in missing:
        assessment.self_check_status = SelfCheckStatus.MISSING
        session.add(assessment)
        if _missing_key(assessment) not in known:
            session.add(DailyRecord(
                year=cycle.year, unit_id=assessment.unit_id, points=Decimal("0.0"),
                method=DailyMethod.DAILY_RECORD, found_on=today, recorded_by=OFFICE_ACTOR,
                finding=f"{cycle.year}年度自查材料截至期限未报送，作为年度考核扣分依据",
                source_key=_missing_key(assessment)))
    session.commit()
    return [a.unit_id for a in missing]


def _missing_key(assessment: Assessment) -> str:
    return f"self-check-missing:{assessment.cycle_id}:{assessment.unit_id}"


