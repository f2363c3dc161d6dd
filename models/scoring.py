"""The scoring rules as pure functions: score, grade, rank and target-performance share.

A unit's score is the sum over regular criteria of max(0, points − deductions on that
criterion), plus the bonus up to its cap, minus the special deductions, never below 0.
The zero item or a falsification finding (article 14) makes it 0 and the grade 不合格.
Outside evaluations the year's scheme weights (article 10(4)) then take their share: with
weights w₁…wₙ (percent) and results r₁…rₙ out of 100, the score is
group × (100 − Σw)/100 + Σ rᵢ × wᵢ/100. A source without a weight is for reference only.
"""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from models.scheme import GradeBand
from models.types import to_points

ZERO = Decimal("0.0")
FAIL_GRADE = "不合格"
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class ScoreInput:
    """Everything one unit's score depends on."""

    points: Mapping[str, Decimal]  # regular criteria of the unit's category → the year's points
    deductions: Iterable[tuple[str, Decimal]] = ()  # (criterion ref, points taken off)
    special_deductions: Iterable[Decimal] = ()
    bonus: Decimal = ZERO
    bonus_cap: Decimal = ZERO
    zeroed: bool = False  # zero item or falsification
    # (result out of 100, weight in percent) of each outside evaluation the scheme counts; a
    # source the unit has no result from is left out, so its share stays with the group's score
    outside: Iterable[tuple[Decimal, Decimal]] = ()


def compute_score(data: ScoreInput) -> Decimal:
    """The unit's score with one decimal place."""
    if data.zeroed:
        return ZERO
    taken: dict[str, Decimal] = {}
    for ref, points in data.deductions:
        if ref not in data.points:
            raise KeyError(f"deduction on {ref}, which is not a regular criterion of this scheme")
        taken[ref] = taken.get(ref, ZERO) + points
    regular = sum(
        (max(ZERO, pts - taken.get(ref, ZERO)) for ref, pts in data.points.items()), start=ZERO
    )
    bonus = min(max(data.bonus, ZERO), data.bonus_cap)
    special = sum((max(d, ZERO) for d in data.special_deductions), start=ZERO)
    group = max(ZERO, regular + bonus - special)
    outside = list(data.outside)
    weight = sum((w for _, w in outside), start=ZERO)
    return to_points(group * (100 - weight) / 100 + sum((r * w for r, w in outside), start=ZERO) / 100)


def grade_for(score: Decimal, bands: list[GradeBand], zeroed: bool = False) -> str:
    """The grade of ``score`` under the scheme's bands; 不合格 whenever the unit was zeroed."""
    if zeroed:
        return FAIL_GRADE
    for band in bands:
        if score >= band.min_score:
            return band.grade
    return bands[-1].grade


def competition_ranks(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Ranks highest first; equal scores share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in scores.items()}


def performance_contribution(score: Decimal, weight: Decimal) -> Decimal:
    """What the score contributes to the annual target-performance assessment (article 13)."""
    return to_points(score * weight / 100)
