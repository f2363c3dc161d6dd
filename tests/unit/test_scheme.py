"""A year's scheme: point overrides (article 8) and the performance weight floor (article 13)."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from models.catalog import CriterionKind, SchemeError, load_catalog, resolve_points
from models.scheme import SchemeConfig
from models.units import Category


@pytest.mark.parametrize("category", list(Category))
def test_default_points_total_100(category: Category) -> None:
    points = resolve_points(load_catalog(category), {})
    regular = [s.ref for s in load_catalog(category) if s.kind is CriterionKind.REGULAR]
    assert sum(points[r] for r in regular) == Decimal("100.0")


def test_override_that_keeps_100_is_accepted() -> None:
    specs = [s for s in load_catalog(Category.TOWNSHIP) if s.kind is CriterionKind.REGULAR]
    a, b = specs[0], specs[1]
    points = resolve_points(load_catalog(Category.TOWNSHIP), {a.ref: a.points + 1, b.ref: b.points - 1})
    assert points[a.ref] == a.points + 1


def test_override_breaking_the_total_is_rejected_with_the_actual_total() -> None:
    first = load_catalog(Category.DEPARTMENT)[0]
    with pytest.raises(SchemeError, match="100.5"):
        resolve_points(load_catalog(Category.DEPARTMENT), {first.ref: first.points + Decimal("0.5")})


def test_unknown_reference_is_rejected() -> None:
    with pytest.raises(SchemeError, match="T999"):
        resolve_points(load_catalog(Category.TOWNSHIP), {"T999": Decimal("1")})


def test_weight_below_four_percent_is_rejected() -> None:
    with pytest.raises(ValidationError, match="4%"):
        SchemeConfig(performance_weight=Decimal("3.9"))
    assert SchemeConfig(performance_weight=Decimal("5")).performance_weight == 5


def test_grade_bands_must_descend_to_zero() -> None:
    with pytest.raises(ValidationError):
        SchemeConfig(grade_bands=[{"grade": "合格", "min_score": 60}, {"grade": "优秀", "min_score": 90}])
