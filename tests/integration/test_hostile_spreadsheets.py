"""Hostile .xlsx files handed in: zip bombs, truncated archives, entity declarations, a Word
document renamed, a cell at the sheet's far corner, a form of 200,000 junk rows, and fuzzed
bytes. Each is refused in one line naming the file (a batch lists every bad file and imports
nothing); none raises, none takes more than a moment."""

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from models.assessment import SelfScore
from models.cycle import Cycle
from models.units import Category
from tests.integration.test_selfcheck import (  # noqa: F401
    DAY,
    TOWN,
    _points,
    filled,
    forms,
    generated,
)
from zwgk.adapters.spreadsheets.xlsx import new_workbook, sheet_rows
from zwgk.cli.app import app
from zwgk.core.settings import get_settings
from zwgk.demo.filler import fill_self_check_form
from zwgk.intake.forms import SELF_CHECK_KIND, read_identity, write_identity
from zwgk.intake.score_workbook import import_score_workbook
from zwgk.intake.self_check import SHEET, TOTAL_LABEL, form_path, import_self_checks

GB = 1 << 30


def _rezip(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """``source`` with every part passed through ``change`` (name, bytes) → bytes."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info)))
    return target


def _zip_bomb(path: Path, size: int) -> Path:
    """A workbook whose sheet is ``size`` bytes of zeros, compressed to about a thousandth."""
    zeros = bytes(1 << 24)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b'<Types><Override ContentType="application/'
                                                b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(-(-size // len(zeros))):
                sheet.write(zeros)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Over 1 GB of sheet in about a megabyte, built once."""
    return _zip_bomb(tmp_path_factory.mktemp("bomb") / "青岚镇自查.xlsx", GB + 1)


def _refusal(session: Session, path: Path) -> str:
    report = import_self_checks(session, year=2025, files=[path], received_on=DAY)
    assert not report.ok and len(report.problems) == 1, [str(p) for p in report.problems]
    assert report.problems[0].file == path.name
    return report.problems[0].message


def test_a_zip_bomb_is_refused_from_its_directory(session: Session, demo_cycle: Cycle, bomb: Path) -> None:
    assert bomb.stat().st_size < 5 * (1 << 20)
    assert "解压后共 1040 MB，超过上限 256 MB（可能是压缩炸弹）" in _refusal(session, bomb)


def test_a_bomb_whose_directory_lies_is_stopped_while_reading(session: Session, demo_cycle: Cycle,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    liar = _zip_bomb(tmp_path / "bomb.xlsx", 40 << 20)
    data = bytearray(liar.read_bytes())
    # Declare the sheet small in the central directory: only the bytes decompressed can tell.
    entry = data.rindex(b"PK\x01\x02")
    data[entry + 24:entry + 28] = (1000).to_bytes(4, "little")
    liar.write_bytes(bytes(data))
    monkeypatch.setenv("ZWGK_MAX_EXPANDED_BYTES", str(10 << 20))
    get_settings.cache_clear()
    try:
        message = _refusal(session, liar)
    finally:
        get_settings.cache_clear()
    assert "损坏" in message or "解压时已超过" in message


def test_a_truncated_form_is_refused_in_one_line(session: Session, demo_cycle: Cycle, filled: Path) -> None:
    filled.write_bytes(filled.read_bytes()[: filled.stat().st_size // 2])
    assert "损坏或不完整" in _refusal(session, filled)


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_entity_declarations_are_refused(session: Session, demo_cycle: Cycle, filled: Path, tmp_path: Path,
                                         part: str) -> None:
    lol = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    hostile = _rezip(filled, tmp_path / "lol.xlsx",
                     lambda name, data: data.replace(b"?>", b"?>" + lol, 1) if name == part else data)
    assert f"{part} 含有 DOCTYPE/ENTITY 声明" in _refusal(session, hostile)


def test_a_word_document_renamed_xlsx_is_named_as_such(session: Session, demo_cycle: Cycle, tmp_path: Path) -> None:
    path = tmp_path / "自查评分表.xlsx"
    document = docx.Document()
    document.add_paragraph("自查评分表")
    document.save(str(path))
    assert "这是Word 文档（.docx），不是 Excel 工作簿" in _refusal(session, path)


def test_a_cell_at_the_far_corner_is_refused_before_calamine_allocates_the_grid(
        session: Session, demo_cycle: Cycle, filled: Path, tmp_path: Path) -> None:
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    hostile = _rezip(filled, tmp_path / "far.xlsx",
                     lambda name, data: data.replace(b"</sheetData>", far) if name.startswith("xl/worksheets/") else data)
    assert "超过上限 2000000 个单元格" in _refusal(session, hostile)


def test_a_batch_lists_every_bad_file_and_imports_nothing(session: Session, demo_cycle: Cycle, forms: Path,
                                                          tmp_path: Path, bomb: Path) -> None:
    good = form_path(forms, 2025, TOWN)
    fill_self_check_form(good, _points(session, demo_cycle, Category.TOWNSHIP))
    truncated = tmp_path / "半截.xlsx"
    truncated.write_bytes(good.read_bytes()[:3000])
    report = import_self_checks(session, year=2025, files=[good, truncated, bomb], received_on=DAY)
    assert [p.file for p in report.problems] == [truncated.name, bomb.name]
    assert report.stored == [] and session.exec(select(func.count()).select_from(SelfScore)).one() == 0


def test_a_bad_score_workbook_is_refused_in_one_line(session: Session, demo_cycle: Cycle, bomb: Path) -> None:
    report = import_score_workbook(session, cycle_id=demo_cycle.id, path=bomb, by="李文")  # type: ignore[arg-type]
    assert [p.file for p in report.problems] == [bomb.name]


def test_a_form_of_200000_junk_rows_shows_50_problems_and_a_count(db_url: str, demo_cycle: Cycle,
                                                                 filled: Path, tmp_path: Path) -> None:
    book = CalamineWorkbook.from_path(str(filled))
    identity = read_identity(book)
    rows = sheet_rows(book, SHEET)
    assert identity is not None
    total = next(i for i, row in enumerate(rows) if row[0] == TOTAL_LABEL)
    junk = tmp_path / filled.name
    workbook = new_workbook(junk, streaming=True)
    sheet = workbook.add_worksheet(SHEET)
    for number, row in enumerate([*rows[:total], *([None, None, "垃圾"],) * 200_000, *rows[total:]]):
        sheet.write_row(number, 0, row)
    write_identity(workbook, SELF_CHECK_KIND, 2025, [(s, *e) for s, e in identity.entries.items()])
    workbook.close()
    result = CliRunner().invoke(app, ["self-check", "import", "2025", str(junk), "--db", db_url])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip().startswith("-")]
    assert len(lines) == get_settings().problems_shown + 1
    assert "本表不能增加行" in lines[0]
    assert re.search(r"另有 \d+ 处问题未列出", lines[-1])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_forms_are_read_or_refused(session: Session, demo_cycle: Cycle, filled: Path, tmp_path: Path,
                                          data: st.DataObject) -> None:
    """Mutated bytes of a valid form, in the archive or inside its XML parts (re-zipped, so that
    calamine itself meets them): the import stores the form or lists problems, nothing else."""
    original = filled.read_bytes()
    path = tmp_path / "fuzz.xlsx"
    if data.draw(st.booleans(), label="inside a part"):
        with zipfile.ZipFile(io.BytesIO(original)) as archive:
            part = data.draw(st.sampled_from(archive.namelist()), label="part")
        flips = data.draw(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)),
                                   min_size=1, max_size=6), label="changes")
        source = tmp_path / "source.xlsx"
        source.write_bytes(original)

        def mutate(name: str, body: bytes) -> bytes:
            if name != part:
                return body
            for at, junk in flips:
                i = int(at * len(body))
                body = body[:i] + junk + body[i + len(junk):]
            return body

        _rezip(source, path, mutate)
    else:
        body = bytearray(original)
        for at, value in data.draw(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                                            min_size=1, max_size=20), label="bytes"):
            body[int(at * len(body))] = value
        cut = data.draw(st.integers(len(body) // 2, len(body)), label="length")
        path.write_bytes(bytes(body[:cut]))
    report = import_self_checks(session, year=2025, files=[path], received_on=DAY)
    assert report.ok or all(p.file == path.name and p.message for p in report.problems)
    session.rollback()
