"""Self-check forms: generated per unit, filled like a unit would, imported all or nothing."""

import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.assessment import Assessment, SelfCheckStatus, SelfScore
from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.units import Category, Unit
from zwgk.adapters.db import get_engine, init_schema
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo
from zwgk.demo.filler import fill_self_check_form
from zwgk.intake import self_check
from zwgk.intake.forms import ID_SHEET, regular_criteria
from zwgk.intake.self_check import (
    FIRST_ROW,
    SHEET,
    form_path,
    import_self_checks,
    write_self_check_forms,
)

D = Decimal
TOWN = "青岚镇（演示）"
DAY = date(2025, 12, 1)


def _points(session: Session, cycle: Cycle, category: Category) -> dict[str, Decimal]:
    return {line.ref: line.points for line in regular_criteria(session, cycle.id)[category]}  # type: ignore[arg-type]


def _full_marks_less(points: dict[str, Decimal], less: dict[str, Decimal]) -> dict[str, Decimal]:
    return {ref: pts - less.get(ref, D(0)) for ref, pts in points.items()}


def _snapshot(session: Session) -> tuple[list[tuple[object, ...]], ...]:
    session.expire_all()
    scores = session.exec(select(SelfScore.assessment_id, SelfScore.criterion_id, SelfScore.points,
                                 SelfScore.explanation).order_by(SelfScore.id)).all()
    assessments = session.exec(select(Assessment.id, Assessment.self_check_status, Assessment.self_check_sha256,
                                      Assessment.self_score, Assessment.self_check_received_on)
                               .order_by(Assessment.id)).all()
    deadlines = session.exec(select(Deadline.id, Deadline.state, Deadline.met_on)).all()
    return [tuple(r) for r in scores], [tuple(r) for r in assessments], [tuple(r) for r in deadlines]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 2025 forms, written once: they depend only on the demo data and the scheme."""
    base = tmp_path_factory.mktemp("generated")
    with Session(get_engine(f"sqlite:///{base / 'forms.db'}"), expire_on_commit=False) as session:
        init_schema(session.get_bind())  # type: ignore[arg-type]
        load_demo(session)
        start_cycle(session=session, year=2025, actor="测试")
        write_self_check_forms(session, year=2025, out_dir=base / "forms")
    return base / "forms"


@pytest.fixture
def forms(demo_cycle: Cycle, generated: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(generated, tmp_path / "forms"))


@pytest.fixture
def filled(session: Session, demo_cycle: Cycle, forms: Path) -> Path:
    """The township's form filled correctly: full marks but T001 (−0.4) and T033 (−1.3)."""
    path = form_path(forms, 2025, TOWN)
    points = _points(session, demo_cycle, Category.TOWNSHIP)
    fill_self_check_form(path, _full_marks_less(points, {"T001": D("0.4"), "T033": D("1.3")}),
                         {"T001": "已专题听取汇报1次，见会议纪要"})
    return path


def test_one_locked_form_per_assessed_unit_with_its_criteria(session: Session, demo_cycle: Cycle, forms: Path) -> None:
    files = sorted(forms.glob("*.xlsx"))
    assert len(files) == 40
    department = session.exec(select(Unit.name).where(Unit.category == Category.DEPARTMENT)).first()
    assert department is not None
    book = load_workbook(form_path(forms, 2025, department))
    sheet = book[SHEET]
    assert sheet.protection.sheet and book[ID_SHEET].sheet_state == "veryHidden"
    assert sheet.cell(row=FIRST_ROW, column=7).protection.locked is False  # self-score column open
    assert sheet.cell(row=FIRST_ROW, column=5).protection.locked is True  # criterion text locked
    town = load_workbook(form_path(forms, 2025, TOWN))[SHEET]
    refs = [town.cell(row=r, column=2).value for r in range(FIRST_ROW, FIRST_ROW + 200)
            if str(town.cell(row=r, column=2).value or "").startswith("T")]
    assert refs == list(_points(session, demo_cycle, Category.TOWNSHIP))
    assert town["A2"].value == f"单位：{TOWN}"


