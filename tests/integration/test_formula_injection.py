"""User text in the workbooks zwgk writes stays text: names beginning with = + - @ are never
formulas, in the group's score workbook (its hidden identification sheet included) and in the
target-performance export."""

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.cycle import Cycle
from models.units import Unit
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo
from zwgk.intake.score_workbook import import_score_workbook, write_score_workbook
from zwgk.results.exports import export_target_performance
from zwgk.results.ranking import compute_results

HOSTILE = ["=HYPERLINK(\"http://x\",\"点此\")", "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def hostile_cycle(session: Session) -> Cycle:
    load_demo(session)
    units = session.exec(select(Unit).order_by(Unit.id)).all()
    for unit, name in zip(units, HOSTILE, strict=False):
        unit.name = name
        session.add(unit)
    session.commit()
    return start_cycle(session=session, year=2025, actor="测试")


def _formulas(path: Path) -> list[str]:
    book = load_workbook(path)
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_score_workbook_writes_names_as_text_and_reads_them_back(session: Session, hostile_cycle: Cycle,
                                                                 tmp_path: Path) -> None:
    path = write_score_workbook(session, cycle_id=hostile_cycle.id, path=tmp_path / "scores.xlsx")  # type: ignore[arg-type]
    assert _formulas(path) == []
    book = load_workbook(path, read_only=True, data_only=True)
    titles = [sheet["A1"].value for sheet in book.worksheets[:len(HOSTILE)]]
    assert [t.split(" ")[0] for t in titles] == HOSTILE
    report = import_score_workbook(session, cycle_id=hostile_cycle.id, path=path, by="考核组")  # type: ignore[arg-type]
    assert report.problems == []


def test_target_performance_export_writes_names_as_text(session: Session, hostile_cycle: Cycle,
                                                        tmp_path: Path) -> None:
    compute_results(session, cycle_id=hostile_cycle.id)  # type: ignore[arg-type]
    path = export_target_performance(session, year=2025, path=tmp_path / "target.xlsx")
    assert _formulas(path) == []
    names = {row[0] for row in load_workbook(path, data_only=True).active.iter_rows(min_row=2, values_only=True)}  # type: ignore[union-attr]
    assert set(HOSTILE) <= names
