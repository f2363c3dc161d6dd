"""Scores, grades and ranks of a cycle from what the group and the office recorded.

Only the group's Deduction rows count against regular criteria. Daily-assessment records
reach the score through the group's score workbook, where they are pre-filled as deductions
the group keeps, changes or strikes out (article 10(4): "combined with daily records"), so a
daily record is never counted twice.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from models.assessment import Assessment, Deduction, SelfScore, SpecialItem, SpecialKind
from models.catalog import Criterion, CriterionKind
from models.cycle import cycle_by_id, scheme_points
from models.evaluations import OutsideEvaluation
from models.scoring import ZERO, ScoreInput, competition_ranks, compute_score, grade_for
from models.units import Unit, list_categories

ZEROING_KINDS = frozenset({SpecialKind.ZERO, SpecialKind.FALSIFICATION})


@dataclass(frozen=True)
class CriterionGap:
    """A criterion where the unit scored itself higher than the group did."""

    ref: str
    text: str
    self_points: Decimal
    group_points: Decimal

    @property
    def gap(self) -> Decimal:
        return self.self_points - self.group_points


@dataclass(frozen=True)
class ResultRow:
    """One unit's line of the results table."""

    unit_id: int
    unit: str
    category: str
    self_score: Decimal | None
    score: Decimal | None
    grade: str
    rank: int | None
    falsified: bool
    gaps: tuple[CriterionGap, ...] = field(default=())

    @property
    def flagged(self) -> list[str]:
        """References of the criteria the group should look at again."""
        return [g.ref for g in self.gaps]


@dataclass(frozen=True)
class _CategoryScheme:
    regular: dict[str, Decimal]  # ref → the year's points
    bonus_cap: Decimal


def _category_schemes(session: Session, cycle_id: int) -> dict[str, _CategoryScheme]:
    points = scheme_points(session, cycle_id)
    regular: dict[str, dict[str, Decimal]] = defaultdict(dict)
    bonus: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ref, category, kind in session.exec(
        select(Criterion.ref, Criterion.category, Criterion.kind).order_by(Criterion.seq)
    ):
        if ref not in points:
            continue
        if kind is CriterionKind.REGULAR:
            regular[category][ref] = points[ref]
        elif kind is CriterionKind.BONUS:
            bonus[category] += points[ref]
    return {c.key: _CategoryScheme(regular=regular[c.key], bonus_cap=bonus[c.key])
            for c in list_categories(session)}


def _points_by_assessment(session: Session, cycle_id: int,
                          model: type[Deduction] | type[SelfScore]) -> dict[int, list[tuple[str, Decimal]]]:
    """(criterion ref, points) of every Deduction or SelfScore row of the cycle, per assessment."""
    found: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    for aid, ref, points in session.exec(
        select(model.assessment_id, Criterion.ref, model.points)
        .join(Criterion, Criterion.id == model.criterion_id)  # type: ignore[arg-type]
        .join(Assessment, Assessment.id == model.assessment_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle_id)
        .order_by(Criterion.seq)
    ):
        found[aid].append((ref, points))
    return found


def compute_results(session: Session, *, cycle_id: int) -> None:
    """Compute and store every assessment's score, grade and rank in its category (commits).

    Idempotent: the same records always give the same values. A unit the group has not scored
    yet counts as having no deductions; the group-assessment flow computes once all are scored.
    """
    values = computed_results(session, cycle_id=cycle_id)
    if values:
        # One executemany UPDATE by primary key instead of one statement per unit.
        session.execute(update(Assessment), [{"id": aid, **v} for aid, v in values.items()])
    session.commit()


