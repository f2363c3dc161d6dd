"""Self-check forms (article 10(3)): one pre-filled .xlsx per assessed unit, and reading them back.

Each form carries a very hidden identification sheet (kind, year, unit, checksum of the
criteria as printed), and its criteria cells are locked, so an import can tell a form of
another unit or year, or one whose criteria were edited.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook
from sqlalchemy import delete, insert, update
from sqlmodel import Session, select
from xlsxwriter import Workbook

from models.assessment import Assessment, SelfCheckStatus, SelfScore, assessed_units
from models.audit import record
from models.cycle import Cycle, get_cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.district import district_profile
from models.scoring import ZERO
from models.stages import INTAKE_CLOSED, STAGE_LABELS
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
    open_workbook,
    parse_points,
    save_filled,
    set_widths,
    sheet_rows,
    template_parts,
    write_styled,
)
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.core.errors import ImportReport, IntakeError, Problem
from zwgk.core.filenames import join_name
from zwgk.intake.forms import (
    KIND_LABELS,
    SCORE_WORKBOOK_KIND,
    SELF_CHECK_KIND,
    CriterionLine,
    criteria_checksum,
    other_unit_named,
    printed_problems,
    range_problem,
    read_identity,
    regular_criteria,
    write_identity,
)

SHEET = "自查评分表"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
TOTAL_LABEL = "合计"
# column letter, header, width
COLUMNS = [("A", "序号", 6), ("B", "指标编号", 10), ("C", "内容", 12), ("D", "一级指标", 18),
           ("E", "二级指标（考核内容）", 60), ("F", "分值", 8), ("G", "自评分", 10),
           ("H", "自评说明及佐证材料", 44)]
HEADERS = [h for _, h, _ in COLUMNS]
SCORE_COL, NOTE_COL = "G", "H"


def form_path(out_dir: Path, year: int, unit_name: str) -> Path:
    """Where the self-check form of a unit is written."""
    return out_dir / join_name(f"{year}年度政务公开工作自查评分表", unit_name, suffix=".xlsx")


def write_self_check_forms(session: Session, *, year: int, out_dir: Path,
                           unit_ids: Collection[int] | None = None) -> list[Path]:
    """Write one pre-filled self-check form per unit assessed in ``year`` (or per unit of
    ``unit_ids``; overwrites; idempotent).

    The criteria, their points and the unit are filled in and locked; the self-score and
    explanation columns are left for the unit.
    """
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    lines = regular_criteria(session, cycle.id)
    due = dict(session.exec(
        select(Deadline.unit_id, Deadline.due_on).where(
            Deadline.cycle_id == cycle.id, Deadline.kind == DeadlineKind.SELF_CHECK)
        .order_by(Deadline.round)  # type: ignore[arg-type]
    ).all())
    out_dir.mkdir(parents=True, exist_ok=True)
    # One saved workbook per category with placeholders for the unit's texts, copied for each
    # unit with its texts put in: the styled criteria table is built and written once.
    templates: dict[str, dict[str, bytes]] = {}
    labels = category_labels(session)
    paths = []
    office = district_profile(session).organ("office").name
    for _, unit in assessed_units(session, cycle.id):
        if unit_ids is not None and unit.id not in unit_ids:
            continue
        if unit.category not in templates:
            templates[unit.category] = template_parts(
                partial(_template, year=year, label=labels[unit.category], lines=lines[unit.category]),
                lock_structure=True)
        due_on = due.get(unit.id)
        deadline = f"请于 {due_on.year}年{due_on.month}月{due_on.day}日前" if due_on else "请按自查通知要求的期限"
        path = form_path(out_dir, year, unit.name)
        save_filled(templates[unit.category], path, {
            _UNIT: unit.name,
            _NOTE: (f"填表说明：请逐项填写“自评分”（0 至该项分值之间的数字，最多一位小数）和“自评说明及佐证材料”，"
                    f"不要改动其他内容，{deadline}将本表（.xlsx）连同书面自查材料报送{office}。"),
            _CHECKSUM: criteria_checksum(year, unit.name, lines[unit.category])})
        paths.append(path)
    return paths


# Placeholders in a category's template for the texts that differ between units.
_UNIT, _NOTE, _CHECKSUM = "{zwgk:unit}", "{zwgk:note}", "{zwgk:checksum}"


def _template(workbook: Workbook, *, year: int, label: str, lines: list[CriterionLine]) -> None:
    styles = add_styles(workbook)
    sheet = workbook.add_worksheet(SHEET)
    last = len(COLUMNS) - 1
    sheet.merge_range(0, 0, 0, last, f"{year}年度政务公开工作考核自查评分表", styles[TITLE])
    sheet.merge_range(1, 0, 1, 4, f"单位：{_UNIT}")
    sheet.merge_range(1, 5, 1, last, f"类别：{label}")
    sheet.merge_range(2, 0, 2, last, _NOTE, styles[NOTE])
    sheet.set_row(2, 32)
    write_styled(sheet, HEADER_ROW - 1, HEADERS, [styles[HEADER]] * len(COLUMNS))
    set_widths(sheet, [width for _, _, width in COLUMNS])
    row_styles = [styles[s] for s in (CELL, CELL, TEXT, TEXT, TEXT, CELL, INPUT, INPUT)]
    for seq, line in enumerate(lines, start=1):
        write_styled(sheet, HEADER_ROW - 1 + seq, [seq, line.ref, line.area, line.level1, line.text, line.points],
                     row_styles)
    total = FIRST_ROW - 1 + len(lines)  # 0-based row of the total
    write_styled(sheet, total, [TOTAL_LABEL, None, None, None, None, sum((line.points for line in lines), start=ZERO)],
                 [styles[BOLD]] * len(COLUMNS))
    sheet.write_formula(total, 6, f"=SUM({SCORE_COL}{FIRST_ROW}:{SCORE_COL}{total})", styles[BOLD])
    sheet.freeze_panes(FIRST_ROW - 1, 0)
    sheet.protect()  # criteria locked; only the yellow cells take input
    write_identity(workbook, SELF_CHECK_KIND, year, [(SHEET, _UNIT, _CHECKSUM)])


@dataclass(frozen=True)
class _Form:
    file: str
    sha256: str
    unit: str
    assessment_id: int
    scores: list[tuple[int, Decimal, str]]  # criterion id, self-score, explanation

    @property
    def total(self) -> Decimal:
        return sum((points for _, points, _ in self.scores), start=ZERO)


@dataclass(frozen=True)
class _Context:
    year: int
    units: dict[str, tuple[int, str]]  # unit name → its assessment id and category
    lines: dict[str, list[CriterionLine]]
    only_unit: str | None = None


#: Forms staged in the database per batch of statements while the files are still being read.
STAGE_EVERY = 100


def import_self_checks(session: Session, *, year: int, files: list[Path], received_on: date,
                       only_unit: str | None = None, by: str = OFFICE_ACTOR) -> ImportReport:
    """Read filled self-check forms and store them, all or nothing.

    Every file is checked; if any has a problem, nothing is written and the report lists every
    problem (file, sheet, row, column, what is wrong). Otherwise each form's self-scores, total
    and SHA-256 are stored, the receipt date and lateness against the unit's self-check
    deadline recorded, and the deadline marked met. A file already stored (same SHA-256) changes
    nothing; a corrected file replaces the unit's self-scores but keeps its first receipt date.

    Memory does not grow with the batch: files are read one at a time, and the figures of the
    valid ones are written every ``STAGE_EVERY`` forms inside one transaction, committed at the
    end only when no file had a problem (rolled back otherwise).

    With ``only_unit`` (a unit sending its own form) a form of any other unit is a problem.
    A file whose name names another unit than the one its form belongs to is imported as the
    form's unit and flagged in ``warnings``; the import is audited as done ``by``.
    """
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    ensure_receiving(cycle)
    context = _context(session, year, cycle.id, only_unit)
    seen: dict[str, tuple[str, str]] = {}  # unit → (file, SHA-256) of its first form in the batch
    problems: list[Problem] = []
    report = ImportReport()
    pending: list[_Form] = []
    stored_files: dict[str, str] = {}  # file → SHA-256 of every form that changed something
    warnings: list[str] = []
    try:
        for path in files:
            form, found = _read_form(path, context)
            problems += found
            if form is None:
                continue
            other = seen.get(form.unit)
            if other is None:
                seen[form.unit] = (form.file, form.sha256)
                if not problems:
                    pending.append(form)  # once a file is refused nothing is written: only check the rest
                if (named := other_unit_named(form.file, form.unit, context.units)) is not None:
                    warnings.append(f"{form.file}：文件名是“{named}”，内容是“{form.unit}”的自查评分表，已按“{form.unit}”导入；"
                                    f"请核对“{named}”是否已报送 (file named after another unit)")
            elif other[1] != form.sha256:
                problems.append(Problem(form.file, f"与 {other[0]} 都是“{form.unit}”的自查评分表且内容不同，请只导入其中一份"))
            if len(pending) >= STAGE_EVERY:
                stored_files |= _stage(session, cycle.id, pending, received_on, report)
                pending = []
        if problems:
            session.rollback()
            return ImportReport(problems=problems)
        stored_files |= _stage(session, cycle.id, pending, received_on, report)
        if stored_files:  # the same forms again change nothing, and are not an action to audit
            record(session, actor=by, action="self_check.import", cycle_id=cycle.id,
                   detail={"files": stored_files, "units": report.stored, "received_on": received_on})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    report.warnings = warnings
    return report


def ensure_receiving(cycle: Cycle) -> None:
    """Go on only while the cycle receives self-check forms and evidence (IntakeError otherwise):
    not once the group's scores are confirmed, nor in a withdrawn cycle."""
    if cycle.stage in INTAKE_CLOSED:
        raise IntakeError(f"{cycle.year} 年度考核当前处于“{STAGE_LABELS[cycle.stage]}”阶段，不再接收自查评分表和佐证材料 "
                          f"(self-check forms and evidence are no longer received at this stage)")


