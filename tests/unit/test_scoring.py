"""Property tests of the scoring rules (models/scoring.py) and the scheme's weight floor."""

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from models.scheme import SchemeConfig
from models.scoring import (
    FAIL_GRADE,
    ScoreInput,
    competition_ranks,
    compute_score,
    grade_for,
)
from models.types import to_points

BANDS = SchemeConfig().grade_bands
tenths = st.integers(min_value=0, max_value=300).map(lambda n: to_points(Decimal(n) / 10))
points_maps = st.dictionaries(st.sampled_from([f"T{i:03d}" for i in range(1, 30)]), tenths, min_size=1)


@st.composite
def score_inputs(draw: st.DrawFn) -> ScoreInput:
    points = draw(points_maps)
    refs = sorted(points)
    deductions = draw(st.lists(st.tuples(st.sampled_from(refs), tenths), max_size=20))
    return ScoreInput(points=points, deductions=deductions,
                      special_deductions=draw(st.lists(tenths, max_size=5)),
                      bonus=draw(tenths), bonus_cap=draw(tenths), zeroed=draw(st.booleans()))


@given(score_inputs())
def test_score_stays_between_zero_and_full_marks_plus_bonus_cap(data: ScoreInput) -> None:
    score = compute_score(data)
    assert Decimal(0) <= score <= sum(data.points.values()) + data.bonus_cap
    assert score == to_points(score)


@given(score_inputs(), tenths, st.data())
def test_another_deduction_never_raises_the_score(data: ScoreInput, extra: Decimal, pick: st.DataObject) -> None:
    ref = pick.draw(st.sampled_from(sorted(data.points)))
    more = ScoreInput(points=data.points, deductions=[*data.deductions, (ref, extra)],
                      special_deductions=data.special_deductions, bonus=data.bonus,
                      bonus_cap=data.bonus_cap, zeroed=data.zeroed)
    assert compute_score(more) <= compute_score(data)
    assert compute_score(ScoreInput(points=data.points, deductions=data.deductions,
                                    special_deductions=[*data.special_deductions, extra], bonus=data.bonus,
                                    bonus_cap=data.bonus_cap, zeroed=data.zeroed)) <= compute_score(data)


@given(score_inputs())
def test_zero_item_or_falsification_gives_zero_and_fail(data: ScoreInput) -> None:
    zeroed = ScoreInput(points=data.points, deductions=data.deductions, bonus=data.bonus,
                        bonus_cap=data.bonus_cap, zeroed=True)
    assert compute_score(zeroed) == Decimal("0.0")
    assert grade_for(Decimal("100"), BANDS, zeroed=True) == FAIL_GRADE


@given(st.dictionaries(st.integers(0, 60), tenths, min_size=1), st.randoms())
def test_ranks_depend_only_on_scores(scores: dict[int, Decimal], rnd: random.Random) -> None:
    ranks = competition_ranks(scores)
    for key, score in scores.items():
        assert ranks[key] == 1 + sum(1 for other in scores.values() if other > score)
    items = list(scores.items())
    rnd.shuffle(items)
    assert competition_ranks(dict(items)) == ranks


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    assert competition_ranks({"a": Decimal("99"), "b": Decimal("95"), "c": Decimal("95"), "d": Decimal("90")}) == {
        "a": 1, "b": 2, "c": 2, "d": 4}


@given(tenths, tenths)
def test_a_higher_score_never_gets_a_lower_grade(a: Decimal, b: Decimal) -> None:
    order = [band.grade for band in BANDS]
    low, high = sorted((a, b))
    assert order.index(grade_for(high, BANDS)) <= order.index(grade_for(low, BANDS))


@pytest.mark.parametrize(("score", "grade"), [("100", "优秀"), ("90.0", "优秀"), ("89.9", "良好"), ("80", "良好"),
                                              ("79.9", "合格"), ("60", "合格"), ("59.9", "不合格"), ("0", "不合格")])
def test_grade_band_edges(score: str, grade: str) -> None:
    assert grade_for(Decimal(score), BANDS) == grade


@pytest.mark.parametrize("weight", ["3.9", "0", "-4"])
def test_weight_below_four_percent_is_rejected(weight: str) -> None:
    with pytest.raises(ValidationError, match="低于第十三条规定的 4%"):
        SchemeConfig(performance_weight=Decimal(weight))
    assert SchemeConfig(performance_weight=Decimal("4")).performance_weight == Decimal("4")


def test_weighted_outside_results_take_their_share_and_zeroing_still_wins() -> None:
    points = {"A": Decimal("60.0"), "B": Decimal("40.0")}
    group = ScoreInput(points=points, deductions=[("A", Decimal("10.0"))], outside=[(Decimal("80.0"), Decimal("10")), (Decimal("50.0"), Decimal("5"))])
    assert compute_score(group) == Decimal("87.0")  # 90 × 85% + 80 × 10% + 50 × 5% = 76.5 + 8 + 2.5
    assert compute_score(ScoreInput(points=points, zeroed=True, outside=[(Decimal("100"), Decimal("10"))])) == Decimal("0.0")
    assert compute_score(ScoreInput(points=points, outside=[])) == Decimal("100.0")
