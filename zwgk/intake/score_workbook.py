"""The assessment group's score workbook (article 10(4)): one sheet per unit, and reading it back.

Each sheet lists the unit's criteria with points and self-scores (its outside evaluations noted
beside the self-score total), then a block of extra deduction lines: the year's daily-assessment
records on the unit come pre-filled there with method 日常考核, and the findings of the group's
symposiums, self-check hearings and on-site checks with their method; the group keeps, changes or
clears them. Only what the group imports
becomes a Deduction, so a daily record counts once, through the group.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook
from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from models.assessment import (
    SELF_CHECK_LABELS,
    Assessment,
    DailyRecord,
    Deduction,
    GroupMethod,
    SelfScore,
    assessed_units,
)
from models.audit import record
from models.cycle import Cycle, cycle_by_id
from models.scoring import ZERO
from models.units import Unit, category_labels
from zwgk.adapters.files import file_sha256
from zwgk.adapters.spreadsheets.xlsx import (
    BOLD,
    CELL,
    HEADER,
    INPUT,
    NOT_XLSX,
    NOTE,
    TEXT,
    TITLE,
    add_styles,
    cell_text,
    new_workbook,
    open_workbook,
    parse_points,
    set_widths,
    sheet_rows,
    write_styled,
)
from zwgk.assessment.evaluations import outside_notes
from zwgk.assessment.group_records import proposed_deductions
from zwgk.core.errors import ImportReport, Problem
from zwgk.intake.forms import (
    ID_SHEET,
    KIND_LABELS,
    SCORE_WORKBOOK_KIND,
    SELF_CHECK_KIND,
    CriterionLine,
    criteria_checksum,
    printed_problems,
    range_problem,
    read_identity,
    regular_criteria,
    write_identity,
)

# Row 3 carries the group's conclusion on the unit: a sheet without one is not scored (a blank
# sheet must never count as full marks), "无扣分" says so explicitly.
CONCLUSION_ROW, CONCLUSION_COLUMN = 3, 6  # 1-based row, 0-based column (G)
CONCLUDED, NO_DEDUCTION = "扣分见下表", "无扣分"
CONCLUSIONS = (CONCLUDED, NO_DEDUCTION)
CONCLUSION_LABEL = "评分结论（必选）：逐项核对后在右侧选择“扣分见下表”或“无扣分”；未选择的单位视为尚未评分"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
EXTRA_TITLE = "补充扣分明细（同一指标的其他扣分、日常考核记录，可继续往下填写）"
SPARE_LINES = 10
COLUMNS = [("A", "序号", 6), ("B", "指标编号", 10), ("C", "一级指标", 16), ("D", "二级指标（考核内容）", 50),
           ("E", "分值", 7), ("F", "自评分", 8), ("G", "扣分", 8), ("H", "扣分理由", 40),
           ("I", "考核方式", 12), ("J", "日常考核记录编号", 10)]
HEADERS = [h for _, h, _ in COLUMNS]
ROW_STYLES = [CELL, CELL, TEXT, TEXT, CELL, CELL, INPUT, INPUT, INPUT, CELL]
REF, POINTS, REASON, METHOD, RECORD = 1, 6, 7, 8, 9  # 0-based column indexes read back
METHODS = [m.value for m in GroupMethod]
METHOD_LIST = "、".join(METHODS)
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
DeductionLine = tuple[int, Decimal, str, GroupMethod, int | None]  # criterion id, points, reason, method, daily record


def _sheet_titles(names: list[str]) -> dict[str, str]:
    """A distinct, valid sheet title (≤31 characters, no []:*?/\\) for each unit name."""
    titles: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        base = _BAD_TITLE.sub("_", name)[:28] or "单位"
        title, n = base, 1
        while title.lower() in used:  # Excel compares sheet titles case-insensitively
            n += 1
            title = f"{base}~{n}"
        used.add(title.lower())
        titles[name] = title
    return titles


@dataclass(frozen=True)
class _Prefill:
    """A deduction line the workbook offers pre-filled: a daily record or a group finding."""

    id: int | None  # the daily record's id
    ref: str | None
    points: Decimal
    note: str
    method: GroupMethod = GroupMethod.DAILY


def write_score_workbook(session: Session, *, cycle_id: int, path: Path) -> Path:
    """Write the group's score workbook: one sheet per assessed unit (overwrites; idempotent).

    Each sheet shows the criteria, points and the unit's self-scores, with columns for the
    deduction, its reason and its method (a drop-down of the six methods of article 10(4)); the
    daily-assessment records of the year are pre-filled as deductions with method 日常考核.
    """
    cycle = cycle_by_id(session, cycle_id)
    lines = regular_criteria(session, cycle_id)
    ref_of = {line.id: line.ref for group in lines.values() for line in group}
    units = {unit.name: (assessment, unit) for assessment, unit in assessed_units(session, cycle_id)}
    own: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for aid, cid, points in session.exec(
        select(SelfScore.assessment_id, SelfScore.criterion_id, SelfScore.points)
        .join(Assessment, Assessment.id == SelfScore.assessment_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle_id)
    ):
        own[aid][ref_of.get(cid, "")] = points
    daily: dict[int, list[_Prefill]] = defaultdict(list)
    for found_daily in session.exec(
        select(DailyRecord).where(DailyRecord.year == cycle.year).order_by(DailyRecord.found_on, DailyRecord.id)  # type: ignore[arg-type]
    ):
        assert found_daily.id is not None
        daily[found_daily.unit_id].append(_Prefill(
            id=found_daily.id, ref=ref_of.get(found_daily.criterion_id) if found_daily.criterion_id else None,
            points=found_daily.points,
            note=f"日常考核（{found_daily.method.value}，{found_daily.found_on.isoformat()}）：{found_daily.finding}"))
    for found in proposed_deductions(session, cycle_id):
        daily[found.unit_id].append(_Prefill(id=None, ref=found.ref, points=found.points, note=found.reason,
                                             method=found.method))
    outside = outside_notes(session, cycle)
    labels = category_labels(session)
    titles = _sheet_titles(list(units))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Streaming: each sheet's rows go to a temporary file as they are written, so memory stays
    # flat however many units there are.
    workbook = new_workbook(path, streaming=True)
    styles = add_styles(workbook)
    entries = []
    for name, (assessment, unit) in units.items():
        assert assessment.id is not None and unit.id is not None
        entries.append((titles[name], name, criteria_checksum(cycle.year, name, lines[unit.category])))
        sheet = workbook.add_worksheet(titles[name])
        _unit_sheet(sheet, cycle.year, assessment, unit, labels[unit.category], lines[unit.category], own[assessment.id],
                    daily[unit.id], outside.get(unit.id, ""), styles)
        # A finished sheet keeps no file open until the workbook is saved (xlsxwriter reopens
        # it then): thousands of sheets would otherwise hold thousands of descriptors.
        sheet._opt_close()
    write_identity(workbook, SCORE_WORKBOOK_KIND, cycle.year, entries)
    workbook.close()
    return path


def _unit_sheet(sheet: Worksheet, year: int, assessment: Assessment, unit: Unit, category_label: str,
                lines: list[CriterionLine], own: dict[str, Decimal], daily: list[_Prefill],
                outside: str, styles: dict[str, Format]) -> None:
    """Write one unit's sheet, rows in order (the workbook streams them)."""
    last = len(COLUMNS) - 1
    row_styles = [styles[name] for name in ROW_STYLES]
    header = [styles[HEADER]] * len(COLUMNS)
    set_widths(sheet, [width for _, _, width in COLUMNS])
    sheet.freeze_panes(FIRST_ROW - 1, 2)
    loose = [d.note for d in daily if d.ref is None]
    self_total = "—" if assessment.self_score is None else str(assessment.self_score)
    sheet.merge_range(0, 0, 0, last, f"{unit.name} {year}年度政务公开工作考核评分表", styles[TITLE])
    sheet.merge_range(1, 0, 1, last, f"类别：{category_label}；自评总分：{self_total}；"
                                     f"自查材料：{SELF_CHECK_LABELS[assessment.self_check_status]}" + outside
                                     + ("；未对应具体指标的日常考核记录：" + "；".join(loose) if loose else ""),
                      styles[NOTE])
    sheet.merge_range(CONCLUSION_ROW - 1, 0, CONCLUSION_ROW - 1, CONCLUSION_COLUMN - 1, CONCLUSION_LABEL, styles[BOLD])
    sheet.merge_range(CONCLUSION_ROW - 1, CONCLUSION_COLUMN, CONCLUSION_ROW - 1, last, "", styles[INPUT])
    sheet.data_validation(CONCLUSION_ROW - 1, CONCLUSION_COLUMN, CONCLUSION_ROW - 1, CONCLUSION_COLUMN, {
        "validate": "list", "source": list(CONCLUSIONS), "ignore_blank": True, "error_type": "stop",
        "error_title": "评分结论", "error_message": "请选择：" + "、".join(CONCLUSIONS)})
    write_styled(sheet, HEADER_ROW - 1, HEADERS, header)
    for seq, line in enumerate(lines, start=1):
        write_styled(sheet, HEADER_ROW - 1 + seq, [seq, line.ref, line.level1, line.text, line.points,
                                                  own.get(line.ref)], row_styles)
    extra = FIRST_ROW + len(lines) + 1  # 1-based row of the extra block's title, after a blank row
    sheet.merge_range(extra - 1, 0, extra - 1, last, EXTRA_TITLE, styles[BOLD])
    write_styled(sheet, extra, HEADERS, header)
    listed = [d for d in daily if d.ref is not None]
    for seq, line in enumerate(listed, start=1):
        write_styled(sheet, extra + seq, [seq, line.ref, None, None, None, None, line.points, line.note,
                                          line.method.value, line.id], row_styles)
    last_row = extra + len(listed) + SPARE_LINES  # 0-based row of the last spare line
    for row in range(extra + len(listed) + 1, last_row + 1):
        write_styled(sheet, row, [], row_styles)
    sheet.data_validation(FIRST_ROW - 1, 8, last_row + 200, 8, {
        "validate": "list", "source": METHODS, "ignore_blank": True, "error_type": "stop",
        "error_title": "考核方式", "error_message": f"请从下拉列表选择：{METHOD_LIST}"})