def _context(session: Session, year: int, cycle_id: int, only_unit: str | None) -> _Context:
    return _Context(year=year, units={unit.name: (assessment.id, unit.category)  # type: ignore[misc]
                                      for assessment, unit in assessed_units(session, cycle_id)},
                    lines=regular_criteria(session, cycle_id), only_unit=only_unit)


@dataclass(frozen=True)
class CheckedForm:
    """One unit's form read and checked, not yet stored (``read_form``), or its problems."""

    cycle_id: int
    form: _Form | None
    problems: list[Problem]


def read_form(session: Session, *, year: int, cycle_id: int, assessment: Assessment, unit: Unit,
              path: Path) -> CheckedForm:
    """Read and check the form ``unit`` sends itself, writing nothing: the reading, the slow
    part, stays out of the transaction that stores it (``store_form``), which other writers wait
    for. The unit and its assessment are the caller's (it found them to lock them)."""
    context = _Context(year=year, units={unit.name: (assessment.id, unit.category)},  # type: ignore[dict-item]
                       lines=regular_criteria(session, cycle_id, unit.category), only_unit=unit.name)
    form, problems = _read_form(path, context)
    return CheckedForm(cycle_id, form, problems)


def store_form(session: Session, checked: CheckedForm, *, received_on: date, by: str) -> ImportReport:
    """Store a form ``read_form`` accepted, as ``import_self_checks`` would, and flush: the
    caller commits (an upload and its import are one transaction)."""
    if checked.form is None:
        return ImportReport(problems=checked.problems)
    report = ImportReport()
    stored = _stage(session, checked.cycle_id, [checked.form], received_on, report)
    if stored:
        record(session, actor=by, action="self_check.import", cycle_id=checked.cycle_id,
               detail={"files": stored, "units": report.stored, "received_on": received_on})
    session.flush()
    return report


