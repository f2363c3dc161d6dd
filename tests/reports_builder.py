"""Annual reports in the 2021 national format (国办公开办函〔2021〕30号), built for the tests: the
six parts and the three tables, laid out as the format prints them or the way units really do
(one label column, full-width digits, blanks and dashes for 0, spaced labels, sub-columns in
another order, 表三 split across a page with its header repeated, 表二 as four small tables), as
a .docx (python-docx) or as the web page a portal publishes (rowspan/colspan); with any error
planted by changing the data before building.
"""

import html
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table

from zwgk.reports import format as f
from zwgk.reports.text import show

FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
T3_COLUMN_NAMES = [item.name for item in f.T3_COLUMNS]


def _t3() -> dict[tuple[str, str], int]:
    """表三 that adds up: 新收 12 + 结转 2 = 办结 13 + 结转下年 1 (and per column)."""
    rows: dict[str, dict[str, int]] = {
        f.NEW: {"自然人": 10, "商业企业": 2}, f.CARRIED_IN: {"自然人": 2},
        f.GRANTED: {"自然人": 5, "商业企业": 1}, f.PARTLY: {"自然人": 2},
        f.T3_SUB_ROWS[0].name: {"自然人": 1},  # 属于国家秘密
        f.group_rows("四")[0]: {"自然人": 2, "商业企业": 1},  # 本机关不掌握
        f.group_rows("五")[1]: {"自然人": 1},  # 重复申请
        f.RESULTS_TOTAL: {"自然人": 11, "商业企业": 2}, f.CARRIED_OUT: {"自然人": 1},
    }
    table = {}
    for item in f.T3_ROWS:
        values = rows.get(item.name, {})
        for column in f.APPLICANT_COLUMNS:
            table[(item.name, column)] = values.get(column, 0)
        table[(item.name, f.TOTAL)] = sum(values.values())
    return table


def _t4() -> dict[tuple[str, str], int]:
    values = {(f.REVIEW, f.UPHELD): 1, (f.REVIEW, f.PENDING): 1, (f.REVIEW, f.TOTAL): 2,
              (f.SUIT_DIRECT, f.UPHELD): 1, (f.SUIT_DIRECT, f.TOTAL): 1}
    return {(g, c.name): values.get((g, c.name), 0) for g in f.T4_ORDER for c in f.T4_COLUMNS}


def _t2() -> dict[tuple[str, str], Decimal]:
    return {("规章", f.T2_ISSUED): Decimal(0), ("规章", f.T2_REPEALED): Decimal(0), ("规章", f.T2_IN_FORCE): Decimal(0),
            ("行政规范性文件", f.T2_ISSUED): Decimal(3), ("行政规范性文件", f.T2_REPEALED): Decimal(1),
            ("行政规范性文件", f.T2_IN_FORCE): Decimal(25), ("行政许可", f.T2_DECISIONS): Decimal(1234),
            ("行政处罚", f.T2_DECISIONS): Decimal(56), ("行政强制", f.T2_DECISIONS): Decimal(2),
            ("行政事业性收费", f.T2_FEES): Decimal("0.5")}


SUBJECTS = ["政务公开", "政策解读", "基层政务公开标准化", "政府网站", "信息公开专栏", "政务新媒体", "便民服务中心",
            "重大建设项目", "财政预决算", "乡村振兴", "义务教育", "社会救助", "安全生产", "生态环境", "公共卫生"]
ACTIONS = ["扎实推进", "持续完善", "着力加强", "全面规范", "稳步推进", "认真落实", "不断深化", "有序开展"]
RESULTS = ["群众满意度进一步提升", "公开质量明显提高", "信息发布更加及时准确", "回应关切更加主动",
           "办事流程更加透明", "制度体系日益健全", "公开渠道不断拓展", "监督保障持续加强"]


