"""Daily assessment (article 10(1)): records archived, listed, circulated, refused when wrong."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import Session, select

from models.assessment import DailyRecord
from models.cycle import Cycle
from zwgk.assessment.daily_records import add_daily_record, list_daily_records
from zwgk.core.errors import IntakeError
from zwgk.documents.issue.daily import issue_daily_circular

D = Decimal
TOWN = "青岚镇（演示）"


def _add(session: Session, **kwargs: object) -> DailyRecord:
    base: dict[str, object] = dict(year=2025, unit_name=TOWN, criterion_ref="T033", points=D("0.5"),
                                   method="专项检查", finding="政策解读栏目三个月未更新", by="李四",
                                   on=date(2025, 7, 8))
    return add_daily_record(session, **{**base, **kwargs})  # type: ignore[arg-type]


def test_records_are_archived_once_and_listed_by_unit(session: Session, demo_cycle: Cycle) -> None:
    first = _add(session)
    assert _add(session).id == first.id  # the same finding entered again
    _add(session, unit_name="云雾镇（演示）", criterion_ref="T001", points=D("1.4"), method="随机抽查",
         finding="未专题听取汇报", on=date(2025, 3, 2))
    every = list_daily_records(session, year=2025)
    assert [(r.unit, r.criterion_ref, r.points, r.method) for r in every] == [
        ("云雾镇（演示）", "T001", D("1.4"), "随机抽查"), (TOWN, "T033", D("0.5"), "专项检查")]
    mine = list_daily_records(session, year=2025, unit_name=TOWN)
    assert [(r.finding, r.found_on, r.recorded_by) for r in mine] == [("政策解读栏目三个月未更新", date(2025, 7, 8), "李四")]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"criterion_ref": "D001"}, "指标编号“D001”不是"),  # a department criterion on a township
    ({"criterion_ref": "T092"}, "指标编号“T092”不是"),  # a special item is not a daily deduction
    ({"points": D("2.4")}, "扣分 2.4 应在 0 至指标 T033 的分值 2.3 之间"),
    ({"points": D("-0.1")}, "应在 0 至"),
    ({"method": "座谈会"}, "不是第十条第（一）项的日常考核方式"),
    ({"finding": "  "}, "须填写发现的问题"),
    ({"unit_name": "不存在的单位"}, "不在单位名册中"),
])
def test_bad_records_are_refused(session: Session, demo_cycle: Cycle, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(IntakeError, match=message):
        _add(session, **kwargs)
    assert session.exec(select(DailyRecord)).all() == []


def test_records_appear_in_the_daily_circular(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    _add(session)
    document = issue_daily_circular(session=session, year=2025, on=date(2025, 11, 3), out_dir=tmp_path)
    docx = Document(str(tmp_path / document.path))
    cells = " ".join(cell.text for table in docx.tables for row in table.rows for cell in row.cells)
    assert "政策解读栏目三个月未更新" in cells and TOWN in cells