def _read_form(path: Path, context: _Context) -> tuple[_Form | None, list[Problem]]:
    workbook, problem = open_workbook(path)
    if workbook is None:
        assert problem is not None
        return None, [problem]
    try:
        return _parse_form(path, workbook, context)
    except CalamineError:
        return None, [Problem(path.name, NOT_XLSX)]
    finally:
        workbook.close()


def _parse_form(path: Path, workbook: CalamineWorkbook, context: _Context) -> tuple[_Form | None, list[Problem]]:
    name = path.name
    identity = read_identity(workbook)
    if identity is None or identity.kind != SELF_CHECK_KIND or len(identity.entries) != 1:
        if identity is not None and identity.kind == SCORE_WORKBOOK_KIND:
            return None, [Problem(name, f"这是{KIND_LABELS[SCORE_WORKBOOK_KIND]}，请用 zwgk scores import 导入")]
        return None, [Problem(name, "不是本系统生成的自查评分表（缺少识别信息），请使用 zwgk self-check forms 生成的表格填写")]
    if identity.year != context.year:
        return None, [Problem(name, f"这是 {identity.year} 年度的自查评分表，不能导入 {context.year} 年度")]
    [(sheet_name, (unit_name, checksum))] = identity.entries.items()
    if context.only_unit is not None and unit_name != context.only_unit:
        return None, [Problem(name, f"这是“{unit_name}”的自查评分表，这里只能报送“{context.only_unit}”的")]
    if unit_name not in context.units:
        return None, [Problem(name, f"单位“{unit_name}”不是 {context.year} 年度被考核单位，不能导入")]
    if sheet_name not in workbook.sheet_names:
        return None, [Problem(name, f"缺少工作表“{sheet_name}”", sheet=sheet_name)]
    assessment_id, category = context.units[unit_name]
    lines = context.lines[category]
    rows = sheet_rows(workbook, sheet_name, len(COLUMNS))
    scores, problems = _check_rows(name, sheet_name, unit_name, lines, rows)
    if problems:
        return None, problems
    if checksum != criteria_checksum(context.year, unit_name, lines):
        return None, [Problem(name, "表格识别信息与本年度指标不一致（表格生成后识别信息被改动或分值已调整），"
                                    "请使用最新生成的自查评分表", sheet=sheet_name)]
    return _Form(file=name, sha256=file_sha256(path), unit=unit_name, assessment_id=assessment_id,
                 scores=scores), []