def computed_results(session: Session, *, cycle_id: int) -> dict[int, dict[str, Any]]:
    """Every assessment's score, grade and rank as the records give them, by assessment id
    (nothing stored).

    Score: regular criteria less the group's deductions, plus the bonus up to the bonus
    criterion's points, less the special deductions, blended with the outside evaluations the
    scheme weights (models.scoring); 0 and 不合格 when the unit falsified
    (article 14) or has a zero item. Ranks are per category, ties share a rank (1, 2, 2, 4).
    """
    cycle = cycle_by_id(session, cycle_id)
    bands = cycle.scheme.grade_bands
    schemes = _category_schemes(session, cycle_id)
    taken = _points_by_assessment(session, cycle_id, Deduction)
    specials: dict[int, list[SpecialItem]] = defaultdict(list)
    for item in session.exec(
        select(SpecialItem).join(Assessment, Assessment.id == SpecialItem.assessment_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle_id)
    ):
        specials[item.assessment_id].append(item)
    weights = cycle.scheme.outside_weights
    outside: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)  # unit id → counted results
    for unit_id, source, value in session.exec(
        select(OutsideEvaluation.unit_id, OutsideEvaluation.source, OutsideEvaluation.value)
        .where(OutsideEvaluation.cycle_id == cycle_id)
    ):
        if source in weights:
            outside[unit_id].append((value, weights[source]))

    values: dict[int, dict[str, Any]] = {}
    by_category: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for aid, unit_id, falsified, category in session.exec(
        select(Assessment.id, Assessment.unit_id, Assessment.falsified, Unit.category)
        .join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle_id)
    ):
        assert aid is not None
        items = specials[aid]
        zeroed = falsified or any(i.kind in ZEROING_KINDS for i in items)
        scheme = schemes[category]
        score = compute_score(ScoreInput(
            points=scheme.regular,
            deductions=taken[aid],
            special_deductions=[i.points for i in items if i.kind is SpecialKind.SPECIAL_DEDUCTION],
            bonus=sum((i.points for i in items if i.kind is SpecialKind.BONUS), start=ZERO),
            bonus_cap=scheme.bonus_cap,
            zeroed=zeroed,
            outside=outside[unit_id],
        ))
        values[aid] = {"score": score, "grade": grade_for(score, bands, zeroed)}
        by_category[category][aid] = score
    for scores in by_category.values():
        for aid, rank in competition_ranks(scores).items():
            values[aid]["rank"] = rank
    return values


def results_table(session: Session, *, cycle_id: int) -> list[ResultRow]:
    """Every unit's self-score beside the group's score, grade and rank, by category and rank.

    A criterion is flagged when the unit's self-score on it exceeds the group's score on it
    (its points less the group's deductions) by more than the scheme's threshold: a signal
    for the group to look again, not a finding.
    """
    cycle = cycle_by_id(session, cycle_id)
    threshold = cycle.scheme.self_score_gap_threshold
    points = scheme_points(session, cycle_id)
    taken = _points_by_assessment(session, cycle_id, Deduction)
    texts = dict(session.exec(select(Criterion.ref, Criterion.text)).all())
    self_scores = _points_by_assessment(session, cycle_id, SelfScore)

    rows = []
    for assessment, unit in session.exec(
        select(Assessment, Unit).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle_id)
        .execution_options(populate_existing=True)  # scores were just written by a bulk UPDATE
    ):
        assert assessment.id is not None and unit.id is not None
        lost: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for ref, value in taken[assessment.id]:
            lost[ref] += value
        gaps = []
        for ref, own in self_scores[assessment.id]:
            group = max(ZERO, points.get(ref, ZERO) - lost[ref])
            if own - group > threshold:
                gaps.append(CriterionGap(ref=ref, text=texts[ref], self_points=own, group_points=group))
        rows.append(ResultRow(
            unit_id=unit.id, unit=unit.name, category=unit.category,
            self_score=assessment.self_score, score=assessment.score, grade=assessment.grade,
            rank=assessment.rank, falsified=assessment.falsified, gaps=tuple(gaps),
        ))
    order = [c.key for c in list_categories(session)]
    rows.sort(key=lambda r: (order.index(r.category), r.rank is None, r.rank or 0, r.unit_id))
    return rows