@dataclass(frozen=True)
class _Sheet:
    unit: str
    assessment_id: int
    deductions: list[DeductionLine]
    scored: bool  # the group chose a conclusion


def import_score_workbook(session: Session, *, cycle_id: int, path: Path, by: str, commit: bool = True) -> ImportReport:
    """Read the group's filled score workbook and store its deductions, all or nothing.

    Refused whole (nothing written, every problem listed) when a criterion row is missing or
    edited, a deduction is not a number, negative, or larger than the criterion's points (also
    summed over a criterion), has no reason, or names a method outside the six of article 10(4).
    Otherwise each unit's deductions replace its previous ones (unchanged units are left as they
    are, so re-importing changes nothing) and the unit is marked scored. With ``commit=False``
    the caller commits (an upload and its import are one transaction).
    """
    cycle = cycle_by_id(session, cycle_id)
    sheets, problems = _read_workbook(session, cycle, path)
    if problems:
        return ImportReport(problems=problems)
    report = _store(session, sheets, by, cycle_id, path)
    if commit:
        session.commit()
    else:
        session.flush()
    return report


def _read_workbook(session: Session, cycle: Cycle, path: Path) -> tuple[list[_Sheet], list[Problem]]:
    workbook, problem = open_workbook(path)
    if workbook is None:
        assert problem is not None
        return [], [problem]
    try:
        return _parse_workbook(session, cycle, path.name, workbook)
    except CalamineError:
        return [], [Problem(path.name, NOT_XLSX)]
    finally:
        workbook.close()


