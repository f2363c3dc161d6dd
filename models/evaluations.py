"""Outside evaluations of the units: third-party evaluation and public-opinion survey
(article 10(4)), and how a year's scheme counts them."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import Points, utcnow


class EvaluationSource(StrEnum):
    """Who assessed the unit from outside (the values are what staff type)."""

    THIRD_PARTY = "第三方评估"
    SURVEY = "民意调查"


class Measure(StrEnum):
    """What the result is: a score out of 100 or a satisfaction rate in percent."""

    SCORE = "score"  # 得分（百分制）
    RATE = "rate"  # 满意率（%）


MEASURE_LABELS: dict[Measure, str] = {Measure.SCORE: "得分", Measure.RATE: "满意率"}


class OutsideEvaluation(SQLModel, table=True):
    """One unit's result from one outside source in one cycle (importing again replaces it)."""

    __tablename__ = "outside_evaluation"
    __table_args__ = (UniqueConstraint("cycle_id", "unit_id", "source"),)
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    source: EvaluationSource
    measure: Measure
    value: Decimal = Field(sa_type=Points, description="得分或满意率，0 至 100")
    sample_size: int = Field(ge=1, description="样本量")
    provider: str = Field(description="评估机构或调查单位")
    file_name: str = ""
    file_sha256: str = ""
    imported_by: str
    imported_at: datetime = Field(default_factory=utcnow)

    @property
    def text(self) -> str:
        """The result as staff read it: 得分 85.0 or 满意率 92.5%."""
        unit = "%" if self.measure is Measure.RATE else ""
        return f"{MEASURE_LABELS[self.measure]} {self.value}{unit}（样本 {self.sample_size}，{self.provider}）"
