"""The group's score workbook: written with daily records pre-filled, filled, imported all or nothing."""

import shutil
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from models.assessment import Assessment, Deduction, GroupMethod
from models.cycle import Cycle
from models.units import Unit
from zwgk.adapters.db import get_engine, init_schema
from zwgk.assessment.daily_records import add_daily_record
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo
from zwgk.demo.filler import fill_score_workbook
from zwgk.intake.forms import ID_SHEET
from zwgk.intake.score_workbook import (
    EXTRA_TITLE,
    FIRST_ROW,
    import_score_workbook,
    write_score_workbook,
)
from zwgk.results.ranking import compute_results

D = Decimal
TOWN, OTHER = "青岚镇（演示）", "云雾镇（演示）"


def _snapshot(session: Session) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    session.expire_all()
    deductions = session.exec(select(Deduction.id, Deduction.assessment_id, Deduction.criterion_id, Deduction.points,
                                     Deduction.reason, Deduction.method, Deduction.daily_record_id)
                              .order_by(Deduction.id)).all()
    scored = session.exec(select(Assessment.id, Assessment.scored).order_by(Assessment.id)).all()
    return [tuple(r) for r in deductions], [tuple(r) for r in scored]


def _deductions(session: Session, unit: str) -> list[tuple[str, Decimal, GroupMethod, int | None]]:
    session.expire_all()
    rows = session.exec(select(Deduction).join(Assessment, Assessment.id == Deduction.assessment_id)  # type: ignore[arg-type]
                        .join(Unit, Unit.id == Assessment.unit_id).where(Unit.name == unit)).all()  # type: ignore[arg-type]
    return sorted((r.reason, r.points, r.method, r.daily_record_id) for r in rows)