def prose(seed: int, sentences: int = 8) -> str:
    """Paragraph text of its own for each seed (two reports built with different seeds share no
    more than the format's words)."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        a, b = rng.sample(SUBJECTS, 2)
        out.append(f"{rng.choice(ACTIONS)}{a}和{b}工作，第{rng.randint(2, 98)}项措施落实到位，"
                   f"{rng.choice(RESULTS)}，{rng.choice(ACTIONS)}{rng.choice(SUBJECTS)}。")
    return "".join(out)


@dataclass
class Report:
    """What a report says; every field can be changed to plant an error."""

    unit_title: str = "青岚镇人民政府"
    year: int = 2025
    seed: int = 1
    t2: dict[tuple[str, str], Decimal] = field(default_factory=_t2)
    t3: dict[tuple[str, str], int] = field(default_factory=_t3)
    t4: dict[tuple[str, str], int] = field(default_factory=_t4)
    omit_parts: frozenset[str] = frozenset()
    title: str | None = None  # default: unit, year, 政府信息公开工作年度报告
    period_year: int | None = None  # the year the statistical period names (default: ``year``)
    text_numbers: dict[str, str] = field(default_factory=dict)  # override a number the text quotes
    body: dict[str, str] = field(default_factory=dict)  # replace a part's prose
    omit_rows: frozenset[str] = frozenset()  # rows of 表三 left out

    @property
    def heading(self) -> str:
        return self.title if self.title is not None else f"{self.unit_title}{self.year}年政府信息公开工作年度报告"

    def number(self, name: str, value: object) -> str:
        return self.text_numbers.get(name, str(value))

    def parts(self) -> list[tuple[str, list[str]]]:
        """Each part's heading and paragraphs (a table follows the paragraphs of 二, 三 and 四)."""
        t3, t4, t2 = self.t3, self.t4, self.t2
        period = self.period_year or self.year
        texts = {
            "一": [f"本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
                   f"要求编制。本报告中所列数据的统计期限自{period}年1月1日起至{period}年12月31日止。",
                   self.body.get("一", prose(self.seed))],
            "二": [self.body.get("二", prose(self.seed + 100, 5)),
                   f"全年制发规范性文件{self.number('issued', t2[('行政规范性文件', f.T2_ISSUED)])}件，"
                   f"废止规范性文件{t2[('行政规范性文件', f.T2_REPEALED)]}件，"
                   f"现行有效规范性文件{t2[('行政规范性文件', f.T2_IN_FORCE)]}件。"],
            "三": [f"全年共收到政府信息公开申请{self.number('new', t3[(f.NEW, f.TOTAL)])}件，"
                   f"上年结转政府信息公开申请{t3[(f.CARRIED_IN, f.TOTAL)]}件，"
                   f"其中予以公开{self.number('granted', t3[(f.GRANTED, f.TOTAL)])}件，"
                   f"部分公开{t3[(f.PARTLY, f.TOTAL)]}件，"
                   f"结转下年度继续办理{t3[(f.CARRIED_OUT, f.TOTAL)]}件。",
                   self.body.get("三", prose(self.seed + 200, 4))],
            "四": [f"全年被申请行政复议{self.number('review', t4[(f.REVIEW, f.TOTAL)])}件，"
                   f"被提起行政诉讼{t4[(f.SUIT_DIRECT, f.TOTAL)] + t4[(f.SUIT_AFTER, f.TOTAL)]}件。"],
            "五": [self.body.get("五", prose(self.seed + 300, 4))],
            "六": [self.body.get("六", "本机关未收取信息处理费。" + prose(self.seed + 400, 2))],
        }
        return [(f"{part.numeral}、{part.title}", texts[part.numeral]) for part in f.PARTS
                if part.numeral not in self.omit_parts]


@dataclass(frozen=True)
class Layout:
    """How the tables are laid out."""

    merged: bool = True  # the format's merged labels and headers; False: one label column, flat header
    full_width: bool = False  # digits written full-width
    zeros: str = "0"  # how 0 is written: "0", "", "—", "－", "/"
    spaced: bool = False  # labels with extra spaces and half-width brackets
    legal_order: tuple[str, ...] = f.LEGAL_COLUMNS
    split_t3: bool = False  # 表三 in two tables, a page break between
    repeat_header: bool = True  # the split part starts with the header again
    header_again: int = 0  # 表三 in one table with its last N header rows again in the middle
    t2_split: bool = False  # 表二 as four tables, one per 第二十条 item
    fee_unit: str = "万元"


