"""Special items: the five special deductions, the zero item, the bonus, and falsification (article 14)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import Session, select

from models.assessment import Assessment, SpecialItem, SpecialKind
from models.cycle import Cycle
from models.documents import IssuedDocument
from models.units import Unit
from zwgk.assessment.special_items import add_special_item, record_falsification
from zwgk.core.errors import IntakeError
from zwgk.results.ranking import compute_results

D = Decimal
TOWN = "青岚镇（演示）"


def _assessment(session: Session, unit: str) -> Assessment:
    session.expire_all()
    return session.exec(select(Assessment).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
                        .where(Unit.name == unit)).one()


def _add(session: Session, **kwargs: object) -> SpecialItem:
    base: dict[str, object] = dict(year=2025, unit_name=TOWN, points=None, reason="理由", evidence="", by="办公室")
    return add_special_item(session, **{**base, **kwargs})  # type: ignore[arg-type]


def test_special_deduction_takes_its_items_points_and_is_entered_once(session: Session, demo_cycle: Cycle) -> None:
    item = _add(session, kind="special_deduction", criterion_ref="T092", reason="被市级媒体负面报道",
                evidence="《某日报》2025年5月3日")
    assert item.points == D("2.0") and item.kind is SpecialKind.SPECIAL_DEDUCTION
    again = _add(session, kind="special_deduction", criterion_ref="T092", reason="被市级媒体负面报道")
    assert again.id == item.id and len(session.exec(select(SpecialItem)).all()) == 1
    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]
    assert _assessment(session, TOWN).score == D("98.0")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"kind": "special_deduction"}, "特别减分须用 --criterion 指明"),
    ({"kind": "special_deduction", "criterion_ref": "T001"}, "指标编号“T001”不是"),
    ({"kind": "special_deduction", "criterion_ref": "D099"}, "指标编号“D099”不是"),  # the other annex
    ({"kind": "special_deduction", "criterion_ref": "T092", "points": D("2.5")}, "不超过该项分值 2.0"),
    ({"kind": "bonus", "points": D("3")}, "特别加分须提供典型案例"),
    ({"kind": "bonus", "points": D("6"), "evidence": "案例"}, "不超过该项分值 5.0"),
    ({"kind": "bonus", "evidence": "案例"}, "特别加分须用 --points"),
    ({"kind": "falsification", "by": " "}, "须填写记录人姓名"),
    ({"kind": "falsification", "reason": ""}, "须填写理由"),
    ({"kind": "praise"}, "特别项类型“praise”无效"),
    ({"kind": "zero", "unit_name": "不存在的单位"}, "单位“不存在的单位”不在单位名册中"),
])
def test_bad_special_items_are_refused_and_nothing_is_written(session: Session, demo_cycle: Cycle,
                                                              kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(IntakeError, match=message):
        _add(session, **kwargs)
    assert session.exec(select(SpecialItem)).all() == []
    assert not _assessment(session, TOWN).falsified


def test_zero_item_fails_the_unit_at_once_and_after_computation(session: Session, demo_cycle: Cycle) -> None:
    _add(session, kind="zero", reason="日常工作中弄虚作假")
    assert (_assessment(session, TOWN).score, _assessment(session, TOWN).grade) == (D("0.0"), "不合格")
    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]
    assert (_assessment(session, TOWN).score, _assessment(session, TOWN).grade) == (D("0.0"), "不合格")


def test_falsification_sets_fail_and_issues_the_criticism_notice(session: Session, demo_cycle: Cycle,
                                                                 tmp_path: Path) -> None:
    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]
    assert _assessment(session, TOWN).grade == "优秀"
    item, document = record_falsification(session, year=2025, unit_name=TOWN, reason="自查材料中虚报政策解读数量",
                                          by="张三", on=date(2025, 12, 10), out_dir=tmp_path)
    assessment = _assessment(session, TOWN)
    assert assessment.falsified and assessment.grade == "不合格" and assessment.score == D("0.0")
    assert document.title == f"关于对{TOWN}予以通报批评的通报" and document.number
    text = "\n".join(p.text for p in Document(str(tmp_path / document.path)).paragraphs)
    assert "虚报政策解读数量" in text
    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]
    assessment = _assessment(session, TOWN)
    assert (assessment.score, assessment.grade) == (D("0.0"), "不合格")
    again_item, again_doc = record_falsification(session, year=2025, unit_name=TOWN, reason="自查材料中虚报政策解读数量",
                                                 by="张三", on=date(2025, 12, 10), out_dir=tmp_path)
    assert (again_item.id, again_doc.id) == (item.id, document.id)
    assert len(session.exec(select(IssuedDocument)).all()) == 1
