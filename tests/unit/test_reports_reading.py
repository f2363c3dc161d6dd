"""Reading annual reports as units really produce them: every layout gives the same figures,
and a correct report gives no finding; hostile files are refused before they are parsed."""

import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from tests.reports_builder import Layout, Report, build_docx, build_html
from zwgk.reports import format as f
from zwgk.reports.checks import Facts, content_findings
from zwgk.reports.reading import read_blocks, read_report, refuse_unless_report
from zwgk.reports.safety import ReportFileRefused
from zwgk.reports.tables import GridBuilder, RawCell, read_tables

UNIT = "青岚镇（演示）"

LAYOUTS = {
    "format": Layout(),
    "one label column, flat header": Layout(merged=False),
    "full-width digits, blanks for 0": Layout(full_width=True, zeros=""),
    "dashes for 0, spaced labels": Layout(zeros="—", spaced=True),
    "full-width dash and slash": Layout(merged=False, zeros="－"),
    "legal columns reordered": Layout(legal_order=tuple(reversed(f.LEGAL_COLUMNS))),
    "表三 split, header repeated": Layout(split_t3=True),
    "表三 split, no header, flat": Layout(merged=False, split_t3=True, repeat_header=False, zeros="/"),
    "表二 as four tables": Layout(t2_split=True),
    "header again inside the table": Layout(header_again=3),
    "last header row again, flat": Layout(merged=False, header_again=1, full_width=True),
    "last header row again, merged": Layout(header_again=1),
    "fees in 元": Layout(fee_unit="元"),
}


def expected_figures(report: Report) -> dict[tuple[str, str, str], Decimal]:
    figures = {(f.TABLE3, row, column): Decimal(v) for (row, column), v in report.t3.items()}
    figures |= {(f.TABLE4, row, column): Decimal(v) for (row, column), v in report.t4.items()}
    return figures | {(f.TABLE2, row, column): Decimal(v) for (row, column), v in report.t2.items()}


def findings_of(path: Path, year: int = 2025) -> list[str]:
    reading = read_report(path)
    facts = Facts(reading.title, reading.text, reading.parts, reading.figures)
    return [x.detail for x in content_findings(facts, year=year, unit=UNIT, district="乌当区")]


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_every_layout_reads_the_same_figures_and_a_correct_report_has_no_finding(layout: Layout,
                                                                                tmp_path: Path) -> None:
    report = Report()
    path = build_docx(tmp_path / "report.docx", report, layout)
    reading = read_report(path)
    assert reading.title == "青岚镇人民政府2025年政府信息公开工作年度报告"
    assert reading.parts == ["一", "二", "三", "四", "五", "六"]
    assert reading.tables == [f.TABLE2, f.TABLE3, f.TABLE4]
    assert reading.figures == expected_figures(report)
    assert findings_of(path) == []


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_web_page_copy_reads_like_the_document(encoding: str, tmp_path: Path) -> None:
    report = Report()
    script = "<script>document.write('一、总体情况 收到政府信息公开申请99件')</script><style>p{}</style>"
    path = build_html(tmp_path / "report.html", report, Layout(merged=False, zeros="—"), extra_head=script,
                      encoding=encoding)
    reading = read_report(path)
    assert reading.kind == "html" and reading.title.startswith("青岚镇人民政府2025年")
    assert reading.figures == expected_figures(report)
    assert "99件" not in reading.text and "document.write" not in reading.text
    assert findings_of(path) == []


def test_a_web_page_keeps_its_own_rowspans_and_colspans_inside_the_portals_layout_table(tmp_path: Path) -> None:
    path = build_html(tmp_path / "report.html", Report(), framed=True)
    assert read_report(path).figures == expected_figures(Report())
    assert findings_of(path) == []


def test_a_table4_left_blank_is_all_zero(tmp_path: Path) -> None:
    report = replace(Report(), t4={key: 0 for key in Report().t4})
    path = build_docx(tmp_path / "report.docx", report, Layout(zeros=""))
    assert read_report(path).figures == expected_figures(report)
    assert findings_of(path) == []


