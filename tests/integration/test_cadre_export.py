"""Article 13(3): the results sent to the cadre department and the discipline inspection organ,
read back from the .xlsx and the covering letter."""

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.audit import AuditEntry
from models.cycle import Cycle
from models.stages import Stage
from models.units import Unit
from tests.integration.test_exports import computed  # noqa: F401  (fixture)
from zwgk.assessment.special_items import record_falsification
from zwgk.core.errors import IntakeError
from zwgk.documents.register import document_path
from zwgk.results.cadre import HEADERS, export_cadre
from zwgk.results.ranking import compute_results

ON = date(2026, 4, 1)


@pytest.fixture
def approved(session: Session, computed: Cycle, tmp_path: Path) -> Cycle:  # noqa: F811
    """The computed results approved by the leading group, 松涛镇's falsification with its
    criticism notice, and 石门镇's rectification still open."""
    record_falsification(session, year=2025, unit_name="松涛镇（演示）", reason="虚报数据", by="张三",
                         on=date(2026, 2, 4), out_dir=tmp_path / "out")
    compute_results(session, cycle_id=computed.id)  # type: ignore[arg-type]
    computed.stage = Stage.RECTIFICATION
    session.add(computed)
    session.commit()
    return computed


def _paragraph_text(path: Path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_every_unit_is_listed_with_the_falsified_one_marked(session: Session, approved: Cycle,
                                                            tmp_path: Path) -> None:
    result = export_cadre(session, year=2025, path=tmp_path / "干部.xlsx", on=ON, by="王晓岚",
                          out_dir=tmp_path / "out")
    rows = list(load_workbook(result.path).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert list(rows[0]) == HEADERS and len(rows) == 41
    by_unit = {r[2]: dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    falsified = by_unit["松涛镇（演示）"]
    assert falsified["等次"] == "不合格" and falsified["考核得分"] == 0
    assert falsified["弄虚作假认定"].startswith("虚报数据（已通报批评，")
    assert "〔2026〕" in falsified["弄虚作假认定"]
    assert [u for u, r in by_unit.items() if r["弄虚作假认定"]] == ["松涛镇（演示）"]
    white = by_unit["白鹭乡（演示）"]
    assert (white["考核得分"], white["等次"], white["名次"]) == (84.7, "良好", "11")
    open_item = by_unit["石门镇（演示）"]
    assert open_item["整改情况"].startswith("已报整改方案，整改中")
    assert open_item["发现的问题"] == "1. 栏目更新不及时"
    assert by_unit["青岚镇（演示）"]["整改情况"] == "无需整改" and by_unit["青岚镇（演示）"]["发现的问题"] == "无"

    letter = document_path(result.letter, tmp_path / "out")
    text = _paragraph_text(letter)
    assert result.letter.number.startswith("乌府公开办〔2026〕")
    assert "中共乌当区委组织部，中共乌当区纪委、乌当区监委：" in text
    assert "第十三条第（三）项" in text and "40个被考核单位" in text
    assert "其中1个单位在自查和考核中存在弄虚作假" in text and "1个单位的整改尚未核验通过" in text
    assert "松涛镇（演示）" in text and "附件：2025年度政务公开工作考核结果情况表" in text
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "export.cadre")).one().actor == "王晓岚"

    again = export_cadre(session, year=2025, path=tmp_path / "干部.xlsx", on=ON, by="王晓岚",
                         out_dir=tmp_path / "out")
    assert again.letter.id == result.letter.id and again.letter.number == result.letter.number


def test_a_unit_name_that_looks_like_a_formula_stays_text(session: Session, approved: Cycle,
                                                          tmp_path: Path) -> None:
    unit = session.exec(select(Unit).where(Unit.name == "白鹭乡（演示）")).one()
    unit.name, unit.openness_leader = "=HYPERLINK(\"x\")", "+SUM(A1)"
    session.add(unit)
    session.commit()
    path = export_cadre(session, year=2025, path=tmp_path / "干部.xlsx", on=ON, by="王晓岚",
                        out_dir=tmp_path / "out").path
    cells = {c.value: c.data_type for row in load_workbook(path).active.iter_rows() for c in row}  # type: ignore[union-attr]
    assert cells["=HYPERLINK(\"x\")"] == "s" and cells["+SUM(A1)"] == "s"


def test_results_not_yet_approved_are_not_sent(session: Session, computed: Cycle, tmp_path: Path) -> None:  # noqa: F811
    with pytest.raises(IntakeError, match="尚未经领导小组审定"):
        export_cadre(session, year=2025, path=tmp_path / "x.xlsx", on=ON, by="王晓岚")
    assert not (tmp_path / "x.xlsx").exists()
