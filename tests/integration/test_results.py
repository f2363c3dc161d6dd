"""compute_results and results_table over the demo cycle, against hand-computed figures."""

from decimal import Decimal

from sqlmodel import Session, select

from models.assessment import (
    Assessment,
    Deduction,
    GroupMethod,
    SelfScore,
    SpecialItem,
    SpecialKind,
)
from models.catalog import Criterion
from models.cycle import Cycle
from models.units import Category, Unit, category_labels
from zwgk.results.ranking import compute_results, results_table

D = Decimal


def _assessment(session: Session, cycle: Cycle, unit_name: str) -> Assessment:
    return session.exec(
        select(Assessment).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle.id, Unit.name == unit_name)
    ).one()


def _criterion_id(session: Session, ref: str) -> int:
    return session.exec(select(Criterion.id).where(Criterion.ref == ref)).one()  # type: ignore[return-value]


def _deduct(session: Session, assessment: Assessment, ref: str, points: str) -> None:
    session.add(Deduction(assessment_id=assessment.id, criterion_id=_criterion_id(session, ref),
                          points=D(points), reason="测试扣分", method=GroupMethod.ON_SITE,
                          recorded_by="考核组"))


def _special(session: Session, assessment: Assessment, kind: SpecialKind, points: str) -> None:
    session.add(SpecialItem(assessment_id=assessment.id, kind=kind, points=D(points),
                            reason="测试", recorded_by="办公室"))


def _record_year(session: Session, cycle: Cycle) -> None:
    a = _assessment(session, cycle, "青岚镇（演示）")
    _deduct(session, a, "T001", "1.0")
    _deduct(session, a, "T002", "0.5")
    _special(session, a, SpecialKind.BONUS, "3.0")
    _special(session, a, SpecialKind.SPECIAL_DEDUCTION, "2.0")
    b = _assessment(session, cycle, "云雾镇（演示）")
    _deduct(session, b, "T001", "1.0")
    _deduct(session, b, "T001", "1.0")  # together more than T001's 1.4: the criterion floors at 0
    _special(session, b, SpecialKind.BONUS, "4.0")
    _special(session, b, SpecialKind.BONUS, "3.0")  # 7.0 claimed, capped at the bonus item's 5.0
    c = _assessment(session, cycle, "松涛镇（演示）")
    c.falsified = True
    session.add(c)
    _special(session, _assessment(session, cycle, "白鹭乡（演示）"), SpecialKind.ZERO, "0")
    e = _assessment(session, cycle, "石门镇（演示）")
    for ref, pts in [("T001", "1.4"), ("T002", "1.4"), ("T003", "1.0"), ("T004", "1.0"),
                     ("T005", "0.9"), ("T006", "0.9"), ("T007", "0.9"), ("T008", "0.9"),
                     ("T009", "0.9"), ("T033", "2.3"), ("T038", "2.1"), ("T037", "1.6")]:
        _deduct(session, e, ref, pts)
    session.commit()


def _by_unit(session: Session, cycle: Cycle) -> dict[str, tuple[Decimal | None, str, int | None]]:
    rows = session.exec(
        select(Unit.name, Assessment.score, Assessment.grade, Assessment.rank)
        .join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle.id)
    ).all()
    return {name: (score, grade, rank) for name, score, grade, rank in rows}


def test_scores_grades_and_ranks_match_the_hand_computation(session: Session, demo_cycle: Cycle) -> None:
    _record_year(session, demo_cycle)
    compute_results(session, cycle_id=demo_cycle.id)
    got = _by_unit(session, demo_cycle)
    # 100 − 1.0 − 0.5 + 3.0 bonus − 2.0 special = 99.5
    assert got["青岚镇（演示）"] == (D("99.5"), "优秀", 9)
    # 100 − 1.4 (T001 floored) + 5.0 (bonus cap) = 103.6, alone at the top
    assert got["云雾镇（演示）"] == (D("103.6"), "优秀", 1)
    assert got["松涛镇（演示）"] == (D("0.0"), "不合格", 11)
    assert got["白鹭乡（演示）"] == (D("0.0"), "不合格", 11)
    assert got["石门镇（演示）"] == (D("84.7"), "良好", 10)
    untouched = [v for k, v in got.items() if k.endswith("镇（演示）") and k not in
                 {"青岚镇（演示）", "云雾镇（演示）", "松涛镇（演示）", "石门镇（演示）"}]
    assert untouched and all(v == (D("100.0"), "优秀", 2) for v in untouched)
    departments = session.exec(
        select(Assessment.rank).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == demo_cycle.id, Unit.category == Category.DEPARTMENT)
    ).all()
    assert len(departments) == 25 and set(departments) == {1}  # ranked apart from the townships


def test_recomputing_is_idempotent_and_follows_changes(session: Session, demo_cycle: Cycle) -> None:
    _record_year(session, demo_cycle)
    compute_results(session, cycle_id=demo_cycle.id)
    first = _by_unit(session, demo_cycle)
    compute_results(session, cycle_id=demo_cycle.id)
    assert _by_unit(session, demo_cycle) == first
    _deduct(session, _assessment(session, demo_cycle, "青岚镇（演示）"), "T033", "2.0")
    session.commit()
    compute_results(session, cycle_id=demo_cycle.id)
    assert _by_unit(session, demo_cycle)["青岚镇（演示）"] == (D("97.5"), "优秀", 9)


def test_results_table_flags_self_scores_above_the_groups_by_more_than_the_threshold(
    session: Session, demo_cycle: Cycle
) -> None:
    _record_year(session, demo_cycle)
    for unit, ref, own in [("青岚镇（演示）", "T001", "1.4"),  # group 0.4: gap 1.0, not above 1.0
                           ("青岚镇（演示）", "T002", "1.4"),  # group 0.9: gap 0.5
                           ("云雾镇（演示）", "T001", "1.4"),  # group 0.0: gap 1.4, flagged
                           ("云雾镇（演示）", "T002", "1.4")]:  # no deduction: no gap
        a = _assessment(session, demo_cycle, unit)
        session.add(SelfScore(assessment_id=a.id, criterion_id=_criterion_id(session, ref), points=D(own)))
    session.commit()
    compute_results(session, cycle_id=demo_cycle.id)
    table = results_table(session, cycle_id=demo_cycle.id)
    rows = {r.unit: r for r in table}
    assert rows["青岚镇（演示）"].flagged == []
    assert rows["云雾镇（演示）"].flagged == ["T001"]
    gap = rows["云雾镇（演示）"].gaps[0]
    assert (gap.self_points, gap.group_points, gap.gap) == (D("1.4"), D("0.0"), D("1.4"))
    assert table[0].unit == "云雾镇（演示）" and table[0].rank == 1
    order = list(category_labels(session))
    assert [r.category for r in table] == sorted((r.category for r in table), key=order.index)
    assert rows["松涛镇（演示）"].falsified and rows["松涛镇（演示）"].grade == "不合格"