def test_the_grid_lays_out_spans_merges_and_skipped_positions() -> None:
    builder = GridBuilder(max_rows=100)
    grid = builder.grid([
        [RawCell("a", rowspan=2), RawCell("b", colspan=2)],
        [RawCell("c"), RawCell("d")],
        [RawCell("", skip=True), RawCell("e"), RawCell("e2", merged_left=True)],
        [RawCell("x"), RawCell("", merged_above=True), RawCell("y")],
    ])
    assert [[cell.text for cell in row] for row in grid] == [
        ["a", "b", "b"], ["a", "c", "d"], ["", "e", "e"], ["x", "e", "y"]]
    assert grid[0][1].origin == grid[0][2].origin and grid[0][0].origin == grid[1][0].origin


def _docx_with_paragraphs(path: Path, *texts: str) -> Path:
    document = Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_a_document_that_is_not_a_report_is_refused(tmp_path: Path) -> None:
    path = _docx_with_paragraphs(tmp_path / "notice.docx", "关于召开会议的通知", "请各单位准时参加。")
    with pytest.raises(ReportFileRefused, match="不是政府信息公开工作年度报告"):
        refuse_unless_report(read_report(path))


def test_a_huge_table_is_refused(tmp_path: Path) -> None:
    rows = "".join(f"<tr><td>{i}</td><td>1</td></tr>" for i in range(20_001))
    path = tmp_path / "huge.html"
    path.write_text(f"<html><body><p>政府信息公开工作年度报告</p><table>{rows}</table></body></html>", "utf-8")
    with pytest.raises(ReportFileRefused, match="表格共超过 20000 行"):
        read_report(path)


def test_tables_of_more_cells_than_any_report_are_refused(tmp_path: Path) -> None:
    row = "<tr>" + "<td>1</td>" * 60 + "</tr>"
    path = tmp_path / "cells.html"
    path.write_text(f"<html><body><table>{row * 2000}</table></body></html>", "utf-8")
    with pytest.raises(ReportFileRefused, match="100000 个单元格"):
        read_report(path)


def test_a_text_longer_than_any_report_is_refused(tmp_path: Path) -> None:
    path = _docx_with_paragraphs(tmp_path / "long.docx", *(["政府信息公开工作年度报告。" * 500] * 100))
    with pytest.raises(ReportFileRefused, match="正文超过"):
        read_report(path)


def test_a_table_wider_than_any_report_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.html"
    path.write_text('<html><body><table><tr><td colspan="99">a</td><td colspan="99">b</td></tr></table></body></html>',
                    "utf-8")
    with pytest.raises(ReportFileRefused, match="超过 100 列"):
        read_report(path)


def _zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