def _parse_workbook(session: Session, cycle: Cycle, name: str, workbook: CalamineWorkbook) -> tuple[list[_Sheet], list[Problem]]:
    assert cycle.id is not None
    identity = read_identity(workbook)
    if identity is None or identity.kind != SCORE_WORKBOOK_KIND:
        if identity is not None and identity.kind == SELF_CHECK_KIND:
            return [], [Problem(name, f"这是{KIND_LABELS[SELF_CHECK_KIND]}，请用 zwgk self-check import 导入")]
        return [], [Problem(name, "不是本系统生成的考核评分工作簿（缺少识别信息），请使用 zwgk scores sheet 生成的工作簿")]
    if identity.year != cycle.year:
        return [], [Problem(name, f"这是 {identity.year} 年度的考核评分工作簿，不能导入 {cycle.year} 年度")]
    units = {unit.name: (assessment, unit) for assessment, unit in assessed_units(session, cycle.id)}
    lines = regular_criteria(session, cycle.id)
    records_of: dict[int, set[int]] = defaultdict(set)  # unit id → its daily records this year
    for record_id, unit_id in session.exec(select(DailyRecord.id, DailyRecord.unit_id).where(DailyRecord.year == cycle.year)):
        records_of[unit_id].add(record_id)  # type: ignore[arg-type]
    sheets: list[_Sheet] = []
    problems: list[Problem] = []
    for title in workbook.sheet_names:
        if title == ID_SHEET:
            continue
        if title not in identity.entries:
            problems.append(Problem(name, "不是本系统生成的单位评分表，请删除该工作表后重新导入", sheet=title))
            continue
        unit_name, checksum = identity.entries[title]
        if unit_name not in units:
            problems.append(Problem(name, f"单位“{unit_name}”不是 {cycle.year} 年度被考核单位", sheet=title))
            continue
        assessment, unit = units[unit_name]
        rows = sheet_rows(workbook, title, len(COLUMNS))
        problem = partial(Problem, name, sheet=title)
        sheet, found = _parse_sheet(problem, rows, lines[unit.category], records_of[unit.id])  # type: ignore[index]
        scored, wrong = _conclusion(problem, rows, sheet)
        found += wrong
        if not found and checksum != criteria_checksum(cycle.year, unit_name, lines[unit.category]):
            found = [Problem(name, "工作表识别信息与本年度指标不一致（生成后被改动或分值已调整），"
                                   "请使用最新生成的考核评分工作簿", sheet=title)]
        problems += found
        if not found:
            assert assessment.id is not None
            sheets.append(_Sheet(unit=unit_name, assessment_id=assessment.id, deductions=sheet, scored=scored))
    return sheets, problems


