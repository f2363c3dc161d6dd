"""Filling zwgk's forms the way a unit or the assessment group would, for tests, the demo's
scripted units and the benchmark (plain openpyxl, no database)."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from zwgk import scoresheets, selfcheck
from zwgk.workbooks import read_identity


def fill_self_check_form(path: Path, scores: Mapping[str, Decimal],
                         explanations: Mapping[str, str] | None = None) -> None:
    """Write self-scores (and explanations) by criterion reference into a generated form, in place."""
    workbook = load_workbook(path)
    sheet = workbook[selfcheck.SHEET]
    for row in range(selfcheck.FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == selfcheck.TOTAL_LABEL:
            break
        ref = sheet.cell(row=row, column=2).value
        if ref in scores:
            sheet[f"{selfcheck.SCORE_COL}{row}"] = scores[ref]
        if explanations and ref in explanations:
            sheet[f"{selfcheck.NOTE_COL}{row}"] = explanations[ref]
    workbook.save(path)


def fill_score_workbook(path: Path,
                        deductions: Mapping[str, Sequence[tuple[str, Decimal, str, str]]]) -> None:
    """Write the group's deductions (ref, points, reason, method) per unit name into a generated
    score workbook, in place: the first on a criterion goes on its row, further ones on the
    extra deduction lines (appended when the spare lines run out)."""
    workbook = load_workbook(path)
    identity = read_identity(workbook)
    if identity is None:
        raise ValueError(f"{path} is not a zwgk score workbook")
    sheet_of = {unit: title for title, (unit, _) in identity.entries.items()}
    for unit, items in deductions.items():
        sheet = workbook[sheet_of[unit]]
        rows, spare = _slots(sheet)
        for ref, points, reason, method in items:
            row = rows.pop(ref) if ref in rows else (spare.pop(0) if spare else sheet.max_row + 1)
            sheet.cell(row=row, column=scoresheets.REF + 1, value=ref)
            sheet.cell(row=row, column=scoresheets.POINTS + 1, value=points)
            sheet.cell(row=row, column=scoresheets.REASON + 1, value=reason)
            sheet.cell(row=row, column=scoresheets.METHOD + 1, value=method)
    workbook.save(path)


def _slots(sheet: Worksheet) -> tuple[dict[str, int], list[int]]:
    """Criterion rows with no deduction yet (by ref), and the empty extra deduction lines."""
    rows: dict[str, int] = {}
    spare: list[int] = []
    in_extra = False
    for row in range(scoresheets.FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == scoresheets.EXTRA_TITLE:
            in_extra = True
            continue
        ref = sheet.cell(row=row, column=scoresheets.REF + 1).value
        taken = sheet.cell(row=row, column=scoresheets.POINTS + 1).value is not None
        if in_extra and ref is None and not taken:
            spare.append(row)
        elif not in_extra and ref and not taken:
            rows[str(ref)] = row
    return rows, spare
