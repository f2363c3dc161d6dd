"""Deadlines as rows, and the reminders sent about them (articles 10(3) and 11)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, column, func
from sqlmodel import Field, Session, SQLModel, select

from models.types import utcnow


class DeadlineKind(StrEnum):
    SELF_CHECK = "self_check"  # 自查材料报送
    GROUP_SCORING = "group_scoring"  # 考核组评分
    RECTIFICATION_PLAN = "rectification_plan"  # 整改方案报送
    RECTIFICATION_DONE = "rectification_done"  # 整改完成
    ANNUAL_REPORT = "annual_report"  # 政府信息公开工作年度报告（条例第四十九条：每年1月31日前）


DEADLINE_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.SELF_CHECK: "报送自查材料",
    DeadlineKind.GROUP_SCORING: "完成考核评分",
    DeadlineKind.RECTIFICATION_PLAN: "报送整改方案",
    DeadlineKind.RECTIFICATION_DONE: "完成整改并报送整改报告",
    DeadlineKind.ANNUAL_REPORT: "报送政府信息公开工作年度报告",
}


DEADLINE_BASIS: dict[DeadlineKind, str] = {
    DeadlineKind.SELF_CHECK: "第十条第（三）项",
    DeadlineKind.GROUP_SCORING: "第十条第（四）项",
    DeadlineKind.RECTIFICATION_PLAN: "第十一条",
    DeadlineKind.RECTIFICATION_DONE: "第十一条",
    # Set by the statute, not by the measures: the basis names its act (see cited_basis).
    DeadlineKind.ANNUAL_REPORT: "《中华人民共和国政府信息公开条例》第四十九条、第五十条",
}


def cited_basis(basis: str, measures: str) -> tuple[str, str]:
    """The act a deadline's basis cites and the article in it: a basis that names its act
    (《…》第五十条) keeps it; one that does not (第十条第（三）项) is an article of the measures."""
    if basis.startswith("《") and "》" in basis:
        act, _, article = basis[1:].partition("》")
        return act, article
    return measures, basis

RECTIFICATION_KINDS: frozenset[DeadlineKind] = frozenset(
    {DeadlineKind.RECTIFICATION_PLAN, DeadlineKind.RECTIFICATION_DONE}
)


class DeadlineState(StrEnum):
    OPEN = "open"
    MET = "met"
    OVERDUE = "overdue"
    WAIVED = "waived"


class Deadline(SQLModel, table=True):
    """A due date for one unit (or for the group when unit_id is None)."""

    __table_args__ = (
        UniqueConstraint("cycle_id", "kind", "unit_id", "round"),
        # NULLs never collide in a unique constraint, so the group's deadline (no unit)
        # needs its own partial index to stay single under concurrent creation.
        Index(
            "uq_deadline_group", "cycle_id", "kind", "round", unique=True,
            sqlite_where=column("unit_id").is_(None), postgresql_where=column("unit_id").is_(None),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    kind: DeadlineKind
    round: int = Field(default=1, description="reopened rectifications get a new round")
    starts_on: date = Field(description="the triggering event; counting starts the day after")
    due_on: date = Field(index=True)
    basis: str = Field(description="legal basis, e.g. 第十条第（三）项")
    state: DeadlineState = Field(default=DeadlineState.OPEN, index=True)
    met_on: date | None = None
    escalated_on: date | None = None
    next_action_on: date | None = Field(
        default=None, index=True,
        description="the day the next reminder slot fires: sweeps judge only deadlines due by then "
                    "(None: not computed yet, judged by the next sweep)")


class ReminderStatus(StrEnum):
    SENDING = "sending"  # claimed by a sweep that is sending it now
    SENT = "sent"
    FAILED = "failed"  # retried by the next sweep
    NO_EMAIL = "no_email"  # unit has no address: staff must call
    NO_SMTP = "no_smtp"  # no SMTP host configured: notice issued, not emailed
    SKIPPED = "skipped"  # superseded: no sweep ran on its day and a later slot fell due


class Reminder(SQLModel, table=True):
    """One reminder slot of one deadline; the unique key makes each slot fire once."""

    __table_args__ = (UniqueConstraint("deadline_id", "slot"),)
    id: int | None = Field(default=None, primary_key=True)
    deadline_id: int = Field(foreign_key="deadline.id", index=True)
    slot: str = Field(description="before-3, before-1, due, overdue-1…, escalation")
    due_on: date = Field(description="the day this slot fires")
    status: ReminderStatus
    attempts: int = 0
    last_error: str = ""
    document_id: int | None = Field(default=None, foreign_key="document_register.id")
    sent_at: datetime | None = None
    claim: str = Field(default="", description="token of the sweep that claimed the slot")
    claimed_at: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)


def self_check_due_on(*, session: Session, cycle_id: int) -> date | None:
    """The self-check due date of the cycle (the latest unit deadline), if deadlines are open."""
    return session.exec(
        select(func.max(Deadline.due_on)).where(
            Deadline.cycle_id == cycle_id, Deadline.kind == DeadlineKind.SELF_CHECK)
    ).one()