def _record_daily(session: Session) -> None:
    add_daily_record(session, year=2025, unit_name=TOWN, criterion_ref="T001", points=D("0.5"),
                     method="随机抽查", finding="网站“领导信息”栏目未更新", by="办公室", on=date(2025, 6, 3))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 2025 workbook with its daily record, written once (it depends only on the data)."""
    base = tmp_path_factory.mktemp("generated")
    with Session(get_engine(f"sqlite:///{base / 'wb.db'}"), expire_on_commit=False) as session:
        init_schema(session.get_bind())  # type: ignore[arg-type]
        load_demo(session)
        cycle = start_cycle(session=session, year=2025, actor="测试")
        _record_daily(session)
        return write_score_workbook(session, cycle_id=cycle.id, path=base / "评分.xlsx")  # type: ignore[arg-type]


@pytest.fixture
def workbook(session: Session, demo_cycle: Cycle, generated: Path, tmp_path: Path) -> Path:
    """The 2025 workbook with one daily record on 青岚镇 (T001, 0.5) pre-filled."""
    _record_daily(session)
    return Path(shutil.copy(generated, tmp_path / "评分.xlsx"))


@pytest.fixture
def half_filled(session: Session, demo_cycle: Cycle, generated: Path, tmp_path: Path) -> Path:
    """Only the sheets of 青岚镇 and of 云雾镇, the latter with a correct deduction (built once per
    module; the group may import part of its workbook, and two sheets keep each case quick)."""
    _record_daily(session)
    cached = generated.with_name("半填.xlsx")
    if not cached.exists():
        shutil.copy(generated, cached)
        fill_score_workbook(cached, {OTHER: [("T002", D("1.0"), "未发布新闻", "第三方评估")]})
        book = load_workbook(cached)
        keep = {_sheet_title(book, TOWN), _sheet_title(book, OTHER), ID_SHEET}
        for title in [t for t in book.sheetnames if t not in keep]:
            del book[title]
        book.save(cached)
    return Path(shutil.copy(cached, tmp_path / "评分.xlsx"))


def _sheet_title(book: Workbook, unit: str) -> str:
    return next(str(r[0]) for r in book[ID_SHEET].iter_rows(min_row=2, values_only=True) if r[1] == unit)


def _sheet(path: Path, unit: str) -> tuple[Workbook, Worksheet]:
    book = load_workbook(path)
    return book, book[_sheet_title(book, unit)]


def test_workbook_has_a_sheet_per_unit_with_daily_records_prefilled(session: Session, workbook: Path) -> None:
    book, sheet = _sheet(workbook, TOWN)
    assert len(book.sheetnames) == 41
    assert [c.value for c in sheet[FIRST_ROW]][:5] == [1, "T001", "主要负责人亲自抓",
                                                        sheet.cell(row=FIRST_ROW, column=4).value, 1.4]
    extra = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == EXTRA_TITLE)
    line = [c.value for c in sheet[extra + 2]]
    assert line[1] == "T001" and line[6] == 0.5 and line[8] == "日常考核" and isinstance(line[9], int)
    assert "领导信息" in line[7]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["G3"] == '"扣分见下表,无扣分"'  # the group's conclusion: blank is not scored
    assert '"座谈会,自查汇报,实地核查,第三方评估,民意调查,日常考核"' in lists.values()


def test_filled_workbook_round_trip_and_scores(session: Session, demo_cycle: Cycle, workbook: Path) -> None:
    fill_score_workbook(workbook, {
        TOWN: [("T033", D("1.0"), "政策解读材料更新不及时", "实地核查"),
               ("T033", D("0.5"), "解读形式单一", "座谈会")],
        OTHER: [("T002", D("1.4"), "未作为第一新闻发言人发布新闻", "第三方评估")],
    })
    report = import_score_workbook(session, cycle_id=demo_cycle.id, path=workbook, by="考核组")  # type: ignore[arg-type]
    assert report.ok, [str(p) for p in report.problems]
    assert set(report.stored) == {TOWN, OTHER} and len(report.unchanged) == 38
    # The 38 sheets left blank are not scored: never full marks by default.
    assert len(report.unscored) == 38 and TOWN not in report.unscored and "区统计局（演示）" in report.unscored
    town = _deductions(session, TOWN)
    assert {(r, p, m) for r, p, m, _ in town} == {
        ("政策解读材料更新不及时", D("1.0"), GroupMethod.ON_SITE), ("解读形式单一", D("0.5"), GroupMethod.SYMPOSIUM),
        ("日常考核（随机抽查，2025-06-03）：网站“领导信息”栏目未更新", D("0.5"), GroupMethod.DAILY)}
    assert [m for _, _, m, record in town if record is not None] == [GroupMethod.DAILY]  # linked to its record
    scored = dict(session.exec(select(Unit.name, Assessment.scored).join(Assessment, Assessment.unit_id == Unit.id)).all())  # type: ignore[arg-type]
    assert {name for name, done in scored.items() if done} == {TOWN, OTHER}
    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]
    scores = dict(session.exec(select(Unit.name, Assessment.score).join(Assessment, Assessment.unit_id == Unit.id)).all())  # type: ignore[arg-type]
    assert (scores[TOWN], scores[OTHER]) == (D("98.0"), D("98.6"))  # the daily record counted once

    before = _snapshot(session)
    again = import_score_workbook(session, cycle_id=demo_cycle.id, path=workbook, by="考核组")  # type: ignore[arg-type]
    assert again.ok and again.stored == [] and _snapshot(session) == before

    book, sheet = _sheet(workbook, TOWN)
    extra = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == EXTRA_TITLE)
    sheet.cell(row=extra + 2, column=7).value = None  # the group strikes out the daily record
    book.save(workbook)
    third = import_score_workbook(session, cycle_id=demo_cycle.id, path=workbook, by="考核组")  # type: ignore[arg-type]
    assert third.stored == [TOWN]
    assert sorted(p for _, p, _, _ in _deductions(session, TOWN)) == [D("0.5"), D("1.0")]


def _cell(column: str, value: object, row: int = FIRST_ROW) -> Callable[[Worksheet], None]:
    def edit(sheet: Worksheet) -> None:
        sheet[f"{column}{row}"] = value
    return edit


def _line(*values: object) -> Callable[[Worksheet], None]:
    def edit(sheet: Worksheet) -> None:
        extra = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == EXTRA_TITLE)
        for col, value in zip("BGHI", values, strict=True):
            sheet[f"{col}{extra + 3}"] = value
    return edit


def _both(*edits: Callable[[Worksheet], None]) -> Callable[[Worksheet], None]:
    def edit(sheet: Worksheet) -> None:
        for e in edits:
            e(sheet)
    return edit


def _delete_row(sheet: Worksheet) -> None:
    sheet.delete_rows(FIRST_ROW + 1)


REFUSED = {
    "larger than points": (_both(_cell("G", 1.5), _cell("H", "未听取汇报"), _cell("I", "座谈会")),
                           "扣分 1.5 超过该指标分值 1.4", FIRST_ROW, "G"),
    "method outside six": (_both(_cell("G", 0.5), _cell("H", "未听取汇报"), _cell("I", "电话抽查")),
                           "考核方式“电话抽查”不在第十条第（四）项规定的六种方式之内", FIRST_ROW, "I"),
    "no reason": (_both(_cell("G", 0.5), _cell("I", "座谈会")), "扣分 0.5 未填写扣分理由", FIRST_ROW, "H"),
    "no method": (_both(_cell("G", 0.5), _cell("H", "未听取汇报")), "未选择考核方式", FIRST_ROW, "I"),
    "sum over points": (_both(_cell("G", 1.0), _cell("H", "甲"), _cell("I", "座谈会"), _line("T001", 1.0, "乙", "座谈会")),
                        "指标 T001 扣分合计 2.5 超过该指标分值 1.4", FIRST_ROW, "G"),
    "text deduction": (_both(_cell("G", "一分"), _cell("H", "甲"), _cell("I", "座谈会")), "扣分“一分”不是数字", FIRST_ROW, "G"),
    "unknown line ref": (_line("T999", 0.5, "甲", "座谈会"), "指标编号“T999”不是本单位考核评分表的指标", None, "B"),
    "edited criterion": (_cell("D", "改过的指标"), "指标 T001 的二级指标被改动", FIRST_ROW, "D"),
    "missing row": (_delete_row, "缺少指标 T002", None, ""),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_workbook_is_refused_whole_and_nothing_changes(session: Session, demo_cycle: Cycle, half_filled: Path,
                                                           case: str) -> None:
    workbook = half_filled
    edit, message, row, column = REFUSED[case]
    book, sheet = _sheet(workbook, TOWN)
    edit(sheet)
    book.save(workbook)
    before = _snapshot(session)
    report = import_score_workbook(session, cycle_id=demo_cycle.id, path=workbook, by="考核组")  # type: ignore[arg-type]
    assert not report.ok and report.stored == []
    hits = [p for p in report.problems if message in p.message]
    assert hits, [str(p) for p in report.problems]
    assert hits[0].sheet == sheet.title and hits[0].column == column
    if row is not None:
        assert hits[0].row == row
    assert _snapshot(session) == before


def test_self_check_form_or_junk_is_not_taken_for_a_workbook(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really")
    report = import_score_workbook(session, cycle_id=demo_cycle.id, path=junk, by="考核组")  # type: ignore[arg-type]
    assert "不是有效的 .xlsx 文件" in report.problems[0].message


def test_deductions_beyond_the_spare_lines_are_imported(session: Session, demo_cycle: Cycle, workbook: Path) -> None:
    # One on the criterion's row, ten on the spare lines, two on rows the group adds below them.
    fill_score_workbook(workbook, {OTHER: [("T033", D("0.1"), f"解读不及时{n}", "座谈会") for n in range(13)]})
    report = import_score_workbook(session, cycle_id=demo_cycle.id, path=workbook, by="考核组")  # type: ignore[arg-type]
    assert report.ok and OTHER in report.stored, [str(p) for p in report.problems]
    assert [p for _, p, _, _ in _deductions(session, OTHER)] == [D("0.1")] * 13


@pytest.mark.parametrize(("conclusion", "deduct", "message"), [
    ("无扣分", True, "评分结论为“无扣分”，但本表有 1 项扣分"),
    ("扣分见下表", False, "评分结论为“扣分见下表”，但本表没有扣分"),
    ("已评", False, "评分结论“已评”无效，应为：扣分见下表、无扣分"),
])
def test_a_conclusion_that_contradicts_the_sheet_is_refused(session: Session, demo_cycle: Cycle, workbook: Path,
                                                            conclusion: str, deduct: bool, message: str) -> None:
    book, sheet = _sheet(workbook, OTHER)
    sheet["G3"] = conclusion
    if deduct:
        sheet.cell(row=FIRST_ROW, column=7).value, sheet.cell(row=FIRST_ROW, column=8).value = 0.5, "未发布"
        sheet.cell(row=FIRST_ROW, column=9).value = "座谈会"
    book.save(workbook)
    before = _snapshot(session)
    report = import_score_workbook(session, cycle_id=demo_cycle.id, path=workbook, by="周海宁")  # type: ignore[arg-type]
    [problem] = report.problems
    assert message in problem.message and (problem.row, problem.column) == (3, "G")
    assert _snapshot(session) == before


def test_a_sheet_concluded_without_deduction_is_scored(session: Session, demo_cycle: Cycle, workbook: Path) -> None:
    fill_score_workbook(workbook, {OTHER: []})
    report = import_score_workbook(session, cycle_id=demo_cycle.id, path=workbook, by="周海宁")  # type: ignore[arg-type]
    assert report.ok and OTHER not in report.unscored and TOWN in report.unscored
    scored = dict(session.exec(select(Unit.name, Assessment.scored).join(Assessment, Assessment.unit_id == Unit.id)).all())  # type: ignore[arg-type]
    assert scored[OTHER] and not scored[TOWN]