def test_filled_form_is_stored_once_with_its_sha256(session: Session, demo_cycle: Cycle, filled: Path) -> None:
    report = import_self_checks(session, year=2025, files=[filled], received_on=DAY)
    assert report.ok and report.stored == [TOWN] and report.late == []
    assessment = session.exec(select(Assessment).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
                              .where(Unit.name == TOWN)).one()
    session.refresh(assessment)
    assert assessment.self_score == D("98.3")
    assert assessment.self_check_status is SelfCheckStatus.RECEIVED
    assert assessment.self_check_received_on == DAY and len(assessment.self_check_sha256) == 64
    rows = session.exec(select(SelfScore).where(SelfScore.assessment_id == assessment.id)).all()
    assert len(rows) == len(_points(session, demo_cycle, Category.TOWNSHIP))
    assert [r.explanation for r in rows if r.explanation] == ["已专题听取汇报1次，见会议纪要"]
    before = _snapshot(session)
    again = import_self_checks(session, year=2025, files=[filled], received_on=date(2025, 12, 9))
    assert again.ok and again.stored == [] and again.unchanged == [TOWN]
    assert _snapshot(session) == before


def test_late_form_is_recorded_late_and_meets_its_deadline(session: Session, demo_cycle: Cycle, filled: Path) -> None:
    unit_id = session.exec(select(Unit.id).where(Unit.name == TOWN)).one()
    session.add(Deadline(cycle_id=demo_cycle.id, unit_id=unit_id, kind=DeadlineKind.SELF_CHECK,
                         starts_on=date(2025, 11, 14), due_on=date(2025, 11, 28), basis="第十条第（三）项",
                         state=DeadlineState.OVERDUE))
    session.commit()
    report = import_self_checks(session, year=2025, files=[filled], received_on=DAY)
    assert report.late == [TOWN]
    status, received = session.exec(select(Assessment.self_check_status, Assessment.self_check_received_on)
                                    .where(Assessment.unit_id == unit_id)).one()
    assert (status, received) == (SelfCheckStatus.LATE, DAY)
    deadline = session.exec(select(Deadline).where(Deadline.unit_id == unit_id)).one()
    session.refresh(deadline)
    assert (deadline.state, deadline.met_on) == (DeadlineState.MET, DAY)


def test_corrected_form_replaces_scores_and_keeps_first_receipt(session: Session, demo_cycle: Cycle,
                                                                filled: Path) -> None:
    import_self_checks(session, year=2025, files=[filled], received_on=DAY)
    fill_self_check_form(filled, {"T033": D("2.3")})
    report = import_self_checks(session, year=2025, files=[filled], received_on=date(2025, 12, 20))
    assert report.stored == [TOWN]
    score, received = session.exec(select(Assessment.self_score, Assessment.self_check_received_on)
                                   .join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
                                   .where(Unit.name == TOWN)).one()
    assert (score, received) == (D("99.6"), DAY)


def _wrong_unit(session: Session, path: Path) -> None:
    session.add(Unit(name="新设街道（演示）", category=Category.TOWNSHIP))  # registered after the cycle began
    session.commit()
    book = load_workbook(path)
    book[ID_SHEET]["B2"] = "新设街道（演示）"
    book.save(path)


def _relabelled(session: Session, path: Path) -> None:
    book = load_workbook(path)
    book[SHEET]["A2"] = "单位：云雾镇（演示）"
    book.save(path)


def _edit(cell: str, value: object) -> Callable[[Session, Path], None]:
    def edit(session: Session, path: Path) -> None:
        book = load_workbook(path)
        book[SHEET][cell] = value if not callable(value) else value(book[SHEET][cell].value)
        book.save(path)
    return edit


def _missing_row(session: Session, path: Path) -> None:
    book = load_workbook(path)
    book[SHEET].delete_rows(FIRST_ROW + 2)  # T003
    book.save(path)


def _not_xlsx(session: Session, path: Path) -> None:
    path.write_text("单位,自评分\n青岚镇,98\n", encoding="utf-8")


