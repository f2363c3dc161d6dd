"""Use of results (article 13): target-performance export and commendation proposal."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.assessment import Assessment, Deduction, GroupMethod
from models.catalog import Criterion
from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.rectification import RectificationItem, RectificationState
from models.units import Category, Unit
from zwgk.assessment.special_items import add_special_item
from zwgk.core.errors import IntakeError
from zwgk.results.exports import (
    TARGET_HEADERS,
    export_target_performance,
    propose_commendation,
)
from zwgk.results.ranking import compute_results

D = Decimal


def _assessment(session: Session, unit: str) -> Assessment:
    return session.exec(select(Assessment).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
                        .where(Unit.name == unit)).one()


def _rectification(session: Session, cycle: Cycle, unit: str, state: RectificationState,
                   deadline: DeadlineState) -> None:
    a = _assessment(session, unit)
    session.add(RectificationItem(assessment_id=a.id, problems="栏目更新不及时", state=state,  # type: ignore[arg-type]
                                  feedback_on=date(2026, 1, 5)))
    session.add(Deadline(cycle_id=cycle.id, unit_id=a.unit_id, kind=DeadlineKind.RECTIFICATION_DONE,  # type: ignore[arg-type]
                         starts_on=date(2026, 1, 5), due_on=date(2026, 2, 20), basis="第十一条", state=deadline))


@pytest.fixture
def computed(session: Session, demo_cycle: Cycle) -> Cycle:
    """Results where 白鹭乡 is 良好 (−15.3), 松涛镇 falsified, 石门镇 overdue, 望山镇 overdue but verified."""
    a = _assessment(session, "白鹭乡（演示）")
    for ref, pts in [("T001", "1.4"), ("T002", "1.4"), ("T003", "1.0"), ("T004", "1.0"), ("T005", "0.9"),
                     ("T006", "0.9"), ("T007", "0.9"), ("T008", "0.9"), ("T009", "0.9"), ("T033", "2.3"),
                     ("T038", "2.1"), ("T037", "1.6")]:
        cid = session.exec(select(Criterion.id).where(Criterion.ref == ref)).one()
        session.add(Deduction(assessment_id=a.id, criterion_id=cid, points=D(pts), reason="测试",  # type: ignore[arg-type]
                              method=GroupMethod.ON_SITE, recorded_by="考核组"))
    _rectification(session, demo_cycle, "石门镇（演示）", RectificationState.PLAN_RECEIVED, DeadlineState.OVERDUE)
    _rectification(session, demo_cycle, "望山镇（演示）", RectificationState.VERIFIED, DeadlineState.OVERDUE)
    session.commit()
    add_special_item(session, year=2025, unit_name="松涛镇（演示）", kind="falsification", points=None,
                     reason="虚报数据", evidence="", by="张三")
    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]
    return demo_cycle


def test_target_performance_export_weights_each_score(session: Session, computed: Cycle, tmp_path: Path) -> None:
    path = export_target_performance(session, year=2025, path=tmp_path / "绩效.xlsx")
    rows = list(load_workbook(path).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert list(rows[0]) == TARGET_HEADERS and len(rows) == 41
    by_unit = {r[0]: r for r in rows[1:]}
    assert by_unit["白鹭乡（演示）"][2:] == (84.7, "良好", 11, 4, 3.4)  # 84.7 × 4% = 3.388 → 3.4
    assert by_unit["松涛镇（演示）"][2:] == (0, "不合格", 12, 4, 0)
    assert by_unit["青岚镇（演示）"][2:] == (100, "优秀", 1, 4, 4)


def test_commendation_proposes_top_grade_units_without_falsification_or_overdue_rectification(
    session: Session, computed: Cycle
) -> None:
    candidates = {c.unit: c for c in propose_commendation(session, year=2025)}
    assert "白鹭乡（演示）" not in candidates and "松涛镇（演示）" not in candidates
    assert candidates["石门镇（演示）"].proposed is False
    assert candidates["石门镇（演示）"].held_back_because == "整改逾期未完成（第十一条）"
    assert candidates["望山镇（演示）"].proposed is True
    proposed = [c for c in candidates.values() if c.proposed]
    # 12 townships less 白鹭乡, 松涛镇 and 石门镇; every department; the three units assessed by reference
    assert len(proposed) == 9 + 25 + 3
    assert {c.category for c in proposed} == {Category.TOWNSHIP, Category.DEPARTMENT, "enterprise"}


def test_exports_wait_for_computed_results(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match="考核结果尚未计算"):
        export_target_performance(session, year=2025, path=tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