WORD_TYPES = (b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/'
              b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')


def test_a_zip_bomb_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_MAX_EXPANDED_BYTES", str(4 * 1024 * 1024))
    from zwgk.core.settings import get_settings
    get_settings.cache_clear()
    try:
        body = b"<w:document><w:body>" + b" " * (8 * 1024 * 1024) + b"</w:body></w:document>"
        path = _zip(tmp_path / "bomb.docx", {"[Content_Types].xml": WORD_TYPES, "word/document.xml": body})
        assert path.stat().st_size < 100_000
        with pytest.raises(ReportFileRefused, match="压缩炸弹"):
            read_report(path)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


@pytest.mark.parametrize(("name", "parts", "message"), [
    ("workbook renamed", {"[Content_Types].xml": b"<Types>spreadsheetml.sheet.main+xml</Types>",
                          "xl/workbook.xml": b"<workbook/>"}, "这是Excel 工作簿"),
    ("entities", {"[Content_Types].xml": WORD_TYPES,
                  "word/document.xml": b'<!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'}, "DOCTYPE/ENTITY"),
    ("no body part", {"[Content_Types].xml": WORD_TYPES}, "缺少正文部分"),
    ("broken XML", {"[Content_Types].xml": WORD_TYPES, "word/document.xml": b"<w:document><w:body>"},
     "无法解析"),
])
def test_hostile_or_broken_documents_are_refused(name: str, parts: dict[str, bytes], message: str,
                                                tmp_path: Path) -> None:
    with pytest.raises(ReportFileRefused, match=message):
        read_report(_zip(tmp_path / "report.docx", parts))


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4\n%%EOF\n", "这是PDF 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "97-2003"),
    (b"just some bytes, not a document", "无法识别的文件类型"),
    (b"PK\x03\x04 truncated", "已损坏"),
])
def test_files_of_other_kinds_renamed_docx_are_named_for_what_they_are(content: bytes, message: str,
                                                                      tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(content)
    with pytest.raises(ReportFileRefused, match=message):
        read_report(path)


def test_a_page_nested_deeper_than_any_page_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<div>" * 5000 + "x" + "</div>" * 5000 + "</body></html>", "utf-8")
    with pytest.raises(ReportFileRefused, match="嵌套"):
        read_report(path)


def test_text_in_deleted_revisions_and_text_box_fallbacks_is_not_read() -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    xml = (f'<w:document {w}><w:body><w:p><w:r><w:t>2025年政府信息公开工作年度报告</w:t></w:r>'
           '<w:del><w:r><w:delText>删掉的字</w:delText></w:r></w:del>'
           '<mc:AlternateContent><mc:Choice><w:r><w:t>框</w:t></w:r></mc:Choice>'
           '<mc:Fallback><w:r><w:t>框</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>'
           '</w:body></w:document>').encode()
    from zwgk.reports.read_docx import docx_blocks
    blocks = docx_blocks(xml, GridBuilder(100))
    assert blocks == ["2025年政府信息公开工作年度报告框"]
    assert read_blocks(blocks, kind="docx").title == "2025年政府信息公开工作年度报告框"


def test_the_preface_naming_the_format_is_not_taken_for_the_title(tmp_path: Path) -> None:
    # The first part opens with 本报告根据《…政府信息公开工作年度报告格式》要求编制。
    reading = read_report(build_docx(tmp_path / "r.docx", Report(title="")))
    assert reading.title == ""


def _grid(builder: GridBuilder, rows: list[list[str | tuple[str, int, int]]]) -> list[list]:
    """A grid from rows of texts, or (text, colspan, rowspan)."""
    return builder.grid([[RawCell(c) if isinstance(c, str) else RawCell(c[0], colspan=c[1], rowspan=c[2])
                          for c in row] for row in rows])


def test_table4_laid_out_with_a_row_per_group() -> None:
    builder = GridBuilder(100)
    table = _grid(builder, [
        [("", 2, 1), "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
        [("行政复议", 2, 1), "1", "0", "0", "1", "2"],
        [("行政诉讼", 1, 2), "未经复议直接起诉", "1", "", "", "", "1"],
        ["复议后起诉", "—", "—", "—", "—", "—"],
    ])
    reading = read_tables([table])
    assert reading.figures[(f.TABLE4, f.REVIEW, f.TOTAL)] == 2
    assert reading.figures[(f.TABLE4, f.SUIT_DIRECT, f.UPHELD)] == 1
    assert reading.figures[(f.TABLE4, f.SUIT_AFTER, f.TOTAL)] == 0
    assert len([key for key in reading.figures if key[0] == f.TABLE4]) == 15


def test_table3_labels_written_together_in_one_cell_and_a_header_with_other_words() -> None:
    builder = GridBuilder(100)
    columns = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "合计"]
    rows = [["项目", *columns], ["一、本年新收政府信息公开申请数量", "3", *[""] * 5, "3"],
            ["三、本年度办理结果（一）予以公开", "2", *[""] * 5, "2"],
            ["（三）不予公开\n1．属于国家秘密", "1", *[""] * 5, "1"],
            ["2. 涉及其他法律法规禁止公开的", "0", *[""] * 5, "0"]]
    reading = read_tables([_grid(builder, rows)])
    assert reading.figures[(f.TABLE3, f.NEW, f.TOTAL)] == 3
    assert reading.figures[(f.TABLE3, f.GRANTED, f.NATURAL)] == 2
    assert reading.figures[(f.TABLE3, f.T3_SUB_ROWS[0].name, f.TOTAL)] == 1
    assert (f.TABLE3, f.T3_SUB_ROWS[1].name, f.NATURAL) in reading.figures  # known by its number


def test_a_continued_table_after_a_continuation_line_is_merged_and_after_prose_is_not() -> None:
    builder = GridBuilder(100)
    head = _grid(builder, [["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
                           ["一、本年新收政府信息公开申请数量", *["1"] * 6, "6"]])
    tail = _grid(builder, [["四、结转下年度继续办理", *["0"] * 7]])
    assert (f.TABLE3, f.CARRIED_OUT, f.TOTAL) in read_tables([head, "（续表）", tail]).figures
    prose = "本机关将进一步加强政府信息公开工作，提高公开质量。"
    assert (f.TABLE3, f.CARRIED_OUT, f.TOTAL) not in read_tables([head, prose, tail]).figures
