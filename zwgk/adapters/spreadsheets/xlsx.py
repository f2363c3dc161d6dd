"""Writing and reading .xlsx files: xlsxwriter workbooks with the forms' styles, copies of a saved
workbook with their texts filled in, and cells read back with python-calamine (values, points)."""

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from python_calamine import CalamineError, CalamineWorkbook
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from models.types import ONE_PLACE
from zwgk.adapters.files import input_problem
from zwgk.adapters.spreadsheets.safety import spreadsheet_problem
from zwgk.core.errors import Problem

HEADER, CELL, TEXT, INPUT, TITLE, NOTE, BOLD = "zwgk表头", "zwgk单元格", "zwgk文字", "zwgk填写", "zwgk标题", "zwgk说明", "zwgk加粗"
_BOX = {"border": 1, "border_color": "#999999"}
_STYLES: dict[str, dict[str, Any]] = {
    HEADER: {"bold": True, "bg_color": "#DDEBF7", **_BOX, "text_wrap": True, "valign": "vcenter", "align": "center"},
    CELL: {**_BOX, "valign": "vcenter"},
    TEXT: {**_BOX, "text_wrap": True, "valign": "vcenter"},
    # The only cells a unit or the group fills: unlocked under the sheet's protection.
    INPUT: {**_BOX, "text_wrap": True, "valign": "vcenter", "bg_color": "#FFF2CC", "locked": False,
            "num_format": "0.0"},
    TITLE: {"bold": True, "font_size": 14, "align": "center"},
    NOTE: {"text_wrap": True, "valign": "vcenter"},
    BOLD: {"bold": True},
}


def new_workbook(target: Path | BinaryIO, *, streaming: bool = False) -> Workbook:
    """An xlsxwriter workbook writing to ``target``. Texts are always texts (a finding that starts
    with "=" or "http" stays a text). ``streaming`` writes each sheet's rows to a temporary file
    as they are added (rows in order), so memory stays flat however many sheets there are."""
    return Workbook(str(target) if isinstance(target, Path) else target, {"strings_to_formulas": False, "strings_to_urls": False,
                             "strings_to_numbers": False, "constant_memory": streaming,
                             "in_memory": isinstance(target, BytesIO)})


def add_styles(workbook: Workbook) -> dict[str, Format]:
    """The formats the forms use, by name, registered on ``workbook``."""
    return {name: workbook.add_format(properties) for name, properties in _STYLES.items()}


def template_parts(build: Callable[[Workbook], None], *, lock_structure: bool = False) -> dict[str, bytes]:
    """The parts of the .xlsx that ``build`` makes of a new workbook, for ``save_filled`` to write
    copies of it. ``lock_structure`` protects the workbook's structure (no sheet added, deleted,
    renamed or unhidden), which xlsxwriter cannot set: the element goes into workbook.xml here."""
    buffer = BytesIO()
    workbook = new_workbook(buffer)
    build(workbook)
    workbook.close()
    with ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    if lock_structure:
        # The schema puts workbookProtection right after workbookPr, which xlsxwriter always writes.
        head, pr, tail = parts["xl/workbook.xml"].partition(b"<workbookPr")
        end = tail.index(b"/>") + 2
        parts["xl/workbook.xml"] = head + pr + tail[:end] + b'<workbookProtection lockStructure="1"/>' + tail[end:]
    return parts


def save_filled(parts: dict[str, bytes], path: Path, values: dict[str, str]) -> None:
    """Write the saved workbook ``parts`` to ``path`` with each placeholder text in ``values``
    replaced wherever it occurs in the XML (the shared strings): a copy differing only in its
    texts costs no cell writing or styling again."""
    marks = [(placeholder.encode("utf-8"), escape(text).encode("utf-8")) for placeholder, text in values.items()]
    with ZipFile(path, "w", ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name.endswith(".xml"):
                for placeholder, text in marks:
                    data = data.replace(placeholder, text)
            archive.writestr(name, data)


NOT_XLSX = "不是有效的 .xlsx 文件，请用 Excel/WPS 另存为 .xlsx 后重新导入 (not a valid .xlsx file)"


def open_workbook(path: Path) -> tuple[CalamineWorkbook | None, Problem | None]:
    """Open an .xlsx for import (python-calamine: values only, sheets read on demand), or say in
    Chinese why it cannot be opened: missing, too large, or refused by zwgk.adapters.spreadsheets.safety."""
    name = path.name
    why = input_problem(path) or spreadsheet_problem(path)
    if why is not None:
        return None, Problem(name, why)
    try:
        return CalamineWorkbook.from_path(str(path)), None
    except (CalamineError, OSError, ValueError):
        return None, Problem(name, NOT_XLSX)


def sheet_rows(workbook: CalamineWorkbook, title: str, width: int | None = None) -> list[tuple[object, ...]]:
    """The rows of sheet ``title`` from row 1, ``width`` cells each (default: as wide as the
    sheet): blanks as None and whole numbers as int (calamine reads every number as a float),
    the rest as read. Raises CalamineError when the sheet's XML cannot be read."""
    rows = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    # Not the sheet's total_width: calamine gives the last column's index there, one short.
    width = max(map(len, rows), default=0) if width is None else width
    return [tuple(_value(v) for v in row[:width]) + (None,) * (width - len(row)) for row in rows]


def _value(value: object) -> object:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


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


def write_styled(sheet: Worksheet, row: int, values: Sequence[object], styles: Sequence[Format]) -> None:
    """Write ``values`` into ``row`` (0-based) from column A on with ``styles`` (blanks after the
    values keep their style)."""
    for col, style in enumerate(styles):
        sheet.write(row, col, values[col] if col < len(values) else None, style)


def set_widths(sheet: Worksheet, widths: list[float]) -> None:
    """Column widths from column A on."""
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
