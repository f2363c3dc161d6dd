"""(Re)generate the .docx templates in doc_templates/ in GB/T 9704-2012 layout.

Run once by a developer: ``python tools/build_templates.py [FILE.docx …]`` (only the templates
named, or all of them). The generated files are committed
and from then on belong to the office staff, who may edit wording, letterhead and styles in Word
or WPS; code never regenerates them at run time. Placeholders are docxtpl tags: ``{{ name }}``,
``{%p for … %}`` (repeat a paragraph), ``{%tr for … %}`` (repeat a table row).

Layout (DESIGN.md §6): A4, margins 37/28/35/26 mm, body 16 pt 仿宋_GB2312 on the East-Asian
font slot, exact line spacing 28.95 pt on a 22-line grid, title 22 pt 方正小标宋简体, red organ
mark and rule, imprint at the foot of the last page, page numbers "— N —" right on odd pages and
left on even pages. Forms are landscape A4 with the same fonts.
"""

import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zwgk.documents.contexts import Template  # noqa: E402

OUT = ROOT / "doc_templates"

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
LINE = Pt(28.95)  # 579 twips: 22 lines on the 225 mm text block
GRID_PITCH = "579"
FIXED_TIME = datetime(2026, 1, 1)

BODY_BLOCK_MM = 156  # width of the text block


# ---------------------------------------------------------------- fonts and styles

def set_run_fonts(rpr_owner: object, east_asia: str, size: Pt | None = None,
                  bold: bool | None = None, color: RGBColor | None = None) -> None:
    """Fonts of a style or run: East-Asian slot set, theme attributes dropped."""
    font = rpr_owner.font  # type: ignore[attr-defined]
    font.name = LATIN
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    rpr = rpr_owner.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asia)


def strip_theme_fonts(document: Document) -> None:
    """Drop theme font references everywhere in styles.xml and set the document defaults."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", FANGSONG),
                        ("w:cs", LATIN)):
        fonts.set(qn(attr), value)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def indent_chars(style_or_paragraph: object, first: int | None = None, left: int | None = None,
                 right: int | None = None, char_pt: float = 16) -> None:
    """Indents in hundredths of a character (200 = two characters), Word's 字符 unit, with the
    same distance in twips for programs that ignore the character unit."""
    element = getattr(style_or_paragraph, "element", None)
    if element is None:
        element = style_or_paragraph._p  # type: ignore[attr-defined]
    ind = element.get_or_add_pPr().get_or_add_ind()
    for name, value in (("firstLine", first), ("left", left), ("right", right)):
        if value is not None:
            ind.set(qn(f"w:{name}Chars"), str(value))
            ind.set(qn(f"w:{name}"), str(round(value / 100 * char_pt * 20)))


def no_snap(style: object) -> None:
    """Table text keeps its own line height instead of snapping to the 22-line grid."""
    ppr = style.element.get_or_add_pPr()  # type: ignore[attr-defined]
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.insert(0, snap)


def paragraph_style(document: Document, style_id: str, name: str, east_asia: str, size: float,
                    *, align: WD_ALIGN_PARAGRAPH | None = None, bold: bool = False,
                    color: RGBColor | None = None, exact: Pt | None = LINE,
                    first_chars: int | None = 0) -> object:
    """A paragraph style based on Normal, named in Chinese for the staff (ASCII style id)."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    set_run_fonts(style, east_asia, Pt(size), bold, color)
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    if exact is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact
    if first_chars is not None:
        fmt.first_line_indent = Pt(0)
        indent_chars(style, first=first_chars)
    return style


