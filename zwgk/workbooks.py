"""What the self-check forms and the group's score workbook share: the criteria they list, the
hidden identification sheet, cell parsing, styles, and the problems an import reports."""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, BadZipFile, ZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from models.catalog import Criterion, CriterionKind
from models.cycle import scheme_points
from models.types import ONE_PLACE
from models.units import Category
from zwgk.inputs import input_problem

ID_SHEET = "_zwgk"
SELF_CHECK_KIND = "self-check-form"
SCORE_WORKBOOK_KIND = "score-workbook"
KIND_LABELS = {SELF_CHECK_KIND: "自查评分表", SCORE_WORKBOOK_KIND: "考核评分工作簿"}

_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
# Named styles, registered once per workbook: assigning one to a cell is a lookup, where
# setting font, fill and border one by one costs openpyxl a hash of each per cell.
HEADER, CELL, TEXT, INPUT, TITLE, NOTE, BOLD = "zwgk表头", "zwgk单元格", "zwgk文字", "zwgk填写", "zwgk标题", "zwgk说明", "zwgk加粗"


def add_styles(workbook: Workbook) -> dict[str, StyleArray]:
    """Register the named styles the forms use on ``workbook``; their style arrays by name, for
    ``styled``."""
    unlocked = Protection(locked=False)
    arrays = {}
    for style in (
        NamedStyle(HEADER, font=Font(bold=True), fill=PatternFill("solid", fgColor="DDEBF7"), border=_BOX,
                   alignment=Alignment(wrap_text=True, vertical="center", horizontal="center")),
        NamedStyle(CELL, border=_BOX, alignment=Alignment(vertical="center")),
        NamedStyle(TEXT, border=_BOX, alignment=_WRAP),
        NamedStyle(INPUT, border=_BOX, alignment=_WRAP, fill=PatternFill("solid", fgColor="FFF2CC"),
                   protection=unlocked, number_format="0.0"),
        NamedStyle(TITLE, font=Font(bold=True, size=14), alignment=Alignment(horizontal="center")),
        NamedStyle(NOTE, alignment=_WRAP),
        NamedStyle(BOLD, font=Font(bold=True)),
    ):
        workbook.add_named_style(style)
        arrays[style.name] = style.as_tuple()
    return arrays


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file, located as precisely as the file allows."""

    file: str
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"{self.column} 列")
        return " ".join(where) + "：" + self.message


@dataclass
class ImportReport:
    """What an import did: units stored, units whose file was already stored, and problems.

    When ``problems`` is not empty nothing was written.
    """

    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported, but worth a second look

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view with stable keys."""
        return {
            "ok": self.ok,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "late": self.late,
            "warnings": self.warnings,
            "problems": [
                {"file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column,
                 "message": p.message, "text": str(p)}
                for p in self.problems
            ],
        }


@dataclass(frozen=True)
class CriterionLine:
    """A regular criterion as the forms print it, with the year's points."""

    id: int
    ref: str
    area: str
    level1: str
    text: str
    points: Decimal


def regular_criteria(session: Session, cycle_id: int) -> dict[Category, list[CriterionLine]]:
    """The regular criteria of each category with the cycle's points, in the annex's order."""
    points = scheme_points(session, cycle_id)
    lines: dict[Category, list[CriterionLine]] = {c: [] for c in Category}
    for c in session.exec(
        select(Criterion).where(Criterion.kind == CriterionKind.REGULAR).order_by(Criterion.seq)
    ):
        if c.ref in points:
            assert c.id is not None
            lines[c.category].append(CriterionLine(
                id=c.id, ref=c.ref, area=c.area, level1=c.level1, text=c.text, points=points[c.ref]))
    return lines


