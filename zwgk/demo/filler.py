"""Filling zwgk's forms the way a unit or the assessment group would, for tests, the demo's
scripted units and the benchmark (no database). It parses only workbooks zwgk itself has just
written, never a file someone handed in (those go through zwgk.adapters.spreadsheets, which
refuses entity declarations), hence the standard library's XML parser.

The cells are written straight into the sheets' XML inside the .xlsx: a thousand forms or a
thousand-sheet workbook are filled without a spreadsheet library loading and re-saving every
styled cell. Only files zwgk wrote (shared or inline strings, as xlsxwriter writes them) are
filled this way.
"""

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from zwgk.intake import score_workbook, self_check
from zwgk.intake.forms import ID_SHEET

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROW, _CELL, _VALUE, _TEXT = (f"{{{_MAIN}}}{tag}" for tag in ("row", "c", "v", "t"))
# Serialise the sheets as xlsxwriter and Excel do: main namespace as the default one.
ET.register_namespace("", _MAIN)
ET.register_namespace("r", _RELS)


class _Sheet:
    """A worksheet's XML, parsed, with the workbook's shared strings to read its text cells."""

    def __init__(self, data: bytes, strings: list[str]) -> None:
        # A workbook zwgk itself wrote (see the module's docstring), never one handed in.
        self.root = ET.fromstring(data)  # nosec B314
        self.strings = strings
        sheet_data = self.root.find(f"{{{_MAIN}}}sheetData")
        assert sheet_data is not None
        self.data = sheet_data
        self.lines = {int(str(line.get("r"))): line for line in sheet_data.iter(_ROW)}  # by row number

    def _text(self, cell: ET.Element) -> str | None:
        kind, value = cell.get("t"), cell.find(_VALUE)
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter(_TEXT))
        if value is None or value.text is None:
            return None
        return self.strings[int(value.text)] if kind == "s" else value.text

    def rows(self) -> dict[int, dict[int, str | None]]:
        """The values as text, by row number and column number."""
        return {int(str(row.get("r"))): {_position(cell): self._text(cell) for cell in row.iter(_CELL)}
                for row in self.root.iter(_ROW)}

    def write(self, row: int, column: int, value: object) -> None:
        """Put a number or a text into a cell, keeping its style."""
        line = self.lines.get(row)
        if line is None:
            line = self.lines[row] = _child(self.data, _ROW, row, str(row))
        cell = _child(line, _CELL, column, f"{xl_col_to_name(column - 1)}{row}")
        for child in list(cell):
            cell.remove(child)
        cell.attrib.pop("t", None)
        if isinstance(value, str):
            cell.set("t", "inlineStr")
            ET.SubElement(ET.SubElement(cell, f"{{{_MAIN}}}is"), _TEXT).text = value
        elif value is not None:
            ET.SubElement(cell, _VALUE).text = str(value)


class _Book:
    """An .xlsx whose sheets are rewritten one part at a time (memory stays flat for any size)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with ZipFile(path) as archive:  # a workbook zwgk itself wrote: bandit B314 does not apply
            targets = {rel.get("Id"): str(rel.get("Target"))
                       for rel in ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))}  # nosec B314
            self.part_of = {
                str(sheet.get("name")): _part(targets[sheet.get(f"{{{_RELS}}}id")])
                for sheet in ET.fromstring(archive.read("xl/workbook.xml")).iter(f"{{{_MAIN}}}sheet")}  # nosec B314
            shared = "xl/sharedStrings.xml"
            self.strings = ([] if shared not in archive.namelist() else
                            ["".join(t.text or "" for t in item.iter(_TEXT))
                             for item in ET.fromstring(archive.read(shared))])  # nosec B314

    def sheet(self, title: str) -> _Sheet:
        """One sheet, parsed (to read it)."""
        with ZipFile(self.path) as archive:
            return _Sheet(archive.read(self.part_of[title]), self.strings)

    def rewrite(self, edits: Mapping[str, Callable[[_Sheet], None]]) -> None:
        """Apply ``edits`` (by sheet title) to their sheets and save the file in place."""
        edit_of = {self.part_of[title]: edit for title, edit in edits.items()}
        temporary = self.path.with_name(self.path.name + ".part")
        with ZipFile(self.path) as source, ZipFile(temporary, "w", ZIP_DEFLATED) as target:
            for name in source.namelist():
                data = source.read(name)
                if name in edit_of:
                    sheet = _Sheet(data, self.strings)
                    edit_of[name](sheet)
                    data = ET.tostring(sheet.root, xml_declaration=True, encoding="utf-8")
                target.writestr(name, data)
        temporary.replace(self.path)


def _part(target: str) -> str:
    """The zip member a workbook relationship's target names."""
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _position(element: ET.Element) -> int:
    """A row element's number, or a cell element's column number."""
    reference = str(element.get("r"))
    return int(reference) if element.tag == _ROW else xl_cell_to_rowcol(reference)[1] + 1


