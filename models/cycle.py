"""Annual assessment cycles, gate decisions, and the one transition function."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, update
from sqlmodel import Field, Session, SQLModel, select

from models.audit import append_audit
from models.catalog import (
    Criterion,
    SchemePoint,
    catalog_specs,
    resolve_points,
    sync_catalog,
)
from models.scheme import SchemeConfig
from models.stages import Stage, check_transition
from models.types import utcnow
from models.units import list_categories


class Cycle(SQLModel, table=True):
    """One year's assessment: where it stands and the scheme it follows."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True, unique=True, description="考核年度")
    stage: Stage = Field(default=Stage.DRAFT)
    created_at: datetime = Field(default_factory=utcnow)
    stage_changed_at: datetime = Field(default_factory=utcnow)
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    flow_run_id: str | None = Field(default=None, description="the Prefect run driving this cycle")
    waiting_for: str = Field(default="", description="what the cycle waits for, e.g. gate:scheme")
    run_day: date | None = Field(
        default=None, description="the office date a deployed run keeps throughout (the --today it was "
                                  "started with); None when the run takes each day as it comes")

    @property
    def scheme(self) -> SchemeConfig:
        return SchemeConfig.model_validate(self.config)


class CycleStart(SQLModel, table=True):
    """The office date a cycle was started on (the ``--today`` of its start): a procedure date
    before it is a typo, not catch-up work."""

    __tablename__ = "cycle_start"
    cycle_id: int = Field(primary_key=True, foreign_key="cycle.id")
    started_on: date


class Gate(StrEnum):
    """The three points where people decide (articles 8 and 10(4))."""

    SCHEME = "scheme"
    OFFICE_REVIEW = "office-review"
    LEADING_GROUP = "leading-group"


class GateDecision(SQLModel, table=True):
    """A recorded decision at a gate."""

    __tablename__ = "gate_decision"
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    gate: Gate
    decision: str = Field(description="approve 或 return")
    return_to: str = Field(default="", description="退回到的阶段")
    decided_by: str
    comment: str = ""
    decided_at: datetime = Field(default_factory=utcnow)


class GateOpinion(SQLModel, table=True):
    """A leading-group member's opinion at a gate (not a decision), shown to whoever decides;
    ``round`` is the number of decisions taken at the gate before it."""

    __tablename__ = "gate_opinion"
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    gate: Gate
    round: int = 0
    given_by: str
    comment: str
    given_at: datetime = Field(default_factory=utcnow)


class CycleNotFound(LookupError):
    """No cycle for the year (or the id) asked for."""

    def __init__(self, year: int | None = None, *, cycle_id: int | None = None) -> None:
        if year is not None:
            message = f"{year} 年度考核尚未启动 (no assessment cycle for {year}); 先运行 zwgk cycle start {year}"
        else:
            message = f"没有编号为 {cycle_id} 的考核年度 (no cycle with id {cycle_id})"
        super().__init__(message)
        self.year = year


class StageConflict(RuntimeError):
    """The cycle moved on under us (another process changed its stage first)."""


def get_cycle(session: Session, year: int) -> Cycle:
    """The cycle of ``year`` or CycleNotFound."""
    cycle = session.exec(select(Cycle).where(Cycle.year == year)).first()
    if cycle is None:
        raise CycleNotFound(year)
    return cycle


def cycle_by_id(session: Session, cycle_id: int) -> Cycle:
    """The cycle with id ``cycle_id`` or CycleNotFound."""
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise CycleNotFound(cycle_id=cycle_id)
    return cycle


def returns_to_group(session: Session, *, cycle_id: int) -> int:
    """How many times the scores were sent back to the group (the revision of the scores)."""
    return len(session.exec(
        select(GateDecision.id).where(GateDecision.cycle_id == cycle_id,
                                      GateDecision.return_to == Stage.GROUP_ASSESSMENT)
    ).all())


def create_cycle(*, session: Session, year: int, config: SchemeConfig, actor: str,
                 started_on: date | None = None) -> Cycle:
    """Create the cycle of ``year`` in stage draft with its scheme points (idempotent; commits).

    An existing cycle is returned unchanged. The scheme's points are validated for every
    category before anything of the cycle is written. ``started_on`` (the start's office date)
    is kept so that later procedure dates can be checked against it.
    """
    existing = session.exec(select(Cycle).where(Cycle.year == year)).first()
    if existing is not None:
        return existing
    sync_catalog(session)
    points = {c.key: resolve_points(catalog_specs(session, c.key), config.points)
              for c in list_categories(session)}
    cycle = Cycle(year=year, config=config.model_dump(mode="json"))
    session.add(cycle)
    session.flush()
    criteria = {c.ref: c.id for c in session.exec(select(Criterion)).all()}
    for category_points in points.values():
        for ref, value in category_points.items():
            session.add(SchemePoint(cycle_id=cycle.id, criterion_id=criteria[ref], points=value))
    if started_on is not None:
        session.add(CycleStart(cycle_id=cycle.id, started_on=started_on))
    append_audit(session, actor=actor, action="cycle.create", cycle_id=cycle.id,
                 to_stage=Stage.DRAFT, comment=f"{year} 年度考核")
    session.commit()
    return cycle


def scheme_points(session: Session, cycle_id: int) -> dict[str, Decimal]:
    """The year's points of every criterion, by reference."""
    rows = session.exec(
        select(Criterion.ref, SchemePoint.points)
        .join(SchemePoint, SchemePoint.criterion_id == Criterion.id)  # type: ignore[arg-type]
        .where(SchemePoint.cycle_id == cycle_id)
    ).all()
    return {ref: points for ref, points in rows}


def transition(
    *, session: Session, cycle_id: int, to: Stage, actor: str, comment: str = ""
) -> Cycle:
    """Move a cycle to stage ``to``: check the move, audit it and commit.

    The update is conditional on the stage read, so two processes racing to move the same
    cycle cannot both succeed: the loser gets StageConflict and nothing is written.
    """
    cycle = cycle_by_id(session, cycle_id)
    session.refresh(cycle)
    current = cycle.stage
    meaning = check_transition(current, to)
    now = utcnow()
    result = session.execute(
        update(Cycle)
        .where(Cycle.id == cycle_id, Cycle.stage == current)  # type: ignore[arg-type]
        .values(stage=to, stage_changed_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise StageConflict(f"{cycle.year} 年度考核的阶段已被他人变更 (stage changed concurrently)")
    append_audit(session, actor=actor, action=f"stage: {meaning}", cycle_id=cycle_id,
                 from_stage=current, to_stage=to, comment=comment)
    session.commit()
    session.refresh(cycle)
    return cycle