def setup_styles(document: Document) -> None:
    """Normal (the body) and the named styles of the official-document elements."""
    strip_theme_fonts(document)
    normal = document.styles["Normal"]
    set_run_fonts(normal, FANGSONG, Pt(16))
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    indent_chars(normal, first=200)
    paragraph_style(document, "GwMark", "发文机关标志", XIAOBIAOSONG, 24,
                    align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, exact=None)
    paragraph_style(document, "GwNumber", "发文字号", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(document, "GwTitle", "公文标题", XIAOBIAOSONG, 22,
                    align=WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(35))
    paragraph_style(document, "GwAddressee", "主送机关", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph_style(document, "GwHeading1", "一级标题（一、黑体）", HEITI, 16, first_chars=200)
    paragraph_style(document, "GwHeading2", "二级标题（（一）楷体）", KAITI, 16, first_chars=200)
    paragraph_style(document, "GwHeading3", "三级标题（1.仿宋）", FANGSONG, 16, first_chars=200)
    paragraph_style(document, "GwHeading4", "四级标题（（1）仿宋）", FANGSONG, 16, first_chars=200)
    paragraph_style(document, "GwAttachment", "附件说明", FANGSONG, 16, first_chars=200)
    signature = paragraph_style(document, "GwSignature", "发文机关署名", FANGSONG, 16,
                                align=WD_ALIGN_PARAGRAPH.RIGHT)
    indent_chars(signature, right=400)
    date_style = paragraph_style(document, "GwDate", "成文日期", FANGSONG, 16,
                                 align=WD_ALIGN_PARAGRAPH.RIGHT)
    indent_chars(date_style, right=400)
    paragraph_style(document, "GwAnnexLabel", "附件标识", HEITI, 16, align=WD_ALIGN_PARAGRAPH.LEFT)
    imprint = paragraph_style(document, "GwImprint", "版记", FANGSONG, 14,
                              align=WD_ALIGN_PARAGRAPH.LEFT, exact=Pt(24))
    no_snap(imprint)
    table_text = paragraph_style(document, "GwTable", "表格文字", FANGSONG, 12,
                                 align=WD_ALIGN_PARAGRAPH.LEFT, exact=None)
    no_snap(table_text)
    table_head = paragraph_style(document, "GwTableHead", "表头文字", HEITI, 12,
                                 align=WD_ALIGN_PARAGRAPH.CENTER, exact=None)
    no_snap(table_head)
    page_number = paragraph_style(document, "GwPageNumber", "页码", SONGTI, 14, exact=None)
    no_snap(page_number)


PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
             "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
             "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
             "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
             "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
             "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
             "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
             "w:pPrChange")
TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
               "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
               "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def schema_order(root: object) -> None:
    """Put the children of every pPr and tblPr in the order the schema requires (Word rejects
    out-of-order properties; python-docx and the edits above may append at the end)."""
    for tag, order in (("w:pPr", PPR_ORDER), ("w:tblPr", TBLPR_ORDER)):
        rank = {qn(name): i for i, name in enumerate(order)}
        for parent in root.iter(qn(tag)):  # type: ignore[attr-defined]
            children = sorted(parent, key=lambda child: rank.get(child.tag, len(rank)))
            for child in children:
                parent.append(child)


KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "TableGrid", "NoList"}


def prune(document: Document) -> None:
    """Drop what python-docx's stock template carries but no document uses: about a hundred
    table and list styles, the Word 2010 duplicate of styles.xml and a thumbnail of a blank
    page. Smaller parts make every rendered document smaller and faster to write."""
    styles = document.styles.element
    for style in list(styles.findall(qn("w:style"))):
        style_id = style.get(qn("w:styleId"))
        if style_id not in KEEP_STYLES and not style_id.startswith("Gw"):
            styles.remove(style)
    for owner in (document.part, document.part.package):
        for rel_id, rel in list(owner.rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                owner.rels.pop(rel_id)


# ---------------------------------------------------------------- page setup

def setup_page(document: Document, landscape: bool) -> None:
    """A4 with the GB/T 9704 text block, the 22-line grid and alternating page numbers."""
    section = document.sections[0]
    if landscape:
        # The portrait block turned a quarter: the binding side (28 mm) becomes the top.
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # Page number about 7 mm below the text block.
    section.footer_distance = section.bottom_margin - Mm(12)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), GRID_PITCH)
    document.settings.odd_and_even_pages_header_footer = True
    page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def page_number(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """'— N —' in 4号 宋体, one character in from the outer edge."""
    paragraph.style = "页码"
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        indent_chars(paragraph, right=100, char_pt=14)
    else:
        indent_chars(paragraph, left=100, char_pt=14)
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        run = paragraph.add_run()
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


def new_document(title: str, landscape: bool = False) -> Document:
    """An empty template with styles, page setup and fixed document properties."""
    document = Document()
    prune(document)
    setup_styles(document)
    setup_page(document, landscape)
    body = document.element.body
    for paragraph in list(body.iter(qn("w:p"))):
        body.remove(paragraph)
    props = document.core_properties
    props.title = title
    props.author = "zwgk"
    props.last_modified_by = "zwgk"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    return document


# ---------------------------------------------------------------- building blocks

def para(document: Document, text: str = "", style: str | None = None) -> Paragraph:
    return document.add_paragraph(text, style=style)


def heading(document: Document, level: int, text: str) -> Paragraph:
    names = {1: "一级标题（一、黑体）", 2: "二级标题（（一）楷体）", 3: "三级标题（1.仿宋）",
             4: "四级标题（（1）仿宋）"}
    return para(document, text, names[level])


def tag(document: Document, text: str) -> None:
    """A paragraph holding only a {%p … %} tag (removed when rendered)."""
    para(document, text)


def letterhead(document: Document) -> None:
    """Red organ mark, the number and the red rule under it, then the title."""
    para(document, "{{ organ_mark }}", "发文机关标志")
    para(document)
    number = para(document, "{{ number }}", "发文字号")
    ppr = number._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "11"),
                        ("w:color", "FF0000")):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    ppr.append(borders)
    para(document)
    para(document, "{{ title }}", "公文标题")
    para(document)


def addressee(document: Document) -> None:
    para(document, "{{ addressees }}：", "主送机关")