def cell_text(value: object, layout: Layout) -> str:
    """A number as the layout writes it (0 as blank or a dash; full-width digits)."""
    text = str(value)
    if text in ("0", "0.0"):
        return layout.zeros
    return text.translate(FULL_WIDTH) if layout.full_width else text


def label(text: str, layout: Layout) -> str:
    """A label as the layout writes it (spaced out, half-width brackets)."""
    if not layout.spaced:
        return text
    return " ".join(text).replace("（", "(").replace("）", ")")


# ---------------------------------------------------------------- tables as rows of (text, colspan, rowspan)

Span = tuple[str, int, int]  # text, colspan, rowspan


RESULT_LABELS = {f.GRANTED: "（一）予以公开", f.PARTLY: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                 f.RESULTS_TOTAL: "（七）总计"}


def t3_rows(report: Report, layout: Layout) -> tuple[list[list[Span]], list[list[Span]]]:
    """表三's header rows and data rows as spans: merged as the format prints them, or with one
    label column and a heading row for 三、 and for each result group."""
    columns = [f.NATURAL, *layout.legal_order, f.TOTAL]
    if layout.merged:
        note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        header = [[(note, 3, 3), ("申请人情况", 7, 1)],
                  [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
                  [(label(name, layout), 1, 1) for name in layout.legal_order]]
    else:
        header = [[("项目", 1, 1), *((label(name, layout), 1, 1) for name in columns)]]
    empty: list[Span] = [("", 1, 1)] * len(columns)
    body: list[list[Span]] = []
    for item in (item for item in f.T3_ROWS if item.name not in report.omit_rows):
        values: list[Span] = [(cell_text(report.t3[(item.name, c)], layout), 1, 1) for c in columns]
        if item.name in (f.NEW, f.CARRIED_IN, f.CARRIED_OUT):
            body.append([(label(item.name, layout), 3 if layout.merged else 1, 1), *values])
            continue
        own = label(item.name.split("）", 1)[1] if item.group else RESULT_LABELS[item.name], layout)
        group = f"（{item.group}）{f.T3_GROUPS[item.group][0]}" if item.group else ""
        first_of_group = bool(item.group) and item.number == 1
        if not layout.merged:
            heading = [[("三、本年度办理结果", 1, 1), *empty]] if item.name == f.GRANTED else []
            heading += [[(label(group, layout), 1, 1), *empty]] if first_of_group else []
            body += [*heading, [(own, 1, 1), *values]]
            continue
        lead = [("三、本年度办理结果", 1, len(f.RESULT_ROWS) + 1)] if item.name == f.GRANTED else []
        if item.group:
            group_cell = [(group, 1, len(f.group_rows(item.group)))] if first_of_group else []
            body.append([*lead, *group_cell, (own, 1, 1), *values])
        else:
            body.append([*lead, (own, 2, 1), *values])
    return header, body


def t4_rows(report: Report, layout: Layout) -> list[list[Span]]:
    """表四 as the format prints it: three header rows, then one row of fifteen numbers."""
    measures = [item.name for item in f.T4_COLUMNS]
    head = [[("行政复议", 5, 1), ("行政诉讼", 10, 1)],
            [*((m, 1, 2) for m in measures), ("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
            [(m, 1, 1) for m in measures] * 2]
    data = [[(cell_text(report.t4[(g, m)], layout), 1, 1) for g in f.T4_ORDER for m in measures]]
    return head + data


def t2_blocks(report: Report, layout: Layout) -> list[list[list[Span]]]:
    """表二's four blocks (第二十条第（一）（五）（六）（八）项), each as rows of spans."""
    v = lambda row, col: (cell_text(report.t2[(row, col)], layout), 1, 1)  # noqa: E731
    fee_header = f"本年收费金额（单位：{layout.fee_unit}）"
    fee = report.t2[("行政事业性收费", f.T2_FEES)] * (10000 if layout.fee_unit == "元" else 1)
    return [
        [[("第二十条第（一）项", 4, 1)], [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)],
         *[[(label(row, layout), 1, 1), v(row, f.T2_ISSUED), v(row, f.T2_REPEALED), v(row, f.T2_IN_FORCE)]
           for row in ("规章", "行政规范性文件")]],
        [[("第二十条第（五）项", 4, 1)], [("信息内容", 1, 1), ("本年处理决定数量", 3, 1)],
         [(label("行政许可", layout), 1, 1), (v("行政许可", f.T2_DECISIONS)[0], 3, 1)]],
        [[("第二十条第（六）项", 4, 1)], [("信息内容", 1, 1), ("本年处理决定数量", 3, 1)],
         *[[(label(row, layout), 1, 1), (v(row, f.T2_DECISIONS)[0], 3, 1)] for row in ("行政处罚", "行政强制")]],
        [[("第二十条第（八）项", 4, 1)], [("信息内容", 1, 1), (fee_header, 3, 1)],
         [(label("行政事业性收费", layout), 1, 1), (cell_text(show(fee), layout), 3, 1)]],
    ]


# ---------------------------------------------------------------- placing spans on a grid

@dataclass(frozen=True)
class Placed:
    """A span at its grid position."""

    row: int
    column: int
    text: str
    colspan: int
    rowspan: int


def place(rows: list[list[Span]]) -> list[Placed]:
    """The spans of ``rows`` at their grid positions (a rowspan from above takes its positions)."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in taken:
                c += 1
            placed.append(Placed(r, c, text, colspan, rowspan))
            taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            c += colspan
    return placed


def split(placed: list[Placed], at: int, header: list[Placed] | None) -> tuple[list[Placed], list[Placed]]:
    """A table cut before row ``at`` into two, as a unit that splits it across pages does: a
    merged cell that crosses the cut is cut too (its text again in the second part); the second
    part starts with ``header`` when given."""
    first = [replace(p, rowspan=min(p.rowspan, at - p.row)) for p in placed if p.row < at]
    lead = [replace(h) for h in header] if header else []
    offset = (max((h.row + h.rowspan for h in lead), default=0)) - at
    second = lead + [replace(p, row=max(p.row, at) + offset, rowspan=p.row + p.rowspan - max(p.row, at))
                     for p in placed if p.row + p.rowspan > at]
    return first, second


# ---------------------------------------------------------------- .docx

def _docx_table(document: Document, placed: list[Placed]) -> Table:
    """A table with the spans merged as Word writes them: one w:tc with gridSpan for a horizontal
    span, w:vMerge restart on the first row of a vertical span and an empty continuing w:tc below
    (written as XML: python-docx's cell merging is slow on tables this size)."""
    rows = max(p.row + p.rowspan for p in placed)
    width = max(p.column + p.colspan for p in placed)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    starts = {(p.row, p.column): p for p in placed}
    below = {(p.row + i, p.column): p for p in placed for i in range(1, p.rowspan)}
    for r in range(rows):
        tr = OxmlElement("w:tr")
        for c in range(width):
            p = starts.get((r, c)) or below.get((r, c))
            if p is None:
                continue
            tc = OxmlElement("w:tc")
            props = OxmlElement("w:tcPr")
            if p.colspan > 1:
                props.append(_val("w:gridSpan", str(p.colspan)))
            if p.rowspan > 1 or p.row != r:
                props.append(_val("w:vMerge", "restart") if p.row == r else OxmlElement("w:vMerge"))
            tc.append(props)
            paragraph, run, text = OxmlElement("w:p"), OxmlElement("w:r"), OxmlElement("w:t")
            text.text = p.text if p.row == r else ""
            run.append(text)
            paragraph.append(run)
            tc.append(paragraph)
            tr.append(tc)
        table._tbl.append(tr)
    return table


def _val(tag: str, value: str) -> OxmlElement:
    """A w: element with a w:val."""
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    return element


def _last_rows(header: list[list[Span]], count: int) -> list[list[Span]]:
    """The last ``count`` header rows on their own, as a page break repeats them: a cell merged
    down from a row above comes back as a cell of its own."""
    placed = place(header)
    start = len(header) - count
    kept = [replace(p, row=max(p.row, start) - start, rowspan=p.row + p.rowspan - max(p.row, start))
            for p in placed if p.row + p.rowspan > start]
    rows: list[list[Span]] = [[] for _ in range(count)]
    for p in sorted(kept, key=lambda p: (p.row, p.column)):
        rows[p.row].append((p.text, p.colspan, p.rowspan))
    return rows


def build_docx(path: Path, report: Report, layout: Layout = Layout()) -> Path:
    """The report as a .docx at ``path``."""
    document = Document()
    document.add_paragraph(report.heading)
    document.add_paragraph("")
    for heading, paragraphs in report.parts():
        document.add_paragraph(heading)
        for text in paragraphs:
            document.add_paragraph(text)
        numeral = heading[0]
        if numeral == "二":
            for block in (t2_blocks(report, layout) if layout.t2_split else
                          [[row for block in t2_blocks(report, layout) for row in block]]):
                _docx_table(document, place(block))
        elif numeral == "三":
            header, body = t3_rows(report, layout)
            placed = place(header + body)
            if layout.header_again:
                at = len(header) + len(body) // 2
                first, second = split(placed, at, place(_last_rows(header, layout.header_again)))
                _docx_table(document, first + [replace(p, row=p.row + at) for p in second])
            elif layout.split_t3:
                top = place(header)
                first, second = split(placed, len(header) + len(body) // 2, top if layout.repeat_header else None)
                _docx_table(document, first)
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                _docx_table(document, second)
            else:
                _docx_table(document, placed)
        elif numeral == "四":
            _docx_table(document, place(t4_rows(report, layout)))
    document.add_paragraph(report.unit_title)
    document.add_paragraph(f"{report.year + 1}年1月20日")
    document.save(str(path))
    return path


# ---------------------------------------------------------------- a web page

def _html_table(placed: list[Placed]) -> str:
    """A table as a portal's page writes it, with rowspan and colspan."""
    out = ['<table class="MsoNormalTable" border="1">']
    for r in range(max(p.row + p.rowspan for p in placed)):
        cells = "".join(f'<td colspan="{p.colspan}" rowspan="{p.rowspan}"><p><span>{html.escape(p.text)}</span></p></td>'
                        for p in sorted(placed, key=lambda p: p.column) if p.row == r)
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def build_html(path: Path, report: Report, layout: Layout = Layout(), *, extra_head: str = "",
               encoding: str = "utf-8", framed: bool = False) -> Path:
    """The report as a portal publishes it: navigation, the article (tables with rowspan and
    colspan), related links to other reports, a footer; ``framed`` sets the article inside the
    page's layout table, as older portals do."""
    body = [f"<h1 class=\"title\">{html.escape(report.heading)}</h1>",
            "<div class=\"info\">发布时间：2026-01-20 来源：本单位</div>", '<div class="TRS_Editor">']
    for heading, paragraphs in report.parts():
        body.append(f"<p><strong>{html.escape(heading)}</strong></p>")
        body += [f"<p>{html.escape(text)}</p>" for text in paragraphs]
        numeral = heading[0]
        if numeral == "二":
            body.append(_html_table(place([row for block in t2_blocks(report, layout) for row in block])))
        elif numeral == "三":
            header, rows = t3_rows(report, layout)
            body.append(_html_table(place(header + rows)))
        elif numeral == "四":
            body.append(_html_table(place(t4_rows(report, layout))))
    body.append("</div>")
    if framed:
        body = ['<table class="layout"><tr><td class="left">栏目导航</td><td class="main">', *body, "</td></tr></table>"]
    page = (f"<!DOCTYPE html><html><head><meta charset=\"{encoding}\"><title>{html.escape(report.heading)}_"
            f"云溪区人民政府</title>{extra_head}</head><body>"
            "<div class=\"nav\"><a href=\"/\">首页</a> <a href=\"/zwgk\">政务公开</a> <a>政府信息公开年报</a></div>"
            + "\n".join(body)
            + "<div class=\"related\"><p>相关链接</p><p><a>云雾镇2024年政府信息公开工作年度报告</a></p></div>"
            "<div class=\"footer\"><p>主办：云溪区人民政府办公室 网站标识码：5201120001</p></div></body></html>")
    path.write_bytes(page.encode(encoding))
    return path


def with_t3(report: Report, row: str, column: str, value: int) -> Report:
    """The report with one cell of 表三 changed (the other cells as they were)."""
    return replace(report, t3={**report.t3, (row, column): value})
