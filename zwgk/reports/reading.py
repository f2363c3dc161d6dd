"""One handed-in file read into what the checks need: the title, the text outside the tables,
the parts found, the tables' figures and notes for people on how it was read."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zwgk.core.settings import get_settings
from zwgk.reports import format as f
from zwgk.reports.safety import ReportFileRefused, open_report_file
from zwgk.reports.tables import Figures, Grid, GridBuilder, read_tables
from zwgk.reports.text import label_key, plain

#: A heading is a short line: longer lines are sentences that may mention a part's words.
HEADING_CHARS = 40
#: An automatically numbered heading holds its part's words and at most this many characters more.
UNNUMBERED_EXTRA = 6
CN_NUMERALS = "一二三四五六七八九十"
#: A report's text runs to some ten thousand characters; a file with fifty times that is not one.
MAX_TEXT_CHARS = 500_000
#: A title is a short line too (unit, year, 政府信息公开工作年度报告, sometimes a site's name).
TITLE_CHARS = 80


@dataclass
class Reading:
    """What a report says, as read from its file."""

    kind: str  # docx or html
    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # numerals of the parts found, in the format's order
    tables: list[str] = field(default_factory=list)  # 表二 … found
    figures: Figures = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text outside the tables, one paragraph a line."""
        return "\n".join(self.paragraphs)

    @property
    def looks_like_report(self) -> bool:
        """A title naming the annual report, or two of the tables, or three of the parts."""
        return bool(self.title) or len(self.tables) >= 2 or len(self.parts) >= 3


def read_report(path: Path) -> Reading:
    """Read a .docx or a saved web page; ReportFileRefused (message without the file name) when
    the file must not or cannot be read."""
    # The parsers (lxml, selectolax) load when a report is read: commands and pages that only
    # list findings start without them.
    from zwgk.reports.read_docx import docx_blocks
    from zwgk.reports.read_html import html_blocks

    source = open_report_file(path)
    builder = GridBuilder(get_settings().max_table_rows)
    if source.kind == "docx":
        blocks = docx_blocks(source.docx_xml, builder)
    else:
        blocks = html_blocks(source.html, builder)
    return read_blocks(blocks, kind=source.kind)


def read_blocks(blocks: Sequence[str | Grid], *, kind: str) -> Reading:
    """The reading of a file's blocks (paragraphs and grids in document order); ReportFileRefused
    when the text is far longer than any report's."""
    texts = [plain(block) for block in blocks if isinstance(block, str) and plain(block)]
    if sum(map(len, texts)) > MAX_TEXT_CHARS:
        raise ReportFileRefused(f"正文超过 {MAX_TEXT_CHARS} 字，不是年度报告，拒绝读取 (text too long for a report)")
    start, title = find_title(texts)
    paragraphs = texts[start:]
    tables = read_tables(blocks)
    return Reading(kind=kind, title=title, paragraphs=paragraphs, parts=parts_found(paragraphs),
                   tables=tables.found, figures=tables.figures, notes=tables.notes)


def find_title(texts: list[str]) -> tuple[int, str]:
    """Where the report starts and its title: the short line naming the annual report on
    government information disclosure that comes last before the first part's heading (a web
    page's navigation may list other reports before it), with a short line just above it when
    the title is set on two lines (unit, then year and name). (0, '') when there is none."""
    first_part = next((i for i, text in enumerate(texts) if heading_of(text) is not None), len(texts))
    candidates = [i for i, text in enumerate(texts) if _names_report(text)]
    before = [i for i in candidates if i < first_part]
    if not candidates:
        return 0, ""
    index = before[-1] if before else candidates[0]
    title = texts[index]
    if index > 0 and len(label_key(texts[index - 1])) <= 25 and not texts[index - 1].endswith(("。", "；")) \
            and heading_of(texts[index - 1]) is None and not _names_report(texts[index - 1]):
        return index - 1, f"{texts[index - 1]}{title}"
    return index, title


def _names_report(text: str) -> bool:
    """A short line naming the annual report; not a sentence (。) citing the format by its title."""
    key = label_key(text)
    cites = "。" in text or "《" in text.lstrip("《")
    return len(key) <= TITLE_CHARS and not cites and "政府信息公开" in key and ("年度报告" in key or "年报" in key)


def heading_of(text: str) -> str | None:
    """The numeral of the part whose heading ``text`` is, or None.

    A heading is a short line that holds the part's full title; or that starts with the part's
    numeral (一、 二. 三 …) and holds its distinctive words; or, numbered by Word's automatic
    numbering (the numeral is not in the text), that is no more than those words and a few
    characters (行政复议、行政诉讼情况). A sub-heading numbered （一） is never a part's heading.
    """
    key = label_key(text)
    if not key or len(key) > HEADING_CHARS:
        return None
    line = plain(text)
    for part in f.PARTS:
        if not all(word in key for word in part.need):
            continue
        words = [word for word in part.keys if word in key]
        if label_key(part.title) in key:
            return part.numeral
        if words and key.startswith(part.numeral) and line[len(part.numeral):][:1] in "、.． ，,:：":
            return part.numeral
        unnumbered = not line.startswith(("(", "（")) and key[0] not in CN_NUMERALS and not any(ch.isdigit() for ch in key)
        if words and unnumbered and len(key) <= len(words[0]) + sum(map(len, part.need)) + UNNUMBERED_EXTRA:
            return part.numeral
    return None


def parts_found(paragraphs: list[str]) -> list[str]:
    """The numerals of the parts whose headings appear, in the format's order."""
    found = {numeral for text in paragraphs if (numeral := heading_of(text)) is not None}
    return [part.numeral for part in f.PARTS if part.numeral in found]


def refuse_unless_report(reading: Reading) -> None:
    """ReportFileRefused when nothing in the file is an annual report's (no title, tables or parts)."""
    if not reading.looks_like_report:
        raise ReportFileRefused("不是政府信息公开工作年度报告：没有找到报告标题、年报表格或“一、总体情况”等部分 "
                                "(not an annual report on government information disclosure)")
