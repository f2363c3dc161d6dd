"""A year's scheme settings beyond the points: grades, weight, periods, reminders (articles 8, 13)."""

from decimal import Decimal

from pydantic import BaseModel, Field, field_validator

from models.evaluations import EvaluationSource
from models.types import to_points

MIN_PERFORMANCE_WEIGHT = Decimal("4")


class GradeBand(BaseModel):
    """A grade and the lowest score that earns it."""

    grade: str
    min_score: Decimal


def _default_bands() -> list[GradeBand]:
    return [
        GradeBand(grade="优秀", min_score=Decimal("90")),
        GradeBand(grade="良好", min_score=Decimal("80")),
        GradeBand(grade="合格", min_score=Decimal("60")),
        GradeBand(grade="不合格", min_score=Decimal("0")),
    ]


class Periods(BaseModel):
    """Working-day periods from the triggering event to each due date."""

    self_check_days: int = Field(default=10, ge=1, description="自查材料报送期限（工作日）")
    group_scoring_days: int = Field(default=15, ge=1, description="考核组评分期限（工作日）")
    rectification_plan_days: int = Field(default=10, ge=1, description="整改方案报送期限（工作日）")
    rectification_done_days: int = Field(default=30, ge=1, description="整改完成期限（工作日）")


class ReminderPolicy(BaseModel):
    """When late units are reminded and when they are escalated."""

    before_days: list[int] = Field(default_factory=lambda: [3, 1], description="到期前第几个工作日提醒")
    on_due_date: bool = True
    overdue_every: int = Field(default=2, ge=1, description="逾期后每隔几个工作日催办")
    max_reminders: int = Field(default=3, ge=1, description="逾期催办次数上限，之后督办")


class SchemeConfig(BaseModel):
    """Everything a year's implementation scheme fixes besides the criteria texts."""

    grade_bands: list[GradeBand] = Field(default_factory=_default_bands)
    performance_weight: Decimal = Field(
        default=Decimal("4"), description="纳入年度目标绩效考核的分值权重（%），不低于 4"
    )
    periods: Periods = Field(default_factory=Periods)
    reminders: ReminderPolicy = Field(default_factory=ReminderPolicy)
    self_score_gap_threshold: Decimal = Field(
        default=Decimal("1.0"), description="自评分高出考核组评分多少分时提示核查"
    )
    points: dict[str, Decimal] = Field(default_factory=dict, description="按指标编号调整分值")
    outside_weights: dict[EvaluationSource, Decimal] = Field(
        default_factory=dict,
        description="第三方评估、民意调查结果计入考核得分的权重（%）；未列出的来源仅供参考",
    )

    @field_validator("performance_weight")
    @classmethod
    def _weight_at_least_four(cls, value: Decimal) -> Decimal:
        if value < MIN_PERFORMANCE_WEIGHT:
            raise ValueError(
                f"目标绩效考核权重 {value}% 低于第十三条规定的 4% "
                f"(weight {value} is below the 4% floor of article 13)"
            )
        return value

    @field_validator("grade_bands")
    @classmethod
    def _bands_descending(cls, bands: list[GradeBand]) -> list[GradeBand]:
        mins = [b.min_score for b in bands]
        if not bands or mins != sorted(mins, reverse=True) or mins[-1] != 0:
            raise ValueError("等次分数线须从高到低排列，最后一档下限为 0 (grade bands must descend to 0)")
        return bands

    @field_validator("points")
    @classmethod
    def _one_place(cls, points: dict[str, Decimal]) -> dict[str, Decimal]:
        return {ref: to_points(v) for ref, v in points.items()}

    @field_validator("outside_weights")
    @classmethod
    def _weights_leave_the_group_a_share(
        cls, weights: dict[EvaluationSource, Decimal]
    ) -> dict[EvaluationSource, Decimal]:
        if any(w <= 0 for w in weights.values()) or sum(weights.values(), Decimal(0)) >= 100:
            raise ValueError("外部评价权重须大于 0，合计小于 100% (outside weights must be above 0 "
                             "and total below 100%)")
        return {source: to_points(w) for source, w in weights.items()}

    def outside_counts(self, source: EvaluationSource) -> str:
        """How results of ``source`` count: 按10%的权重计入考核得分, or 仅供参考，不计入考核得分."""
        weight = self.outside_weights.get(source)
        return "仅供参考，不计入考核得分" if weight is None else f"按{weight.normalize():f}%的权重计入考核得分"

    def outside_rule(self) -> str:
        """How the scheme counts outside evaluations, as the scheme notice states it."""
        return "；".join(f"{source.value}结果{self.outside_counts(source)}" for source in EvaluationSource)