def criteria_checksum(year: int, unit: str, lines: list[CriterionLine]) -> str:
    """A short digest of the year, the unit and its criteria as printed on its form."""
    digest = hashlib.sha256(f"{year}\n{unit}".encode())
    for line in lines:
        digest.update(f"\n{line.ref}\t{line.level1}\t{line.text}\t{line.points}".encode())
    return digest.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def template_parts(workbook: Workbook) -> dict[str, bytes]:
    """The parts of ``workbook`` saved as .xlsx, for ``save_filled`` to write copies of it."""
    buffer = BytesIO()
    workbook.save(buffer)
    with ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def save_filled(parts: dict[str, bytes], path: Path, values: dict[str, str]) -> None:
    """Write the saved workbook ``parts`` to ``path`` with each placeholder text in ``values``
    replaced wherever it occurs in the XML (openpyxl writes texts inline): a copy differing only
    in its texts costs no cell writing or styling again."""
    marks = [(placeholder.encode("utf-8"), escape(text).encode("utf-8")) for placeholder, text in values.items()]
    with ZipFile(path, "w", ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name.endswith(".xml"):
                for placeholder, text in marks:
                    data = data.replace(placeholder, text)
            archive.writestr(name, data)


def write_identity(workbook: Workbook, kind: str, year: int, entries: list[tuple[str, str, str]]) -> None:
    """Add the hidden identification sheet: the kind and year, then (sheet, unit, checksum) rows."""
    sheet = workbook.create_sheet(ID_SHEET)
    sheet.append([kind, year])
    for entry in entries:
        sheet.append([text_cell(sheet, text) for text in entry])
    sheet.sheet_state = "veryHidden"  # not even listed under Unhide in Excel/WPS
    sheet.protection.sheet = True


@dataclass(frozen=True)
class Identity:
    """What the identification sheet says about a workbook."""

    kind: str
    year: int | None
    entries: dict[str, tuple[str, str]]  # sheet title → (unit name, checksum)


def read_identity(workbook: Workbook) -> Identity | None:
    """The identification of a workbook written by zwgk, or None when it has none."""
    if ID_SHEET not in workbook.sheetnames:
        return None
    rows = [[("" if v is None else str(v)) for v in r] for r in workbook[ID_SHEET].iter_rows(values_only=True)]
    if not rows or len(rows[0]) < 2:
        return None
    year = int(rows[0][1]) if rows[0][1].isdigit() else None
    entries = {r[0]: (r[1], r[2]) for r in rows[1:] if len(r) >= 3}
    return Identity(kind=rows[0][0], year=year, entries=entries)


def open_workbook(path: Path) -> tuple[Workbook | None, Problem | None]:
    """Open an .xlsx read-only for import, or say in Chinese why it cannot be opened."""
    name = path.name
    why = input_problem(path)
    if why is not None:
        return None, Problem(name, why)
    try:
        return load_workbook(path, read_only=True, data_only=True), None
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        return None, Problem(name, "不是有效的 .xlsx 文件，请用 Excel/WPS 另存为 .xlsx 后重新导入 (not a valid .xlsx file)")


def cell_text(value: object) -> str:
    """A cell's value as stripped text ('' for an empty cell)."""
    return "" if value is None else str(value).strip()


def parse_points(value: object) -> Decimal | None:
    """A number of points from a cell: None when empty; ValueError (Chinese) when not a number
    or with more than one decimal place."""
    text = cell_text(value)
    if not text:
        return None
    if isinstance(value, bool):
        raise ValueError(f"“{text}”不是数字")
    try:
        number = Decimal(str(value)) if isinstance(value, (int, float, Decimal)) else Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}”不是数字，请填写数字 (not a number)") from None
    if not number.is_finite():
        raise ValueError(f"“{text}”不是数字，请填写数字 (not a number)")
    if number != number.quantize(ONE_PLACE):
        raise ValueError(f"{text} 超过一位小数，分数最多保留一位小数 (one decimal place at most)")
    return number.quantize(ONE_PLACE)


def same_points(value: object, points: Decimal) -> bool:
    """True when a printed points cell still shows ``points``."""
    try:
        return parse_points(value) == points
    except ValueError:
        return False


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


def style_row(sheet: Worksheet, row: int, styles: list[str]) -> None:
    """Give the cells of ``row`` the named ``styles``, from column A on."""
    for col, style in enumerate(styles, start=1):
        sheet.cell(row=row, column=col).style = style


def styled(sheet: WriteOnlyWorksheet, values: Sequence[object], styles: Sequence[StyleArray]) -> list[WriteOnlyCell]:
    """A row for ``sheet.append`` in write-only mode: ``values`` (blanks after them) with
    ``styles`` (arrays from ``add_styles``), from column A on."""
    cells = []
    for col, style in enumerate(styles):
        value = values[col] if col < len(values) else None
        cell = text_cell(sheet, value) if isinstance(value, str) else WriteOnlyCell(sheet, value)
        # Shared, never changed: the writer only reads it. Assigning the style by name would
        # look it up and copy it for every cell.
        cell._style = style
        cells.append(cell)
    return cells


def text_cell(sheet: Worksheet | WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A cell (for ``sheet.append``, in either mode) holding ``text`` as text: a unit name or
    finding that begins with = + - @ is shown as typed, never evaluated as a formula.
    (In xlsxwriter this is ``write_string``.)"""
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    return cell


def set_widths(sheet: Worksheet | WriteOnlyWorksheet, widths: list[float]) -> None:
    """Column widths from column A on."""
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
