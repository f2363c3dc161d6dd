"""Reading the spreadsheets and CSV files users hand in, with row numbers for messages."""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from models.text import TextRefused, clean_text, decode_csv
from zwgk.adapters.files import input_problem
from zwgk.adapters.spreadsheets.safety import spreadsheet_problem
from zwgk.adapters.spreadsheets.xlsx import cell_text, sheet_rows
from zwgk.core.errors import ImportRejected
from zwgk.core.settings import get_settings


class TableError(ValueError):
    """A file that cannot be read as a table at all."""


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based row number as a spreadsheet shows it, and cells by header."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """What a file held: the sheet name (the file name for CSV), the rows, and for a CSV the
    encoding it was read in (to say so in the import message)."""

    sheet: str
    rows: list[Row]
    encoding: str | None = None


def read_rows(path: Path, aliases: dict[str, str]) -> Table:
    """Read a CSV or .xlsx (first sheet) whose first row is a header.

    ``aliases`` maps every accepted header text (e.g. 单位名称) to a field name; unknown
    columns are ignored. Rows that are entirely empty are skipped. Every cell of a known
    column is normalised (models.text.clean_text); cells with invisible control or direction
    characters reject the file (ImportRejected naming file, row and column of each).
    """
    why = input_problem(path)
    if why is not None:
        raise TableError(f"{path.name}: {why}")
    suffix = path.suffix.lower()
    encoding = None
    if suffix == ".csv":
        sheet = path.name
        raw, encoding = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        sheet, raw = _xlsx_rows(path)
    else:
        raise TableError(f"{path.name}: 只支持 .csv 或 .xlsx 文件 (only .csv or .xlsx)")
    header, *body = raw or [[]]
    limit = get_settings().max_table_rows
    if len(body) > limit:
        raise TableError(f"{path.name}: 有 {len(body)} 行数据，超过上限 {limit} 行，请检查文件是否选错 "
                         f"(more rows than the limit ZWGK_MAX_TABLE_ROWS)")
    fields = [aliases.get(h.strip()) for h in header]
    if not any(fields):
        raise TableError(f"{path.name}: 第 1 行不是可识别的表头 (row 1 is not a known header)")
    rows, problems = [], []
    for number, values in enumerate(body, start=2):
        if not any(v.strip() for v in values):
            continue
        cells = {}
        for i, field_name in enumerate(fields):
            if field_name is None:
                continue
            try:
                cells[field_name] = clean_text(values[i] if i < len(values) else "",
                                               where=f"{path.name} 第 {number} 行 {header[i].strip()} 列")
            except TextRefused as exc:
                problems.append(str(exc))
        rows.append(Row(number=number, cells=cells))
    if problems:
        raise ImportRejected(problems)
    return Table(sheet=sheet, rows=rows, encoding=encoding)


def _csv_rows(path: Path) -> tuple[list[list[str]], str]:
    try:
        text, encoding = decode_csv(path.read_bytes(), name=path.name)
    except TextRefused as exc:
        raise TableError(str(exc)) from None
    # Quoted line breaks stay inside their cell (and are then refused there, naming it).
    return list(csv.reader(io.StringIO(text, newline=""))), encoding


def _xlsx_rows(path: Path) -> tuple[str, list[list[str]]]:
    why = spreadsheet_problem(path)
    if why is not None:
        raise TableError(f"{path.name}: {why}")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        title = workbook.sheet_names[0]
        rows = [[cell_text(v) for v in row] for row in sheet_rows(workbook, title)]
    except (CalamineError, IndexError, OSError) as exc:
        raise TableError(f"{path.name}: 不是有效的 .xlsx 文件 (not a valid .xlsx: {exc})") from None
    workbook.close()
    return title, rows

