"""What the self-check forms and the group's score workbook share: the criteria they list with
the year's points, the very hidden identification sheet that tells zwgk's own forms apart,
and the checks of a printed criterion row read back."""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from python_calamine import CalamineWorkbook
from sqlmodel import Session, col, select
from xlsxwriter import Workbook

from models.catalog import Criterion, CriterionKind, SchemePoint
from models.units import UnitCategory
from zwgk.adapters.spreadsheets.xlsx import cell_text, same_points, sheet_rows
from zwgk.core.errors import Problem
from zwgk.core.filenames import safe_name

ID_SHEET = "_zwgk"


SELF_CHECK_KIND = "self-check-form"


SCORE_WORKBOOK_KIND = "score-workbook"


KIND_LABELS = {SELF_CHECK_KIND: "自查评分表", SCORE_WORKBOOK_KIND: "考核评分工作簿"}


@dataclass(frozen=True)
class CriterionLine:
    """A regular criterion as the forms print it, with the year's points."""

    id: int
    ref: str
    area: str
    level1: str
    text: str
    points: Decimal


def regular_criteria(session: Session, cycle_id: int, category: str | None = None) -> dict[str, list[CriterionLine]]:
    """The regular criteria of each category (or of ``category`` only) with the cycle's points,
    in the annex's order."""
    lines: dict[str, list[CriterionLine]] = {key: [] for key in session.exec(
        select(UnitCategory.key).order_by(col(UnitCategory.seq)))}
    # Columns, not ORM objects: every form a unit sends is checked against these lines.
    query = (select(Criterion.id, Criterion.ref, Criterion.area, Criterion.level1, Criterion.text, Criterion.category,
                    SchemePoint.points)
             .join(SchemePoint, (col(SchemePoint.criterion_id) == Criterion.id) & (SchemePoint.cycle_id == cycle_id))
             .where(Criterion.kind == CriterionKind.REGULAR))
    if category is not None:
        query = query.where(Criterion.category == category)
    for id_, ref, area, level1, text, key, points in session.exec(query.order_by(col(Criterion.seq))):
        lines[key].append(CriterionLine(id=id_, ref=ref, area=area, level1=level1, text=text, points=points))
    return lines


def criteria_checksum(year: int, unit: str, lines: list[CriterionLine]) -> str:
    """A short digest of the year, the unit and its criteria as printed on its form."""
    digest = hashlib.sha256(f"{year}\n{unit}".encode())
    for line in lines:
        digest.update(f"\n{line.ref}\t{line.level1}\t{line.text}\t{line.points}".encode())
    return digest.hexdigest()[:16]


def write_identity(workbook: Workbook, kind: str, year: int, entries: list[tuple[str, str, str]]) -> None:
    """Add the hidden identification sheet: the kind and year, then (sheet, unit, checksum) rows."""
    sheet = workbook.add_worksheet(ID_SHEET)
    sheet.write_row(0, 0, [kind, year])
    for row, entry in enumerate(entries, start=1):
        sheet.write_row(row, 0, entry)
    sheet.very_hidden()  # not even listed under Unhide in Excel/WPS
    sheet.protect()


@dataclass(frozen=True)
class Identity:
    """What the identification sheet says about a workbook."""

    kind: str
    year: int | None
    entries: dict[str, tuple[str, str]]  # sheet title → (unit name, checksum)


def read_identity(workbook: CalamineWorkbook) -> Identity | None:
    """The identification of a workbook written by zwgk, or None when it has none."""
    if ID_SHEET not in workbook.sheet_names:
        return None
    rows = [[cell_text(v) for v in r] for r in sheet_rows(workbook, ID_SHEET, 3)]
    if not rows or not rows[0][1]:
        return None
    year = int(rows[0][1]) if rows[0][1].isdigit() else None
    entries = {r[0]: (r[1], r[2]) for r in rows[1:] if r[0]}
    return Identity(kind=rows[0][0], year=year, entries=entries)


def range_problem(points: Decimal, line: CriterionLine, label: str) -> str:
    """Why ``points`` cannot be given on ``line`` ('' when it can)."""
    if points < 0:
        return f"{label} {points} 不能为负数"
    if points > line.points:
        return f"{label} {points} 超过该指标分值 {line.points}"
    return ""


PRINTED_LABELS = {"area": "内容", "level1": "一级指标", "text": "二级指标", "points": "分值"}


def printed_problems(line: CriterionLine, cells: dict[str, tuple[str, object]], row: int,
                     problem: Callable[..., Problem]) -> list[Problem]:
    """Problems where a printed criterion cell no longer shows what was printed.

    ``cells`` maps a field of CriterionLine (area, level1, text, points) to its column letter
    and the value read.
    """
    found = []
    for name, (letter, value) in cells.items():
        want = getattr(line, name)
        same = same_points(value, want) if name == "points" else cell_text(value) == want
        if not same:
            found.append(problem(f"指标 {line.ref} 的{PRINTED_LABELS[name]}被改动，应为：{want}",
                                 row=row, column=letter))
    return found


def other_unit_named(file_name: str, unit: str, units: Iterable[str]) -> str | None:
    """The unit a file's name names when it is not ``unit`` (whose form the file holds), else
    None. Names are compared as they are and as file names write them; the longest wins, so
    that 区教育局 is not taken for 教育局."""
    def named(name: str) -> bool:
        return name in file_name or safe_name(name) in file_name

    if named(unit):
        return None
    return max((name for name in units if name != unit and named(name)), key=len, default=None)
