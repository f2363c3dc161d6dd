"""The checks an .xlsx handed in passes before python-calamine parses it.

A spreadsheet is a zip archive of XML parts, and every byte of it is untrusted. calamine keeps a
sheet as a dense grid from A1 to its farthest cell, so one cell written at XFD1048576 asks for
17 billion cells and aborts the process; a few megabytes of zeros expand to gigabytes. Both are
refused here, from the sizes the archive declares and again while its parts are actually
decompressed (a forged directory lies about sizes); so is XML that declares a DOCTYPE or
entities (calamine does not expand them, but nothing legitimate needs them) and a file that is
not a workbook at all, each in one line naming the file.
"""

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from zwgk.core.settings import get_settings

CHUNK = 1 << 20
MB = 1 << 20
SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
WORKBOOK_TYPE = b"spreadsheetml.sheet.main"
OTHER_TYPES = {b"wordprocessingml.document.main": "Word 文档（.docx）",
               b"presentationml.presentation.main": "PowerPoint 演示文稿（.pptx）"}
DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
ROW = re.compile(rb"<row\b[^>]*?\br=\"(\d{1,9})\"")
CELL = re.compile(rb"<c\b[^>]*?\br=\"([A-Z]{1,4})(\d{1,9})\"")
# The longest text a pattern above can match; kept from one chunk to the next so that a match
# cut by a chunk boundary is still seen.
OVERLAP = 256

BROKEN = "文件已损坏或不完整，不是有效的 .xlsx 文件，请用 Excel/WPS 重新保存后导入 (corrupt or truncated .xlsx)"


class SpreadsheetRefused(ValueError):
    """An .xlsx that must not be parsed; the message says why, without the file name."""


def spreadsheet_problem(path: Path) -> str | None:
    """Why the .xlsx at ``path`` must not be parsed, or None when it may be."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check(archive)
    except SpreadsheetRefused as exc:
        return str(exc)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError):  # bad CRC or header, truncated, encrypted, unknown compression
        return BROKEN
    return None


def _check(archive: zipfile.ZipFile) -> None:
    settings = get_settings()
    limit = settings.max_expanded_bytes
    names = {info.filename for info in archive.infolist()}
    missing = [part for part in REQUIRED_PARTS if part not in names]
    if "[Content_Types].xml" in missing:
        raise SpreadsheetRefused("不是 Excel 工作簿（压缩包中没有 [Content_Types].xml），请用 Excel/WPS 另存为 .xlsx "
                                 "(not an .xlsx workbook)")
    declared = sum(info.file_size for info in archive.infolist())
    if declared > limit:
        raise SpreadsheetRefused(_too_big(declared))
    types = b"".join(_inflate(archive, archive.getinfo("[Content_Types].xml"), limit))
    if WORKBOOK_TYPE not in types:
        other = next((label for key, label in OTHER_TYPES.items() if key in types), "其他类型的文件")
        raise SpreadsheetRefused(f"这是{other}，不是 Excel 工作簿（.xlsx），可能是改了扩展名 (not an .xlsx workbook)")
    if missing:
        raise SpreadsheetRefused(f"工作簿缺少 {'、'.join(missing)}，文件不完整 (workbook parts missing)")
    budget = limit - len(types)
    for info in archive.infolist():
        if info.is_dir() or info.filename == "[Content_Types].xml":
            continue
        budget = _scan(archive, info, budget, settings.max_sheet_cells)


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, max_cells: int) -> int:
    """Decompress one part counting its real size against ``budget``, refuse declarations, and for
    a sheet its grid's extent; returns the budget left."""
    sheet = SHEET_PART.fullmatch(info.filename) is not None
    rows = cols = 0
    tail = b""
    for chunk in _inflate(archive, info, budget):
        budget -= len(chunk)
        text = tail + chunk
        if any(marker in text for marker in DECLARATIONS):
            raise SpreadsheetRefused(f"{info.filename} 含有 DOCTYPE/ENTITY 声明（XML 实体扩展），拒绝读取 "
                                     "(XML entity declarations refused)")
        if sheet:
            rows = max(rows, max((int(m) for m in ROW.findall(text)), default=0))
            for letters, row in CELL.findall(text):
                rows, cols = max(rows, int(row)), max(cols, _column(letters))
            if rows * max(cols, 1) > max_cells:
                raise SpreadsheetRefused(f"工作表 {info.filename} 的范围超过 {rows} 行 × {max(cols, 1)} 列，"
                                         f"超过上限 {max_cells} 个单元格 (sheet larger than ZWGK_MAX_SHEET_CELLS)")
        tail = text[-OVERLAP:]
    return budget


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> Iterator[bytes]:
    """The part's bytes as decompressed, chunk by chunk; refused as soon as they pass ``budget``
    (whatever size the archive declared)."""
    produced = 0
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            produced += len(chunk)
            if produced > budget:
                raise SpreadsheetRefused(_too_big(None))
            yield chunk


def _too_big(declared: int | None) -> str:
    """``declared``: the expanded size the archive's directory gives; None when the real bytes
    passed the limit while decompressing."""
    how = "解压时已超过" if declared is None else f"解压后共 {declared / MB:.0f} MB，超过"
    return (f"{how}上限 {get_settings().max_expanded_bytes / MB:.0f} MB（可能是压缩炸弹），拒绝读取；"
            f"如确需导入请由管理员调整 ZWGK_MAX_EXPANDED_BYTES (expands beyond the limit: zip bomb?)")


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