def _check_rows(file: str, sheet: str, unit_name: str, lines: list[CriterionLine],
                rows: list[tuple[object, ...]]) -> tuple[list[tuple[int, Decimal, str]], list[Problem]]:
    """The self-scores (criterion id, points, explanation) in the annex's order, and the problems."""
    problem = partial(Problem, file, sheet=sheet)
    if len(rows) < HEADER_ROW or [cell_text(v) for v in rows[HEADER_ROW - 1]] != HEADERS:
        return [], [problem("表头被改动，应为：" + "、".join(HEADERS), row=HEADER_ROW)]
    problems = []
    if cell_text(rows[1][0]) != f"单位：{unit_name}":
        problems.append(problem(f"单位名称被改动，应为“单位：{unit_name}”", row=2, column="A"))
    expected = {line.ref: line for line in lines}
    seen: set[str] = set()
    scores: dict[str, tuple[int, Decimal, str]] = {}
    for number, values in enumerate(rows[FIRST_ROW - 1:], start=FIRST_ROW):
        if cell_text(values[0]) == TOTAL_LABEL:
            break
        ref = cell_text(values[1]).upper()
        if not ref:
            if any(cell_text(v) for v in values):
                problems.append(problem("指标编号为空，本表不能增加行", row=number, column="B"))
            continue
        if ref not in expected:
            problems.append(problem(f"指标编号“{ref}”不是本单位自查评分表应有的指标", row=number, column="B"))
            continue
        if ref in seen:
            problems.append(problem(f"指标 {ref} 重复出现", row=number, column="B"))
            continue
        seen.add(ref)
        points, found = _check_line(expected[ref], values, number, problem)
        problems += found
        if points is not None:
            scores[ref] = (expected[ref].id, points, cell_text(values[7]))
    problems += [problem(f"缺少指标 {line.ref}（{line.text[:20]}…）所在的行，请勿删除指标行")
                 for line in lines if line.ref not in seen]
    return [scores[line.ref] for line in lines if line.ref in scores], problems