def _empty(session: Session, path: Path) -> None:
    path.write_bytes(b"")


BROKEN = {
    "wrong unit": (_wrong_unit, "单位“新设街道（演示）”不是 2025 年度被考核单位", None, ""),
    "relabelled unit": (_relabelled, "单位名称被改动", 2, "A"),
    "missing row": (_missing_row, "缺少指标 T003", None, ""),
    "text in score": (_edit("G5", "满分"), "“满分”不是数字", 5, "G"),
    "negative score": (_edit("G6", -0.5), "自评分 -0.5 不能为负数", 6, "G"),
    "too large score": (_edit("G5", 1.5), "自评分 1.5 超过该指标分值 1.4", 5, "G"),
    "two decimals": (_edit("G5", 1.25), "超过一位小数", 5, "G"),
    "blank score": (_edit("G7", None), "指标 T003 未填写自评分", 7, "G"),
    "edited criterion": (_edit("E5", lambda v: v + "（已修改）"), "指标 T001 的二级指标被改动", 5, "E"),
    "edited points": (_edit("F5", 2), "指标 T001 的分值被改动，应为：1.4", 5, "F"),
    "not an xlsx": (_not_xlsx, "不是有效的 .xlsx 文件", None, ""),
    "empty file": (_empty, "文件为空", None, ""),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_form_is_refused_whole_and_nothing_changes(session: Session, demo_cycle: Cycle, forms: Path,
                                                          filled: Path, case: str) -> None:
    good = form_path(forms, 2025, "云雾镇（演示）")
    fill_self_check_form(good, _points(session, demo_cycle, Category.TOWNSHIP))
    breaker, message, row, column = BROKEN[case]
    breaker(session, filled)
    before = _snapshot(session)
    report = import_self_checks(session, year=2025, files=[good, filled], received_on=DAY)
    assert not report.ok and report.stored == []
    hits = [p for p in report.problems if message in p.message]
    assert hits, [str(p) for p in report.problems]
    assert all(p.file == filled.name for p in report.problems)
    assert (hits[0].row, hits[0].column) == (row, column)
    assert _snapshot(session) == before


def test_every_problem_of_a_file_is_listed(session: Session, demo_cycle: Cycle, filled: Path) -> None:
    book = load_workbook(filled)
    book[SHEET]["G5"], book[SHEET]["G6"], book[SHEET]["G8"] = "优", -1, 9
    book.save(filled)
    report = import_self_checks(session, year=2025, files=[filled], received_on=DAY)
    assert [(p.row, p.column) for p in report.problems] == [(5, "G"), (6, "G"), (8, "G")]
    assert str(report.problems[0]).startswith(f"{filled.name} 工作表“{SHEET}” 第 5 行 G 列：")


def test_form_of_another_year_is_refused(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    start_cycle(session=session, year=2026, actor="测试")
    write_self_check_forms(session, year=2026, out_dir=tmp_path / "2026")
    path = form_path(tmp_path / "2026", 2026, TOWN)
    fill_self_check_form(path, _points(session, demo_cycle, Category.TOWNSHIP))
    before = _snapshot(session)
    report = import_self_checks(session, year=2025, files=[path], received_on=DAY)
    assert [p.message for p in report.problems] == ["这是 2026 年度的自查评分表，不能导入 2025 年度"]
    assert _snapshot(session) == before


def test_forms_already_staged_are_rolled_back_when_a_later_file_is_refused(
        session: Session, demo_cycle: Cycle, forms: Path, filled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(self_check, "STAGE_EVERY", 1)  # the good form is written before the bad one is read
    good = form_path(forms, 2025, "云雾镇（演示）")
    fill_self_check_form(good, _points(session, demo_cycle, Category.TOWNSHIP))
    _edit("G5", "满分")(session, filled)
    before = _snapshot(session)
    report = import_self_checks(session, year=2025, files=[good, filled], received_on=DAY)
    assert not report.ok and report.stored == [] and [p.file for p in report.problems] == [filled.name]
    assert _snapshot(session) == before
