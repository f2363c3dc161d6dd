"""Reading the spreadsheets and CSV files users hand in, with row numbers for messages."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from zwgk.workbooks import cell_text, sheet_rows


class TableError(ValueError):
    """A file that cannot be read as a table at all."""


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based row number as a spreadsheet shows it, and cells by header."""

    number: int
    cells: dict[str, str]


def read_rows(path: Path, aliases: dict[str, str]) -> tuple[str, list[Row]]:
    """Read a CSV or .xlsx (first sheet) whose first row is a header.

    ``aliases`` maps every accepted header text (e.g. 单位名称) to a field name; unknown
    columns are ignored. Returns the sheet name (the file name for CSV) and the rows,
    skipping rows that are entirely empty.
    """
    if not path.is_file():
        raise TableError(f"{path}: 文件不存在 (file not found)")
    if path.stat().st_size == 0:
        raise TableError(f"{path.name}: 文件为空 (empty file)")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheet, raw = path.name, _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        sheet, raw = _xlsx_rows(path)
    else:
        raise TableError(f"{path.name}: 只支持 .csv 或 .xlsx 文件 (only .csv or .xlsx)")
    header, *body = list(raw) or [[]]
    fields = [aliases.get(h.strip()) for h in header]
    if not any(fields):
        raise TableError(f"{path.name}: 第 1 行不是可识别的表头 (row 1 is not a known header)")
    rows = []
    for number, values in enumerate(body, start=2):
        if not any(v.strip() for v in values):
            continue
        cells = {f: (values[i].strip() if i < len(values) else "") for i, f in enumerate(fields) if f}
        rows.append(Row(number=number, cells=cells))
    return sheet, rows


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(f"{path.name}: 不是 UTF-8 编码的 CSV (not UTF-8)") from None
    yield from csv.reader(text.splitlines())


def _xlsx_rows(path: Path) -> tuple[str, list[list[str]]]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        title = workbook.sheet_names[0]
        rows = [[cell_text(v) for v in row] for row in sheet_rows(workbook, title)]
    except (CalamineError, IndexError, OSError) as exc:
        raise TableError(f"{path.name}: 不是有效的 .xlsx 文件 (not a valid .xlsx: {exc})") from None
    workbook.close()
    return title, rows