def _check_line(line: CriterionLine, values: tuple[object, ...], number: int,
                problem: Callable[..., Problem]) -> tuple[Decimal | None, list[Problem]]:
    """The self-score of a criterion row (None when it is wrong) and the row's problems."""
    found = printed_problems(line, {"area": ("C", values[2]), "level1": ("D", values[3]),
                                    "text": ("E", values[4]), "points": ("F", values[5])}, number, problem)
    try:
        points = parse_points(values[6])
    except ValueError as exc:
        return None, [*found, problem(f"自评分{exc}", row=number, column=SCORE_COL)]
    why = f"指标 {line.ref} 未填写自评分" if points is None else range_problem(points, line, "自评分")
    if why:
        return None, [*found, problem(why, row=number, column=SCORE_COL)]
    return points, found


def _stage(session: Session, cycle_id: int, forms: list[_Form], received_on: date,
           report: ImportReport) -> dict[str, str]:
    """Write ``forms`` (units not staged before in this transaction) and add them to ``report``;
    the caller commits. Returns the file name and SHA-256 of each form that changed something."""
    if not forms:
        return {}
    ids = [f.assessment_id for f in forms]
    current = {a.id: a for a in session.exec(
        select(Assessment).where(Assessment.id.in_(ids))  # type: ignore[union-attr]
        # Row locks (PostgreSQL) queue a concurrent import of the same units behind this one,
        # so its DELETE sees our rows; SQLite serialises writers anyway.
        .with_for_update().execution_options(populate_existing=True))}
    changed = [f for f in forms if current[f.assessment_id].self_check_sha256 != f.sha256]
    changed_ids = {f.assessment_id for f in changed}
    report.unchanged += [f.unit for f in forms if f.assessment_id not in changed_ids]
    if not changed:
        return {}
    unit_of = {f.assessment_id: current[f.assessment_id].unit_id for f in changed}
    deadlines = {d.unit_id: d for d in session.exec(
        select(Deadline).where(Deadline.cycle_id == cycle_id, Deadline.kind == DeadlineKind.SELF_CHECK,
                               Deadline.unit_id.in_(unit_of.values()))  # type: ignore[union-attr]
        .order_by(Deadline.round))}  # type: ignore[arg-type]
    updates, met = [], []
    for form in changed:
        assessment = current[form.assessment_id]
        deadline = deadlines.get(assessment.unit_id)
        first = assessment.self_check_status in (SelfCheckStatus.RECEIVED, SelfCheckStatus.LATE)
        on = assessment.self_check_received_on if first and assessment.self_check_received_on else received_on
        late = deadline is not None and on > deadline.due_on
        status = SelfCheckStatus.LATE if late else SelfCheckStatus.RECEIVED
        updates.append({"id": form.assessment_id, "self_check_sha256": form.sha256, "self_score": form.total,
                        "self_check_status": status, "self_check_received_on": on})
        if late:
            report.late.append(form.unit)
        if deadline is not None and deadline.state is not DeadlineState.MET:
            met.append({"id": deadline.id, "state": DeadlineState.MET, "met_on": on})
        report.stored.append(form.unit)
    # Batched: one DELETE, one multi-row INSERT, one executemany UPDATE per table.
    session.execute(delete(SelfScore).where(SelfScore.assessment_id.in_(changed_ids)))  # type: ignore[attr-defined]
    session.execute(insert(SelfScore), [
        {"assessment_id": f.assessment_id, "criterion_id": cid, "points": pts, "explanation": note}
        for f in changed for cid, pts, note in f.scores])
    session.execute(update(Assessment), updates)
    if met:
        session.execute(update(Deadline), met)
    return {f.file: f.sha256 for f in changed}