def _parse_sheet(problem: Callable[..., Problem], rows: list[tuple[object, ...]], lines: list[CriterionLine],
                 own_records: set[int]) -> tuple[list[DeductionLine], list[Problem]]:
    if len(rows) < HEADER_ROW or [cell_text(v) for v in rows[HEADER_ROW - 1]] != HEADERS:
        return [], [problem("表头被改动，应为：" + "、".join(HEADERS), row=HEADER_ROW)]
    expected = {line.ref: line for line in lines}
    problems: list[Problem] = []
    seen: dict[str, int] = {}  # ref → its criterion row
    deductions = []
    taken: dict[str, Decimal] = defaultdict(lambda: ZERO)
    in_extra = False
    for number, values in enumerate(rows[FIRST_ROW - 1:], start=FIRST_ROW):
        if cell_text(values[0]) == EXTRA_TITLE:
            in_extra = True
            continue
        if not any(cell_text(v) for v in values) or (in_extra and cell_text(values[REF]) == HEADERS[REF]):
            continue
        ref = cell_text(values[REF]).upper()
        line = expected.get(ref)
        if line is None:
            problems.append(problem(f"指标编号“{ref}”不是本单位考核评分表的指标" if ref else "缺少指标编号",
                                    row=number, column="B"))
            continue
        if not in_extra:
            if ref in seen:
                problems.append(problem(f"指标 {ref} 重复出现", row=number, column="B"))
                continue
            seen[ref] = number
            problems += printed_problems(line, {"level1": ("C", values[2]), "text": ("D", values[3]),
                                                "points": ("E", values[4])}, number, problem)
        deduction, found = _deduction(problem, line, values, number, own_records)
        problems += found
        if deduction is not None:
            deductions.append(deduction)
            taken[ref] += deduction[1]
    problems += [problem(f"缺少指标 {line.ref}（{line.text[:20]}…）所在的行，请勿删除指标行")
                 for line in lines if line.ref not in seen]
    problems += [problem(f"指标 {ref} 扣分合计 {total} 超过该指标分值 {expected[ref].points}",
                         row=seen.get(ref), column="G")
                 for ref, total in taken.items() if total > expected[ref].points]
    return deductions, problems


