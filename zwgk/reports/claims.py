"""Numbers the report's text quotes, and the table cells each must equal.

Units write the same facts in many ways: "全年共收到政府信息公开申请12件", "新收政府信息公开申请十二件",
"其中予以公开8件", "被申请行政复议1件", "未发生政府信息公开行政复议、行政诉讼". Each pattern below names
one fact of the tables; it matches only a phrase with that fact's words and a number (Arabic, full-
width or Chinese) with its measure word close together in one clause, and is discarded when the
words between name another fact (收到行政复议申请 is not an application for information). Patterns
stay on the safe side: a phrase they do not understand is not a finding.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from zwgk.reports import format as f
from zwgk.reports.tables import FigureKey, Figures
from zwgk.reports.text import CN_NUMBER, number_of, plain

NUM = rf"(?P<n>\d+(?:\.\d+)?|{CN_NUMBER})"
GAP = r"(?P<gap>[^\d,;。:!?]{0,%d}?)"
PIECES = "件|宗|个"
# A clause: numbers and words in one clause belong together (NFKC made ，；： ASCII).
CLAUSES = re.compile(r"[。;!?\n]")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
#: Words that make the number a change, a comparison or an estimate rather than the count itself
#: ("新收申请比上年减少3件", "收到申请近20件").
NOT_A_COUNT = ("增", "减", "同比", "较", "相比", "比上年", "下降", "上升", "多", "少", "超过", "不足", "以上",
               "以下", "近", "约", "余", "左右", "逾")
#: How far before a phrase (within its comma) a word still qualifies it ("尚未审结的行政复议1件"
#: is not all reviews).
BEFORE = 8
INCLUDES_CARRIED = re.compile(r"^[^\d。;]{0,6}?(含|包括|其中)了?上年度?结转")


def _sum(table: str, rows: tuple[str, ...], column: str) -> tuple[FigureKey, ...]:
    return tuple((table, row, column) for row in rows)


def _t3(*rows: str) -> tuple[FigureKey, ...]:
    return _sum(f.TABLE3, rows, f.TOTAL)


@dataclass(frozen=True)
class Pattern:
    """One way the text states a fact: its regex (with groups ``gap`` and ``n``), words that
    must not stand in the gap, the cells the number must equal (summed), and how a finding
    names them."""

    name: str
    regex: re.Pattern[str]
    cells: tuple[FigureKey, ...]
    row: str
    column: str = f.TOTAL
    table: str = f.TABLE3
    needs: str = ""  # a word the gap must hold
    excluded: tuple[str, ...] = ()  # words that must stand neither in the gap nor just before the phrase


def _p(name: str, words: str, cells: tuple[FigureKey, ...], row: str, *, gap: int = 8, unit: str = PIECES,
       **kw: object) -> Pattern:
    return Pattern(name, re.compile(rf"{words}{GAP % gap}(?:共计|共|合计|总计|为)?{NUM}(?:{unit})"), cells, row,
                   **kw)  # type: ignore[arg-type]


OTHER_FACTS = ("复议", "诉讼", "举报", "投诉", "信访", "许可", "处罚", "强制")
PATTERNS: tuple[Pattern, ...] = (
    _p("new", r"(?:新收|收到|接收|受理|接到)", _t3(f.NEW), f.NEW, gap=16, needs="申请",
       excluded=(*OTHER_FACTS, "结转")),
    _p("carried_in", r"(?:上年度?结转|结转上年度?)", _t3(f.CARRIED_IN), f.CARRIED_IN, gap=10, excluded=("下年",)),
    _p("carried_out", r"结转(?:至|到)?下一?年度?(?:继续办理)?", _t3(f.CARRIED_OUT), f.CARRIED_OUT),
    _p("granted", r"(?<!不)(?<!部分)予以公开", _t3(f.GRANTED), f.GRANTED, gap=6),
    _p("partly", r"部分(?:予以)?公开", _t3(f.PARTLY), f.PARTLY, gap=6),
    *(_p(f"group_{g}", rf"{'不予以?公开' if g == '三' else words[0]}", _t3(*f.group_rows(g)),
         f"{f.group_label(g)}（各项之和）", gap=6)
      for g, (_name, words) in f.T3_GROUPS.items()),
    _p("results", r"办结", _t3(f.RESULTS_TOTAL), f.RESULTS_TOTAL, gap=10, excluded=(*OTHER_FACTS, "事项")),
    _p("review", r"行政复议", ((f.TABLE4, f.REVIEW, f.TOTAL),), f.REVIEW, table=f.TABLE4,
       excluded=("诉讼", "纠正", "维持", "审结", "其他结果")),
    _p("suit", r"行政诉讼", ((f.TABLE4, f.SUIT_DIRECT, f.TOTAL), (f.TABLE4, f.SUIT_AFTER, f.TOTAL)),
       "行政诉讼（两类之和）", table=f.TABLE4, excluded=("复议", "起诉", "纠正", "维持", "审结", "其他结果")),
    *(_p(f"{kind}_{row}", rf"{verb}了?(?:行政)?{noun}", ((f.TABLE2, row, column),), row, gap=4, column=column,
         table=f.TABLE2)
      for row, noun in (("规章", "规章"), ("行政规范性文件", "规范性文件"))
      for kind, verb, column in (("issued", "(?:制发|印发|出台|制定)", f.T2_ISSUED),
                                 ("repealed", "废止", f.T2_REPEALED),
                                 ("in_force", "现行有效的?", f.T2_IN_FORCE))),
    *(_p(f"decisions_{row}", rf"(?:(?:作出|做出){row}(?:处理)?(?:决定)?|{row}(?:处理)?决定)",
         ((f.TABLE2, row, f.T2_DECISIONS),), row, gap=4, column=f.T2_DECISIONS, table=f.TABLE2,
         excluded=("公开", "公示"))
      for row in ("行政许可", "行政处罚", "行政强制")),
    _p("fees", r"(?:行政事业性)?收费(?:金额)?", ((f.TABLE2, "行政事业性收费", f.T2_FEES),), "行政事业性收费",
       gap=6, unit="万元", column=f.T2_FEES, table=f.TABLE2),
)

# "No application / no review / no lawsuit" stated in words: the total is 0.
_NONE = r"(?:(?<!尚)未(?:发生|出现|收到|接到|产生|有)|没有|无(?=(?:政府信息公开|相关|任何)?(?:行政复议|行政诉讼)))"
ZERO_PATTERNS: tuple[tuple[re.Pattern[str], Pattern], ...] = (
    (re.compile(r"(?:(?<!尚)未|没有)(?:收到|接到|受理)过?(?:任何)?(?:政府信息公开|信息公开|依申请公开)?申请|"
                r"无(?:政府信息公开|依申请公开)申请"), PATTERNS[0]),
    (re.compile(rf"{_NONE}[^\d;。]{{0,20}}?行政复议"), next(p for p in PATTERNS if p.name == "review")),
    (re.compile(rf"{_NONE}[^\d;。]{{0,20}}?行政诉讼"), next(p for p in PATTERNS if p.name == "suit")),
)


@dataclass(frozen=True)
class Claim:
    """A number the text states, the phrase it was read from, and what it must equal."""

    pattern: Pattern
    phrase: str
    number: Decimal
    cells: tuple[FigureKey, ...]


def claims(text: str) -> Iterator[Claim]:
    """Every number of the text that one of the patterns understands, in order."""
    for clause in CLAUSES.split(THOUSANDS.sub("", plain(text))):
        for pattern in PATTERNS:
            for match in pattern.regex.finditer(clause):
                claim = _claim(pattern, match, clause)
                if claim is not None:
                    yield claim
        for regex, pattern in ZERO_PATTERNS:
            for match in regex.finditer(clause):
                if not re.search(r"\d", clause[match.start():match.end() + 6]):
                    yield Claim(pattern, match.group(0), Decimal(0), pattern.cells)


def _claim(pattern: Pattern, match: re.Match[str], clause: str) -> Claim | None:
    gap = match.group("gap")
    near = gap + clause[max(0, match.start() - BEFORE):match.start()].rpartition(",")[2]
    if (pattern.needs and pattern.needs not in gap) or any(word in near for word in pattern.excluded) \
            or any(word in gap for word in NOT_A_COUNT):
        return None
    number = number_of(match.group("n"))
    if number is None:
        return None
    cells = pattern.cells
    if pattern.name == "new" and "新收" not in match.group(0) \
            and INCLUDES_CARRIED.search(clause[match.end():]) is not None:
        cells = _t3(f.NEW, f.CARRIED_IN)  # "共收到申请14件（含上年结转2件）"
    return Claim(pattern, match.group(0), number, cells)


def table_value(claim: Claim, figures: Figures) -> Decimal | None:
    """What the tables say of the claim's fact (None when a cell it needs was not read)."""
    if any(cell not in figures for cell in claim.cells):
        return None
    return sum((figures[cell] for cell in claim.cells), Decimal(0))