def _child(parent: ET.Element, tag: str, number: int, reference: str) -> ET.Element:
    """The row or cell ``number`` in ``parent``, inserted in order when missing."""
    for index, element in enumerate(parent):
        if element.tag != tag:
            continue
        at = _position(element)
        if at == number:
            return element
        if at > number:
            new = ET.Element(tag, {"r": reference})
            parent.insert(index, new)
            return new
    return ET.SubElement(parent, tag, {"r": reference})


def fill_self_check_form(path: Path, scores: Mapping[str, Decimal],
                         explanations: Mapping[str, str] | None = None) -> None:
    """Write self-scores (and explanations) by criterion reference into a generated form, in place."""
    score_col, note_col = (xl_cell_to_rowcol(f"{c}1")[1] + 1 for c in (self_check.SCORE_COL, self_check.NOTE_COL))

    def fill(sheet: _Sheet) -> None:
        for number, cells in sorted(sheet.rows().items()):
            if number < self_check.FIRST_ROW:
                continue
            if cells.get(1) == self_check.TOTAL_LABEL:
                break
            ref = cells.get(2)
            if ref in scores:
                sheet.write(number, score_col, scores[ref])
            if explanations and ref in explanations:
                sheet.write(number, note_col, explanations[ref])

    _Book(path).rewrite({self_check.SHEET: fill})


def fill_score_workbook(path: Path, deductions: Mapping[str, Sequence[tuple[str, Decimal, str, str]]],
                        *, conclude: bool = True) -> None:
    """Write the group's deductions (ref, points, reason, method) per unit name into a generated
    score workbook, in place: the first on a criterion goes on its row, further ones on the
    extra deduction lines (appended when the spare lines run out). With ``conclude`` each of those
    units' sheets also gets the group's conclusion, as the group would choose it: 扣分见下表 when
    the sheet then holds a deduction (pre-filled ones count), else 无扣分."""
    book = _Book(path)
    if ID_SHEET not in book.part_of:
        raise ValueError(f"{path} is not a zwgk score workbook")
    # The identification sheet: kind and year, then one (sheet title, unit, checksum) row a unit.
    sheet_of = {cells.get(2): str(cells.get(1)) for n, cells in book.sheet(ID_SHEET).rows().items() if n > 1}
    book.rewrite({sheet_of[unit]: partial(_deduct, items=items, conclude=conclude)
                  for unit, items in deductions.items()})


def _deduct(sheet: _Sheet, items: Sequence[tuple[str, Decimal, str, str]], conclude: bool) -> None:
    """Write one unit's deductions into its sheet, and its conclusion with ``conclude``."""
    values = sheet.rows()
    rows, spare = _slots(values)
    last = max(values, default=0)
    for ref, points, reason, method in items:
        if ref in rows:
            row = rows.pop(ref)
        elif spare:
            row = spare.pop(0)
        else:
            last += 1
            row = last
        for column, value in ((score_workbook.REF, ref), (score_workbook.POINTS, points),
                              (score_workbook.REASON, reason), (score_workbook.METHOD, method)):
            sheet.write(row, column + 1, value)
    if conclude:
        taken = any(_positive(cells.get(score_workbook.POINTS + 1))
                    for number, cells in sheet.rows().items() if number >= score_workbook.FIRST_ROW)
        sheet.write(score_workbook.CONCLUSION_ROW, score_workbook.CONCLUSION_COLUMN + 1,
                    score_workbook.CONCLUDED if taken else score_workbook.NO_DEDUCTION)


def _positive(value: str | None) -> bool:
    try:
        return value is not None and Decimal(value) > 0
    except ArithmeticError:
        return False


def _slots(values: dict[int, dict[int, str | None]]) -> tuple[dict[str, int], list[int]]:
    """Criterion rows with no deduction yet (by ref), and the empty extra deduction lines."""
    rows: dict[str, int] = {}
    spare: list[int] = []
    in_extra = False
    for number in sorted(n for n in values if n >= score_workbook.FIRST_ROW):
        cells = values[number]
        if cells.get(1) == score_workbook.EXTRA_TITLE:
            in_extra = True
            continue
        ref = cells.get(score_workbook.REF + 1)
        taken = cells.get(score_workbook.POINTS + 1) is not None
        if in_extra and ref is None and not taken:
            spare.append(number)
        elif not in_extra and ref and not taken:
            rows[ref] = number
    return rows, spare