def attachment_note(document: Document) -> None:
    """附件：1.… with further attachments aligned under the first."""
    para(document)
    tag(document, "{%p for item in attachments %}")
    para(document, "{{ item.lead }}{{ item.label }}", "附件说明")
    tag(document, "{%p endfor %}")


def closing(document: Document) -> None:
    """Signature and date, right-aligned four characters in from the margin."""
    para(document)
    para(document)
    para(document, "{{ organ_name }}", "发文机关署名")
    para(document, "{{ date_text }}", "成文日期")


def fix_widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (grid, cells and table) so Word, WPS and LibreOffice agree."""
    tbl = table._tbl
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(Mm(width).twips))
    tbl_pr = tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(Mm(w).twips for w in widths_mm)))
    tbl_pr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    for row in table.rows:
        cells = row._tr.tc_lst
        col = 0
        for tc in cells:
            span = tc.grid_span
            tc.width = Mm(sum(widths_mm[col:col + span]))
            col += span


def grid_table(document: Document, headers: Sequence[str], cells: Sequence[str],
               widths_mm: Sequence[float], loop: str | None) -> Table:
    """A bordered table: header row (repeated on every page), then one row per item of ``loop``.

    ``loop`` is the jinja ``for`` clause (``row in rows``); None gives a single plain row.
    """
    rows = 2 + (2 if loop else 0)
    table = document.add_table(rows=rows, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = "表头文字"
    head_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    head_pr.append(repeat)
    body_index = 1
    if loop:
        table.rows[1].cells[0].paragraphs[0].text = "{%tr for " + loop + " %}"
        table.rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"
        body_index = 2
    for cell, text in zip(table.rows[body_index].cells, cells, strict=True):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = "表格文字"
    for row in table.rows:
        for cell in row.cells:
            if cell.paragraphs[0].style.name == "Normal":
                cell.paragraphs[0].style = "表格文字"
    fix_widths(table, widths_mm)
    return table


def imprint(document: Document) -> None:
    """版记 at the foot of the last page: a table anchored to the bottom of the text block,
    thick rules first and last, a thin rule between 抄送 (left out when empty) and the 印发 line."""
    table = document.add_table(rows=4, cols=2)
    tbl_pr = table._tbl.tblPr
    position = OxmlElement("w:tblpPr")
    for attr, value in (("w:vertAnchor", "margin"), ("w:horzAnchor", "margin"),
                        ("w:tblpXSpec", "center"), ("w:tblpYSpec", "bottom")):
        position.set(qn(attr), value)
    tbl_pr.insert(0, position)
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", "8"), ("bottom", "8"), ("insideH", "4")):
        line = OxmlElement(f"w:{edge}")
        for attr, value in (("w:val", "single"), ("w:sz", size), ("w:space", "0"),
                            ("w:color", "000000")):
            line.set(qn(attr), value)
        borders.append(line)
    tbl_pr.append(borders)
    table.cell(0, 0).paragraphs[0].text = "{%tr if cc %}"
    cc = table.cell(1, 0).merge(table.cell(1, 1))
    cc.paragraphs[0].text = "抄送：{{ cc }}。"
    indent_chars(cc.paragraphs[0], left=100, right=100, char_pt=14)
    table.cell(2, 0).paragraphs[0].text = "{%tr endif %}"
    organ, printed = table.cell(3, 0), table.cell(3, 1)
    organ.paragraphs[0].text = "{{ print_organ }}"
    indent_chars(organ.paragraphs[0], left=100, char_pt=14)
    printed.paragraphs[0].text = "{{ print_date_text }}印发"
    printed.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    indent_chars(printed.paragraphs[0], right=100, char_pt=14)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.style = "版记"
    fix_widths(table, [BODY_BLOCK_MM * 0.6, BODY_BLOCK_MM * 0.4])
    # A body must end with a paragraph; this one also anchors the floating table. It is kept
    # tiny so that it never pushes the imprint onto a page of its own.
    anchor = para(document)
    anchor.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    anchor.paragraph_format.line_spacing = Pt(1)
    anchor.paragraph_format.first_line_indent = Pt(0)


def page_break(document: Document) -> None:
    para(document).add_run().add_break(WD_BREAK.PAGE)


def annex_heading(document: Document, label: str, title: str) -> None:
    para(document, label, "附件标识")
    para(document)
    para(document, title, "公文标题")
    para(document)


def form_heading(document: Document, info: str) -> None:
    """Form title and the line under it (unit, year)."""
    para(document, "{{ title }}", "公文标题")
    para(document)
    para(document, info, "主送机关")


# ---------------------------------------------------------------- the documents

def scheme_notice() -> Document:
    d = new_document("关于印发年度政务公开工作考核实施方案的通知")
    letterhead(d)
    addressee(d)
    para(d, "经{{ leading_group }}审定，现将《{{ year }}年度政务公开工作考核实施方案》印发给你们，"
            "请认真贯彻执行。")
    attachment_note(d)
    closing(d)
    page_break(d)
    para(d, "{{ year }}年度政务公开工作考核实施方案", "公文标题")
    para(d)
    para(d, "为全面推进政务公开工作，根据《{{ measures }}》，制定本方案。")
    heading(d, 1, "一、考核范围")
    para(d, "{{ district }}各乡（镇）人民政府、社区服务中心（{{ township_count }}个）和{{ level }}直各部门、"
            "各直属事业单位（{{ department_count }}个）{{ by_reference }}，各类单位分别考核、分别排名。")
    tag(d, "{%p for cat in categories %}")
    heading(d, 2, "{{ cat.heading }}")
    para(d, "{{ cat.units }}。")
    tag(d, "{%p endfor %}")
    heading(d, 1, "二、时间安排")
    tag(d, "{%p for row in timetable %}")
    para(d, "{{ row.step }}（{{ row.due }}）：{{ row.content }}")
    tag(d, "{%p endfor %}")
    heading(d, 1, "三、考核方式")
    para(d, "采取日常考核和年度考核相结合的方式。考核组通过{{ methods }}等方式，结合日常考核情况，"
            "综合评定被考核单位全年政务公开工作情况，确定考核分数，提出名次建议。"
            "{{ outside_rule }}。")
    heading(d, 1, "四、考核等次")
    para(d, "考核实行百分制，按照考核内容明细表（{{ annex_refs }}）计分，考核结果分为以下等次：")
    tag(d, "{%p for band in grade_bands %}")
    para(d, "{{ band.grade }}：{{ band.range_text }}。")
    tag(d, "{%p endfor %}")
    para(d, "在自查和考核中存在弄虚作假的，考核结果直接记为不合格档次，并给予通报批评。")
    heading(d, 1, "五、结果运用")
    para(d, "考核结果经{{ leading_group }}审定后，以{{ office }}名义通报，"
            "并在{{ level }}政府门户网站公布；作为全{{ level }}政务公开工作先进单位和个人表彰的主要依据；"
            "以{{ weight_text }}的分值权重纳入被考核单位年度目标绩效考核；"
            "作为被考核单位领导干部综合考核评价和实行问责的参考依据。")
    tag(d, "{%p for cat in categories %}")
    page_break(d)
    annex_heading(d, "附件{{ cat.annex_number }}", "{{ cat.annex_title }}")
    grid_table(d, ["序号", "内容", "一级指标", "二级指标", "分值"],
               ["{{ row.seq }}", "{{ row.area }}", "{{ row.level1 }}", "{{ row.text }}",
                "{{ row.points }}"],
               [12, 22, 30, 74, 18], "row in cat.rows")
    tag(d, "{%p endfor %}")
    imprint(d)
    return d


def self_check_notice() -> Document:
    d = new_document("关于开展年度政务公开工作自查的通知")
    letterhead(d)
    addressee(d)
    para(d, "{% if scheme_number %}根据《{{ year }}年度政务公开工作考核实施方案》（{{ scheme_number }}）"
            "{% else %}根据{{ year }}年度政务公开工作考核实施方案{% endif %}，"
            "决定在全{{ level }}{{ unit_count }}个被考核单位开展{{ year }}年度政务公开工作自查。现将有关事项通知如下。")
    heading(d, 1, "一、自查内容")
    para(d, "各单位对照本单位所属类别的考核内容明细表，逐项检查本年度政务公开工作落实情况，"
            "在随本通知下发的自查评分表中填写自评分和说明。")
    heading(d, 1, "二、报送要求")
    para(d, "请于{{ due_text }}前（本通知印发后{{ self_check_days }}个工作日内）将自查报告和自查评分表"
            "经单位主要负责人审签后报{{ office }}。")
    heading(d, 1, "三、有关要求")
    para(d, "自查须实事求是。在自查和考核中存在弄虚作假的，考核结果直接记为不合格档次，"
            "并给予通报批评。逾期未报送的，将予以催办。")
    closing(d)
    imprint(d)
    return d


def self_check_form() -> Document:
    d = new_document("自查评分表", landscape=True)
    form_heading(d, "单位（盖章）：{{ unit_name }}　　　　类别：{{ category_label }}")
    grid_table(d, ["序号", "内容", "一级指标", "二级指标", "分值", "自评分", "说明"],
               ["{{ row.seq }}", "{{ row.area }}", "{{ row.level1 }}", "{{ row.text }}",
                "{{ row.points }}", "", ""],
               [14, 22, 30, 84, 15, 18, 42], "row in rows")
    para(d, "常规指标满分{{ total_points }}分。请于{{ due_text }}前报送。", "主送机关")
    para(d, "单位负责人：　　　　　　　填表人：　　　　　　　联系电话：　　　　　　　填表日期：", "主送机关")
    return d


def group_notice() -> Document:
    d = new_document("关于成立年度政务公开工作考核组的通知")
    letterhead(d)
    addressee(d)
    para(d, "根据《{{ measures }}》第十条第（二）项，从{{ leading_group }}成员单位"
            "抽调人员组成{{ year }}年度政务公开工作考核组，负责对{{ unit_count }}个被考核单位实施年度考核。"
            "现将有关事项通知如下。")
    heading(d, 1, "一、考核组成员")
    para(d, "考核组由以下{{ member_count }}名同志组成（按所在单位列出）：")
    grid_table(d, ["序号", "姓名", "所在单位", "职务"],
               ["{{ m.seq }}", "{{ m.name }}", "{{ m.from_unit }}", "{{ m.position }}"],
               [14, 30, 76, 36], "m in members")
    heading(d, 1, "二、工作职责")
    para(d, "考核组通过召开座谈会、听取自查汇报、实地核查、第三方评估和民意调查等方式，结合日常考核情况，"
            "综合评定被考核单位全年政务公开工作情况，确定考核分数，提出名次建议，报{{ office }}审核。")
    heading(d, 1, "三、工作要求")
    para(d, "考核组成员要坚持实事求是、客观公正，严格按照考核内容明细表评分，每项扣分须注明原因和方式。")
    closing(d)
    imprint(d)
    return d


def score_sheet() -> Document:
    d = new_document("考核评分表", landscape=True)
    form_heading(d, "被考核单位：{{ unit_name }}　　　　类别：{{ category_label }}{{ revision_note }}")
    grid_table(d, ["序号", "内容", "一级指标", "二级指标", "分值", "扣分", "得分"],
               ["{{ row.seq }}", "{{ row.area }}", "{{ row.level1 }}", "{{ row.text }}",
                "{{ row.points }}", "{{ row.deducted }}", "{{ row.score }}"],
               [14, 22, 30, 108, 16, 16, 19], "row in rows")
    para(d)
    para(d, "扣分明细", "附件标识")
    grid_table(d, ["指标序号", "二级指标", "扣分", "扣分原因", "考核方式"],
               ["{{ item.seq }}", "{{ item.criterion }}", "{{ item.points }}", "{{ item.reason }}",
                "{{ item.method }}"],
               [18, 80, 16, 85, 26], "item in deductions")
    para(d)
    para(d, "特别项", "附件标识")
    grid_table(d, ["类别", "分值", "事由"],
               ["{{ item.kind }}", "{{ item.points }}", "{{ item.reason }}"],
               [40, 20, 165], "item in specials")
    para(d)
    para(d, "自评分：{{ self_score }}　　考核得分：{{ score }}　　等次：{{ grade }}　　名次建议：{{ rank }}",
         "主送机关")
    para(d, "考核组成员（签字）：　　　　　　　　　　　　　　　　　　{{ date_text }}", "主送机关")
    return d


def summary_tables(document: Document) -> None:
    """Per category a heading and a ranked table (used by the summary and by the request)."""
    tag(document, "{%p for cat in categories %}")
    para(document, "{{ cat.label }}", "附件标识")
    grid_table(document, ["名次建议", "被考核单位", "自评分", "考核得分", "等次", "备注"],
               ["{{ r.rank }}", "{{ r.unit }}", "{{ r.self_score }}", "{{ r.score }}", "{{ r.grade }}",
                "{{ r.note }}"],
               [20, 60, 18, 20, 16, 22], "r in cat.rows")
    para(document)
    tag(document, "{%p endfor %}")


def results_summary() -> Document:
    d = new_document("考核结果汇总表", landscape=True)
    form_heading(d, "{{ year }}年度　{{ revision_note }}")
    summary_tables(d)
    para(d, "考核组（盖章）　　　　　　　　　　　　　　　　　　　　　　　　　{{ date_text }}", "主送机关")
    return d


def review_request() -> Document:
    d = new_document("关于年度政务公开工作考核结果的请示")
    letterhead(d)
    addressee(d)
    para(d, "根据《{{ measures }}》第十条第（四）项，{{ year }}年度政务公开工作考核组"
            "已完成对{{ unit_count }}个被考核单位的考核评分并提出名次建议。{{ office }}"
            "对考核分数和名次建议进行了审核，{{ grade_counts }}。{{ resubmission }}")
    para(d, "现将考核结果报请审定。审定后，以{{ office }}名义通报，并在{{ level }}政府门户网站公布。")
    para(d, "妥否，请批示。")
    attachment_note(d)
    closing(d)
    page_break(d)
    annex_heading(d, "附件", "{{ year }}年度政务公开工作考核结果汇总表")
    summary_tables(d)
    imprint(d)
    return d


def approval_opinion() -> Document:
    d = new_document("审定意见")
    letterhead(d)
    addressee(d)
    para(d, "{% if request_number %}你办《{{ request_title }}》（{{ request_number }}）收悉。{% endif %}"
            "经{{ gate_label }}，对{{ year }}年度政务公开工作考核{{ subject }}提出审定意见如下：")
    heading(d, 1, "一、审定结论")
    para(d, "{{ decision }}。")
    heading(d, 1, "二、意见")
    para(d, "{{ comment }}")
    para(d, "审定人：{{ decided_by }}")
    closing(d)
    imprint(d)
    return d


def results_circular() -> Document:
    d = new_document("关于年度政务公开工作考核结果的通报")
    letterhead(d)
    addressee(d)
    para(d, "根据《{{ measures }}》，{{ office }}组织开展了{{ year }}年度"
            "政务公开工作考核。经考核组考核、{{ office }}审核、{{ leading_group }}审定，"
            "现将考核结果通报如下。")
    heading(d, 1, "一、考核结果")
    tag(d, "{%p for cat in categories %}")
    para(d, "{{ cat.label }}", "二级标题（（一）楷体）")
    grid_table(d, ["名次", "单位", "得分", "等次"],
               ["{{ r.rank }}", "{{ r.unit }}", "{{ r.score }}", "{{ r.grade }}"],
               [18, 90, 24, 24], "r in cat.rows")
    tag(d, "{%p endfor %}")
    heading(d, 1, "二、通报表扬")
    para(d, "{% if commended %}对考核等次为优秀的{{ commended }}予以通报表扬。"
            "{% else %}本年度没有考核等次为优秀的单位。{% endif %}")
    heading(d, 1, "三、通报批评")
    para(d, "{% if criticised %}对考核等次为不合格或在自查和考核中存在弄虚作假的{{ criticised }}予以通报批评。"
            "{% else %}本年度没有考核等次为不合格或弄虚作假的单位。{% endif %}")
    heading(d, 1, "四、有关要求")
    para(d, "（一）各单位要针对考核中发现的问题，在收到问题反馈及整改通知书后{{ plan_days }}个工作日内报送整改方案，"
            "{{ done_days }}个工作日内整改到位，并报送整改报告（第十一条）。")
    para(d, "（二）考核结果作为全{{ level }}政务公开工作先进单位和个人表彰的主要依据，以{{ weight_text }}的分值权重纳入"
            "被考核单位年度目标绩效考核，并作为领导干部综合考核评价和实行问责的参考依据（第十三条）。")
    closing(d)
    imprint(d)
    return d


def rectification_notice() -> Document:
    d = new_document("问题反馈及整改通知书")
    letterhead(d)
    addressee(d)
    para(d, "根据《{{ measures }}》第十一条，现将{{ year }}年度政务公开工作考核中"
            "发现你单位存在的问题反馈如下：")
    tag(d, "{%p for problem in problems %}")
    para(d, "{{ loop.index }}. {{ problem }}", "三级标题（1.仿宋）")
    tag(d, "{%p endfor %}")
    para(d, "请你单位认真对照上述问题，于{{ plan_due_text }}前（{{ plan_days }}个工作日内）报送整改方案，"
            "于{{ done_due_text }}前（{{ done_days }}个工作日内）整改到位，并将整改报告报区政务公开工作"
            "领导小组办公室。逾期未报送的，将予以催办、督办。")
    closing(d)
    imprint(d)
    return d


def reminder(escalation: bool) -> Document:
    d = new_document("督办通知" if escalation else "催办通知")
    letterhead(d)
    addressee(d)
    if escalation:
        para(d, "根据《{{ measures }}》{{ basis }}，你单位应于{{ due_text }}前{{ task }}。"
                "经多次催办，截至目前{{ status_text }}。")
        para(d, "现予督办：请你单位主要负责人亲自过问，立即{{ task }}，并书面说明逾期原因。"
                "督办情况将纳入年度政务公开工作考核。")
    else:
        para(d, "根据《{{ measures }}》{{ basis }}，你单位应于{{ due_text }}前{{ task }}。"
                "截至目前{{ status_text }}。")
        para(d, "请你单位抓紧办理，按时{{ task }}。已办理的，请忽略本通知。")
    closing(d)
    imprint(d)
    return d


def criticism() -> Document:
    d = new_document("通报批评")
    letterhead(d)
    addressee(d)
    para(d, "{{ office }}在{{ year }}年度政务公开工作考核中发现，"
            "{{ unit_name }}存在弄虚作假问题：{{ reason }}")
    para(d, "根据《{{ measures }}》第十四条，{{ unit_name }}{{ year }}年度政务公开工作"
            "考核结果直接记为不合格档次，现予以通报批评。")
    para(d, "各单位要引以为戒，坚持实事求是，如实开展自查、报送材料。")
    closing(d)
    imprint(d)
    return d


def daily_circular() -> Document:
    d = new_document("日常考核情况通报")
    letterhead(d)
    addressee(d)
    para(d, "根据《{{ measures }}》第十条第（一）项，{{ office }}通过"
            "日常工作记录、随机抽查、专项检查等方式开展日常考核。{% if rows %}{{ period_text }}，共发现"
            "{{ unit_count }}个单位{{ record_count }}个问题（{{ method_counts }}），现通报如下。"
            "{% else %}{{ period_text }}，未发现问题。{% endif %}")
    grid_table(d, ["序号", "单位", "发现日期", "方式", "发现的问题", "扣分"],
               ["{{ row.seq }}", "{{ row.unit }}", "{{ row.date_text }}", "{{ row.method }}",
                "{{ row.finding }}", "{{ row.points }}"],
               [11, 32, 25, 20, 54, 14], "row in rows")
    para(d)
    para(d, "上述问题已记录存档，作为年度考核时核减相应考核项目分数的依据。请有关单位立即整改。")
    closing(d)
    imprint(d)
    return d


def cadre_letter() -> Document:
    d = new_document("关于函送年度政务公开工作考核结果的函")
    letterhead(d)
    addressee(d)
    para(d, "根据《{{ measures }}》第十三条第（三）项，政务公开工作年度考核结果由干部主管部门和纪检监察机关"
            "作为被考核单位领导干部综合考核评价和实行问责的参考依据。{{ year }}年度政务公开工作考核结果"
            "已经{{ leading_group }}审定{% if circular_number %}，并以《关于{{ year }}年度政务公开工作考核结果的通报》"
            "（{{ circular_number }}）通报{% endif %}。")
    para(d, "现将{{ unit_count }}个被考核单位的考核得分、等次、名次、发现的问题、整改情况函送你们"
            "{% if falsified_count %}，其中{{ falsified_count }}个单位在自查和考核中存在弄虚作假，"
            "考核结果已直接记为不合格档次并通报批评{% endif %}"
            "{% if rectifying_count %}；{{ rectifying_count }}个单位的整改尚未核验通过，"
            "我办将继续督促{% endif %}。请参考使用。")
    attachment_note(d)
    closing(d)
    page_break(d)
    annex_heading(d, "附件", "{{ year }}年度政务公开工作考核结果情况表")
    grid_table(d, ["类别", "单位", "得分", "等次", "名次", "弄虚作假认定"],
               ["{{ r.category }}", "{{ r.unit }}", "{{ r.score }}", "{{ r.grade }}", "{{ r.rank }}",
                "{{ r.falsification }}"],
               [26, 44, 16, 16, 14, 40], "r in rows")
    para(d)
    para(d, "各单位发现的问题和整改情况详见随函电子表格。")
    imprint(d)
    return d


def group_record() -> Document:
    d = new_document("考核组工作记录表")
    form_heading(d, "被考核单位：{{ unit_name }}　　类别：{{ category_label }}")
    grid_table(d, ["考核方式", "日期", "考核组成员"],
               ["{{ kind }}", "{{ held_on_text }}", "{{ members }}"], [30, 36, 90], None)
    para(d)
    para(d, "记录材料：{{ minutes }}", "主送机关")
    para(d)
    para(d, "发现的问题（拟扣分，由考核组评分时确定）", "附件标识")
    grid_table(d, ["序号", "对应指标", "发现的问题", "拟扣分"],
               ["{{ f.seq }}", "{{ f.criterion }}", "{{ f.finding }}", "{{ f.points }}"],
               [12, 56, 70, 18], "f in findings")
    para(d)
    para(d, "考核组成员（签字）：　　　　　　　　被考核单位负责人（签字）：", "主送机关")
    para(d, "{{ recorded_text }}", "主送机关")
    return d


def report_circular() -> Document:
    d = new_document("年报审查情况通报")
    letterhead(d)
    addressee(d)
    para(d, "根据《中华人民共和国政府信息公开条例》第四十九条、第五十条和《中华人民共和国政府信息公开工作年度报告格式》"
            "（国办公开办函〔2021〕30号），{{ office }}对各单位{{ year }}年度政府信息公开工作年度报告的报送和"
            "编制情况进行了审查。现将有关情况通报如下。")
    heading(d, 1, "一、报送情况")
    para(d, "年度报告应于{{ due_text }}前报送并向社会公布。应报送单位{{ unit_count }}个，已报送{{ handed_count }}个，"
            "其中按时报送{{ on_time_count }}个"
            "{% if late_count %}，逾期报送{{ late_count }}个（{{ late_units }}）{% endif %}"
            "{% if missing_count %}；未报送{{ missing_count }}个（{{ missing_units }}）{% endif %}。")
    grid_table(d, ["序号", "单位", "报送日期", "报送情况", "问题数"],
               ["{{ r.seq }}", "{{ r.unit }}", "{{ r.handed_text }}", "{{ r.status }}", "{{ r.problem_count }}"],
               [14, 62, 34, 26, 20], "r in rows")
    heading(d, 1, "二、审查发现的问题")
    para(d, "{% if problems %}经审查，{{ problem_unit_count }}个单位的年度报告存在{{ problem_count }}个问题，"
            "具体如下：{% else %}经审查，未发现需要通报的问题。{% endif %}")
    tag(d, "{%p if problems %}")
    grid_table(d, ["序号", "单位", "问题类型", "具体问题"],
               ["{{ p.seq }}", "{{ p.unit }}", "{{ p.kind }}", "{{ p.detail }}"],
               [12, 36, 30, 78], "p in problems")
    tag(d, "{%p endif %}")
    heading(d, 1, "三、有关要求")
    para(d, "（一）存在问题的单位要对照本通报逐项核实，按照年度报告格式更正后重新公开，并将更正后的年度报告报送"
            "{{ office }}。")
    para(d, "（二）未报送年度报告的单位要立即报送，并在本单位政府网站或政府信息公开专栏公布。")
    para(d, "（三）上述问题已记入日常考核记录，作为年度考核中“编制、发布并及时更新政府信息公开指南、目录及年报”"
            "指标核减分数的依据（《{{ measures }}》第十条第（一）项）。")
    closing(d)
    imprint(d)
    return d


def site_report() -> Document:
    d = new_document("网站监测情况通报")
    letterhead(d)
    addressee(d)
    para(d, "根据《{{ measures }}》第十条第（一）项和国务院办公厅秘书局《政府网站与政务新媒体检查指标》"
            "（国办秘函〔2019〕19号），{{ office }}对{{ unit_count }}个单位的{{ page_count }}个网站页面开展日常监测。"
            "现将{{ period_text }}监测情况通报如下。")
    heading(d, 1, "一、总体情况")
    para(d, "{{ summary }}")
    heading(d, 1, "二、各单位监测情况")
    grid_table(d, ["序号", "单位", "首页可访问率", "首页未更新天数", "不更新栏目", "空白栏目", "错链断链",
                   "解读未关联、留言未回复", "单项否决/预警/问题"],
               ["{{ row.seq }}", "{{ row.unit }}", "{{ row.availability }}", "{{ row.homepage_days }}",
                "{{ row.stale }}", "{{ row.blank }}", "{{ row.dead }}", "{{ row.other }}", "{{ row.findings }}"],
               [9, 31, 17, 17, 15, 15, 14, 18, 20], "row in rows")
    heading(d, 1, "三、存在的问题")
    tag(d, "{%p if findings %}")
    para(d, "截至{{ period_text }}末，以下问题尚未整改：")
    grid_table(d, ["序号", "单位", "问题类型", "程度", "栏目", "问题描述", "首次发现"],
               ["{{ f.seq }}", "{{ f.unit }}", "{{ f.rule }}", "{{ f.severity }}", "{{ f.column }}",
                "{{ f.detail }}", "{{ f.first_seen }}"],
               [9, 26, 21, 15, 18, 48, 19], "f in findings")
    tag(d, "{%p else %}")
    para(d, "截至{{ period_text }}末，未发现尚未整改的问题。")
    tag(d, "{%p endif %}")
    heading(d, 1, "四、有关要求")
    para(d, "请有关单位对照问题立即整改，并加强网站日常管理：首页和动态要闻类栏目及时更新，通知公告、政策文件类栏目"
            "按要求更新，不开设空白栏目，及时清理错链断链，政策解读与政策文件相互链接，网民留言及时回复。"
            "单项否决问题须立即整改。经{{ office }}确认的问题记入日常考核，作为年度考核扣分依据。")
    closing(d)
    imprint(d)
    return d


BUILDERS = {
    Template.SCHEME_NOTICE: scheme_notice,
    Template.SELF_CHECK_NOTICE: self_check_notice,
    Template.SELF_CHECK_FORM: self_check_form,
    Template.GROUP_NOTICE: group_notice,
    Template.SCORE_SHEET: score_sheet,
    Template.RESULTS_SUMMARY: results_summary,
    Template.REVIEW_REQUEST: review_request,
    Template.APPROVAL_OPINION: approval_opinion,
    Template.RESULTS_CIRCULAR: results_circular,
    Template.RECTIFICATION_NOTICE: rectification_notice,
    Template.REMINDER: lambda: reminder(escalation=False),
    Template.ESCALATION: lambda: reminder(escalation=True),
    Template.CRITICISM: criticism,
    Template.DAILY_CIRCULAR: daily_circular,
    Template.CADRE_LETTER: cadre_letter,
    Template.GROUP_RECORD: group_record,
    Template.REPORT_CIRCULAR: report_circular,
    Template.SITE_REPORT: site_report,
}


def main(names: Sequence[str] = ()) -> None:
    """Write the templates named (file names in doc_templates/), or every template, to
    doc_templates/. Naming them leaves the others, and the staff's edits to them, alone."""
    unknown = set(names) - {t.value for t in BUILDERS}
    if unknown:
        raise SystemExit(f"unknown template(s): {', '.join(sorted(unknown))}")
    OUT.mkdir(exist_ok=True)
    for template, build in BUILDERS.items():
        if names and template.value not in names:
            continue
        document = build()
        for part in (document.element, document.styles.element,
                     *(s.footer._element for s in document.sections),
                     *(s.even_page_footer._element for s in document.sections)):
            schema_order(part)
        document.save(OUT / template.value)
        print(OUT / template.value)


if __name__ == "__main__":
    main(sys.argv[1:])
