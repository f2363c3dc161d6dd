"""Per-unit assessments and what they are scored from: self-scores, deductions,
daily-assessment records and special items (articles 10 and 14)."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from models.types import Points, utcnow
from models.units import Unit


class SelfCheckStatus(StrEnum):
    PENDING = "pending"  # 未报送（未到期）
    RECEIVED = "received"  # 按时报送
    LATE = "late"  # 逾期报送
    MISSING = "missing"  # 到期未报送


class GroupMethod(StrEnum):
    """The six ways the assessment group establishes a deduction (article 10(4))."""

    SYMPOSIUM = "座谈会"
    SELF_CHECK_REPORT = "自查汇报"
    ON_SITE = "实地核查"
    THIRD_PARTY = "第三方评估"
    SURVEY = "民意调查"
    DAILY = "日常考核"


class DailyMethod(StrEnum):
    """How the office found a problem during the year (article 10(1))."""

    SPOT_CHECK = "随机抽查"
    SPECIAL_INSPECTION = "专项检查"
    DAILY_RECORD = "日常记录"
    MONITORING = "日常监测"  # findings of website monitoring confirmed by the office (zwgk.sites)


class Assessment(SQLModel, table=True):
    """One unit's assessment in one cycle."""

    __table_args__ = (UniqueConstraint("cycle_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    self_check_status: SelfCheckStatus = SelfCheckStatus.PENDING
    self_check_received_on: date | None = None
    self_check_sha256: str = ""
    self_score: Decimal | None = Field(default=None, sa_type=Points)
    scored: bool = Field(default=False, description="考核组已评分")
    score: Decimal | None = Field(default=None, sa_type=Points)
    grade: str = ""
    rank: int | None = None
    falsified: bool = Field(default=False, description="弄虚作假（第十四条）")


class SelfScore(SQLModel, table=True):
    """A unit's self-score on one criterion."""

    __tablename__ = "self_score"
    __table_args__ = (UniqueConstraint("assessment_id", "criterion_id"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id")
    points: Decimal = Field(sa_type=Points)
    explanation: str = ""


SELF_CHECK_LABELS: dict[SelfCheckStatus, str] = {
    SelfCheckStatus.PENDING: "未报送",
    SelfCheckStatus.RECEIVED: "按时报送",
    SelfCheckStatus.LATE: "逾期报送",
    SelfCheckStatus.MISSING: "未报送（已截止）",
}


class Deduction(SQLModel, table=True):
    """Points the assessment group takes off one criterion, with its reason and method."""

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id")
    points: Decimal = Field(sa_type=Points)
    reason: str
    method: GroupMethod
    evidence: str = ""
    daily_record_id: int | None = Field(default=None, foreign_key="daily_record.id")
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)


class DailyRecord(SQLModel, table=True):
    """A problem found during the year, archived as a deduction basis (article 10(1))."""

    __tablename__ = "daily_record"
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    criterion_id: int | None = Field(default=None, foreign_key="criterion.id")
    points: Decimal = Field(sa_type=Points)
    method: DailyMethod
    finding: str
    found_on: date
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)
    source_key: str | None = Field(
        default=None, unique=True,
        description="identifies what created the record (a rule, or the same finding entered "
                    "again), so re-runs add none"
    )


class SpecialKind(StrEnum):
    SPECIAL_DEDUCTION = "special_deduction"  # 特别减分
    ZERO = "zero"  # 直接归零
    BONUS = "bonus"  # 特别加分
    FALSIFICATION = "falsification"  # 弄虚作假（第十四条）


class SpecialItem(SQLModel, table=True):
    """A special deduction, the zero item, a bonus, or a falsification finding."""

    __tablename__ = "special_item"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    criterion_id: int | None = Field(default=None, foreign_key="criterion.id")
    kind: SpecialKind
    points: Decimal = Field(default=Decimal("0.0"), sa_type=Points)
    reason: str
    evidence: str = ""
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)


class ScoreConfirmation(SQLModel, table=True):
    """The group's confirmation of its scores (article 10(4)): the figures it saw on the preview
    (a digest of every unit's score, grade and rank), for one revision of the scores (the times
    they were sent back to the group). The group stage finishes only on a confirmation whose
    digest is still that of the figures."""

    __tablename__ = "score_confirmation"
    __table_args__ = (UniqueConstraint("cycle_id", "revision", "digest"),)
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    revision: int = 0
    digest: str = Field(description="SHA-256 of the confirmed figures")
    confirmed_by: str
    confirmed_at: datetime = Field(default_factory=utcnow)


def assessed_units(session: Session, cycle_id: int) -> list[tuple[Assessment, Unit]]:
    """Every unit assessed in the cycle with its assessment, in register order (unit id)."""
    return list(session.exec(
        select(Assessment, Unit).join(Unit, col(Unit.id) == Assessment.unit_id)
        .where(Assessment.cycle_id == cycle_id).order_by(col(Unit.id))
    ).all())