def _conclusion(problem: Callable[..., Problem], rows: list[tuple[object, ...]],
                deductions: list[DeductionLine]) -> tuple[bool, list[Problem]]:
    """Whether the group concluded on the unit (the sheet is scored), and what contradicts it."""
    chosen = cell_text(rows[CONCLUSION_ROW - 1][CONCLUSION_COLUMN]) if len(rows) >= CONCLUSION_ROW else ""
    where = {"row": CONCLUSION_ROW, "column": "G"}
    if chosen not in ("", *CONCLUSIONS):
        return False, [problem(f"评分结论“{chosen}”无效，应为：{'、'.join(CONCLUSIONS)}", **where)]
    if chosen == NO_DEDUCTION and deductions:
        return False, [problem(f"评分结论为“无扣分”，但本表有 {len(deductions)} 项扣分，请核对", **where)]
    if chosen == CONCLUDED and not deductions:
        return False, [problem("评分结论为“扣分见下表”，但本表没有扣分；没有扣分请选择“无扣分”", **where)]
    return bool(chosen), []


def _deduction(problem: Callable[..., Problem], line: CriterionLine, values: tuple[object, ...], number: int,
               own_records: set[int]) -> tuple[DeductionLine | None, list[Problem]]:
    try:
        points = parse_points(values[POINTS])
    except ValueError as exc:
        return None, [problem(f"扣分{exc}", row=number, column="G")]
    if points is None or points == 0:
        return None, []  # nothing taken off: reason and method, if any, are notes
    found = []
    if why := range_problem(points, line, "扣分"):
        found.append(problem(why, row=number, column="G"))
    reason = cell_text(values[REASON])
    if not reason:
        found.append(problem(f"扣分 {points} 未填写扣分理由", row=number, column="H"))
    method = cell_text(values[METHOD])
    if method not in METHODS:
        found.append(problem((f"考核方式“{method}”不在第十条第（四）项规定的六种方式之内" if method else "未选择考核方式")
                             + f"，应为：{METHOD_LIST}", row=number, column="I"))
    record_text = cell_text(values[RECORD])
    record = int(record_text) if record_text.isdigit() else None
    if record_text and (record is None or record not in own_records):
        found.append(problem(f"日常考核记录编号“{record_text}”不是本单位本年度的记录", row=number, column="J"))
    if found:
        return None, found
    return (line.id, points, reason, GroupMethod(method), record), []


def _store(session: Session, sheets: list[_Sheet], by: str, cycle_id: int, path: Path) -> ImportReport:
    report = ImportReport()
    ids = [s.assessment_id for s in sheets]
    # Row locks (PostgreSQL) queue a concurrent import of the same units behind this one.
    session.exec(select(Assessment.id).where(Assessment.id.in_(ids)).with_for_update()).all()  # type: ignore[union-attr]
    existing: dict[int, list[DeductionLine]] = defaultdict(list)
    for d in session.exec(select(Deduction).where(Deduction.assessment_id.in_(ids))):  # type: ignore[attr-defined]
        existing[d.assessment_id].append((d.criterion_id, d.points, d.reason, d.method, d.daily_record_id))
    scored_before = dict(session.exec(select(Assessment.id, Assessment.scored).where(
        col(Assessment.id).in_(ids))).all())
    changed = [s for s in sheets if sorted(existing[s.assessment_id], key=str) != sorted(s.deductions, key=str)
               or scored_before.get(s.assessment_id) != s.scored]
    changed_ids = {s.assessment_id for s in changed}
    report.stored = [s.unit for s in changed]
    report.unchanged = [s.unit for s in sheets if s.assessment_id not in changed_ids]
    report.unscored = [s.unit for s in sheets if not s.scored]
    # Batched: one DELETE, one multi-row INSERT and one UPDATE, whatever the number of units.
    if changed:
        session.execute(delete(Deduction).where(Deduction.assessment_id.in_(changed_ids)))  # type: ignore[attr-defined]
        rows = [{"assessment_id": s.assessment_id, "criterion_id": cid, "points": pts, "reason": reason,
                 "method": method, "daily_record_id": record, "recorded_by": by}
                for s in changed for cid, pts, reason, method, record in s.deductions]
        if rows:
            session.execute(insert(Deduction), rows)
    for scored in (True, False):
        chosen = [s.assessment_id for s in sheets if s.scored is scored]
        if chosen:
            session.execute(update(Assessment).where(col(Assessment.id).in_(chosen)).values(scored=scored))
    if changed:  # the same workbook again changes nothing, and is not an action to audit
        record(session, actor=by, action="scores.import", cycle_id=cycle_id,
               detail={"file": path.name, "sha256": file_sha256(path), "changed": report.stored,
                       "unscored": report.unscored})
    return report
