"""The forms zwgk writes survive a real office suite: filled, saved again by LibreOffice Calc,
and still imported with the same figures."""

import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.assessment import Assessment, Deduction
from models.cycle import Cycle
from models.units import Category, Unit
from zwgk.demo.filler import fill_score_workbook, fill_self_check_form
from zwgk.documents.pdf import soffice
from zwgk.intake.forms import regular_criteria
from zwgk.intake.score_workbook import import_score_workbook, write_score_workbook
from zwgk.intake.self_check import form_path, import_self_checks, write_self_check_forms

TOWN = "青岚镇（演示）"

pytestmark = pytest.mark.skipif(
    soffice() is None, reason="未安装 LibreOffice Calc（apt-get install libreoffice-calc-nogui），跳过往返检查")


def _saved_by_calc(files: list[Path], folder: Path) -> list[Path]:
    """Each file opened and saved again as .xlsx by LibreOffice Calc (a throw-away profile)."""
    subprocess.run([str(soffice()), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder / "saved"),
                    *map(str, files)], capture_output=True, timeout=300, check=True)
    return [folder / "saved" / f.name for f in files]


def test_forms_saved_by_libreoffice_calc_are_still_imported(session: Session, demo_cycle: Cycle,
                                                             tmp_path: Path) -> None:
    assert demo_cycle.id is not None
    points = {line.ref: line.points for line in regular_criteria(session, demo_cycle.id)[Category.TOWNSHIP]}
    write_self_check_forms(session, year=2025, out_dir=tmp_path / "forms")
    form = form_path(tmp_path / "forms", 2025, TOWN)
    fill_self_check_form(form, {**points, "T033": points["T033"] - Decimal("1.3")}, {"T001": "见会议纪要"})
    workbook = write_score_workbook(session, cycle_id=demo_cycle.id, path=tmp_path / "评分.xlsx")
    fill_score_workbook(workbook, {TOWN: [("T002", Decimal("0.5"), "未发布新闻", "第三方评估")]})

    saved_form, saved_workbook = _saved_by_calc([form, workbook], tmp_path)

    report = import_self_checks(session, year=2025, files=[saved_form], received_on=date(2025, 12, 1))
    assert report.ok and report.stored == [TOWN], [str(p) for p in report.problems]
    scores = import_score_workbook(session, cycle_id=demo_cycle.id, path=saved_workbook, by="考核组")
    assert scores.ok and scores.stored == [TOWN], [str(p) for p in scores.problems]
    self_score, deducted = session.exec(
        select(Assessment.self_score, Deduction.points)
        .join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .join(Deduction, Deduction.assessment_id == Assessment.id)  # type: ignore[arg-type]
        .where(Unit.name == TOWN)).one()
    assert (self_score, deducted) == (sum(points.values()) - Decimal("1.3"), Decimal("0.5"))
