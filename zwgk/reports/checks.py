"""The rules a report is checked against, as pure functions → findings.

Each finding names the table, the row and the column it is about and both numbers: ``expected``
is what the rule computes (the sum of the parts, last year's figure, the table's figure for a
number the text quotes) and ``found`` what the report states there. Rules:

- ``table_sum``: 表三 each column's results add up to （七）总计; 一 + 二 = 三（七） + 四 in each column;
  the 总计 column is the sum of the applicant columns in each row; 表四 维持 + 纠正 + 其他 + 尚未审结 =
  总计 in each of the three groups;
- ``text_mismatch``: a number the text quotes differs from the tables' (see ``claims``);
- ``carry_over``: last year's 结转下年度 is this year's 上年结转; last year's 现行有效 + this year's
  制发 − 废止 is this year's 现行有效 (a warning: documents also lapse when their term ends);
- ``missing_part``: a part, a table, a row or a column of the format is missing;
- ``wrong_year``: the report names another year, or does not name its year or unit.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.reports import FindingLevel, ReportRule
from zwgk.documents.contexts import cn_date
from zwgk.reports import format as f
from zwgk.reports.claims import claims, table_value
from zwgk.reports.tables import Figures
from zwgk.reports.text import cn_number, label_key, plain, show


@dataclass(frozen=True)
class Finding:
    """One problem; ``subject`` distinguishes problems of one rule and cell (the phrase quoted,
    the other report)."""

    rule: ReportRule
    detail: str
    table: str = ""
    row: str = ""
    column: str = ""
    expected: str = ""
    found: str = ""
    level: FindingLevel = FindingLevel.ERROR
    subject: str = ""

    @property
    def key(self) -> str:
        """What makes it the same problem when the findings are refreshed."""
        return "|".join((self.rule.value, self.table, self.row, self.column, self.subject))


@dataclass(frozen=True)
class Facts:
    """What the checks read of one version of a report."""

    title: str
    text: str
    parts: Sequence[str]
    figures: Figures


def _get(figures: Figures, table: str, row: str, column: str) -> Decimal:
    return figures.get((table, row, column), Decimal(0))


def _has(figures: Figures, table: str, row: str, column: str) -> bool:
    return (table, row, column) in figures


# ---------------------------------------------------------------- table_sum

def table_sums(figures: Figures) -> list[Finding]:
    """Every identity of 表三 and 表四 that does not hold."""
    return [*_results_add_up(figures), *_balance(figures), *_columns_add_up(figures), *_table4(figures)]


def _results_add_up(figures: Figures) -> Iterable[Finding]:
    for column in (item.name for item in f.T3_COLUMNS):
        if not _has(figures, f.TABLE3, f.RESULTS_TOTAL, column):
            continue
        parts = sum((_get(figures, f.TABLE3, row, column) for row in f.RESULT_ROWS), Decimal(0))
        total = _get(figures, f.TABLE3, f.RESULTS_TOTAL, column)
        if parts != total:
            yield Finding(ReportRule.TABLE_SUM, f"表三 {f.RESULTS_TOTAL} × {column}：各项之和 {show(parts)} ≠ 总计 {show(total)}",
                          f.TABLE3, f.RESULTS_TOTAL, column, show(parts), show(total))


BALANCE = "一＋二 ＝ 三（七）＋四"


def _balance(figures: Figures) -> Iterable[Finding]:
    rows = (f.NEW, f.CARRIED_IN, f.RESULTS_TOTAL, f.CARRIED_OUT)
    for column in (item.name for item in f.T3_COLUMNS):
        if not all(_has(figures, f.TABLE3, row, column) for row in rows):
            continue
        new, carried_in, done, carried_out = (_get(figures, f.TABLE3, row, column) for row in rows)
        if new + carried_in != done + carried_out:
            yield Finding(
                ReportRule.TABLE_SUM,
                f"表三 {BALANCE} × {column}：新收 {show(new)} + 上年结转 {show(carried_in)} = {show(new + carried_in)}，"
                f"办理结果总计 {show(done)} + 结转下年度 {show(carried_out)} = {show(done + carried_out)}",
                f.TABLE3, BALANCE, column, show(new + carried_in), show(done + carried_out))


def _columns_add_up(figures: Figures) -> Iterable[Finding]:
    for row in (item.name for item in f.T3_ROWS):
        if not _has(figures, f.TABLE3, row, f.TOTAL):
            continue
        parts = sum((_get(figures, f.TABLE3, row, column) for column in f.APPLICANT_COLUMNS), Decimal(0))
        total = _get(figures, f.TABLE3, row, f.TOTAL)
        if parts != total:
            yield Finding(ReportRule.TABLE_SUM, f"表三 {row} × 总计：各列之和 {show(parts)} ≠ 总计 {show(total)}",
                          f.TABLE3, row, f.TOTAL, show(parts), show(total))


def _table4(figures: Figures) -> Iterable[Finding]:
    for group in f.T4_ORDER:
        if not _has(figures, f.TABLE4, group, f.TOTAL):
            continue
        values = [_get(figures, f.TABLE4, group, column) for column in f.T4_PARTS]
        total = _get(figures, f.TABLE4, group, f.TOTAL)
        if sum(values, Decimal(0)) != total:
            terms = " + ".join(f"{name.removeprefix('结果')} {show(v)}" for name, v in zip(f.T4_PARTS, values))
            yield Finding(ReportRule.TABLE_SUM,
                          f"表四 {group} × 总计：{terms} = {show(sum(values, Decimal(0)))} ≠ 总计 {show(total)}",
                          f.TABLE4, group, f.TOTAL, show(sum(values, Decimal(0))), show(total))


# ---------------------------------------------------------------- text_mismatch

def text_mismatches(text: str, figures: Figures) -> list[Finding]:
    """Numbers quoted in the text that differ from the tables (each phrase once)."""
    found, seen = [], set()
    for claim in claims(text):
        value = table_value(claim, figures)
        pattern = claim.pattern
        if value is None or value == claim.number or (pattern.name, claim.phrase) in seen:
            continue
        seen.add((pattern.name, claim.phrase))
        found.append(Finding(
            ReportRule.TEXT_MISMATCH,
            f"正文“{claim.phrase}”为 {show(claim.number)}，{pattern.table} {pattern.row} × {pattern.column} "
            f"为 {show(value)}",
            pattern.table, pattern.row, pattern.column, show(value), show(claim.number), subject=claim.phrase))
    return found


# ---------------------------------------------------------------- carry_over

def carry_over(figures: Figures, last: Figures, year: int) -> list[Finding]:
    """This year's report against last year's: applications carried over, documents in force."""
    found = []
    for column in (item.name for item in f.T3_COLUMNS):
        if _has(last, f.TABLE3, f.CARRIED_OUT, column) and _has(figures, f.TABLE3, f.CARRIED_IN, column):
            before, now = _get(last, f.TABLE3, f.CARRIED_OUT, column), _get(figures, f.TABLE3, f.CARRIED_IN, column)
            if before != now:
                found.append(Finding(
                    ReportRule.CARRY_OVER,
                    f"表三 {f.CARRIED_IN} × {column}：本年报告 {show(now)}，{year - 1}年度报告“结转下年度继续办理”"
                    f"为 {show(before)}",
                    f.TABLE3, f.CARRIED_IN, column, show(before), show(now)))
    for row in ("规章", "行政规范性文件"):
        cells = [(f.TABLE2, row, column) for column in (f.T2_ISSUED, f.T2_REPEALED, f.T2_IN_FORCE)]
        if (f.TABLE2, row, f.T2_IN_FORCE) not in last or not all(cell in figures for cell in cells):
            continue
        before = last[(f.TABLE2, row, f.T2_IN_FORCE)]
        issued, repealed, now = (figures[cell] for cell in cells)
        if before + issued - repealed != now:
            found.append(Finding(
                ReportRule.CARRY_OVER,
                f"表二 {row} × {f.T2_IN_FORCE}：上年 {show(before)} + 本年制发 {show(issued)} − 废止 {show(repealed)} = "
                f"{show(before + issued - repealed)} ≠ 本年 {show(now)}（提示：文件也可能因有效期届满等失效，请核实）",
                f.TABLE2, row, f.T2_IN_FORCE, show(before + issued - repealed), show(now), FindingLevel.WARNING))
    return found


# ---------------------------------------------------------------- missing_part

def missing_parts(parts: Sequence[str], figures: Figures) -> list[Finding]:
    """Parts of the format whose heading is missing; tables, rows and columns not read."""
    found = [Finding(ReportRule.MISSING_PART, f"缺少第{part.numeral}部分“{part.numeral}、{part.title}”",
                     expected=f"{part.numeral}、{part.title}", subject=part.numeral)
             for part in f.PARTS if part.numeral not in parts]
    layout = {
        f.TABLE2: ([item.name for item, _cols in f.T2_ROWS], []),
        f.TABLE3: ([item.name for item in f.T3_ROWS], [item.name for item in f.T3_COLUMNS]),
        f.TABLE4: (list(f.T4_ORDER), [item.name for item in f.T4_COLUMNS]),
    }
    for table, (rows, columns) in layout.items():
        cells = [key for key in figures if key[0] == table]
        if not cells:
            found.append(Finding(ReportRule.MISSING_PART, f"缺少{table}（{f.TABLE_TITLES[table]}），或其数字无法读出",
                                 table, expected=f.TABLE_TITLES[table], subject=table))
            continue
        have_rows, have_columns = {key[1] for key in cells}, {key[2] for key in cells}
        found += [Finding(ReportRule.MISSING_PART, f"{table}缺少“{row}”一行", table, row, expected=row)
                  for row in rows if row not in have_rows]
        found += [Finding(ReportRule.MISSING_PART, f"{table}缺少“{column}”一列", table, column=column,
                          expected=column)
                  for column in columns if column not in have_columns]
    return found


# ---------------------------------------------------------------- wrong_year

YEAR = re.compile(r"(\d{4})\s*年|([〇零一二三四五六七八九]{4})\s*年")
PERIOD = re.compile(r"统计期限?[^。]{0,6}?(\d{4})年1月1日[^。]{0,6}?至(\d{4})年12月31日")


def years_in(text: str) -> list[int]:
    """The years a text names: 2025年, 2025年度, 二〇二五年."""
    years = []
    for arabic, chinese in YEAR.findall(plain(text)):
        value = int(arabic) if arabic else cn_number(chinese)
        if value is not None and 1990 <= value <= 2200:
            years.append(value)
    return years


def name_variants(unit: str, district: str) -> list[str]:
    """How a report may write a unit's name (as compared, ``label_key``): as registered, without a
    note in brackets (青岚镇（演示） → 青岚镇), and without the district's name or its 区/县 prefix
    (乌当区教育局 → 教育局). The first two name the unit unmistakably; the others may be shared."""
    core = re.sub(r"[（(][^（()）]*[)）]$", "", unit).strip()
    names = [unit, core]
    for prefix in (district, district[-1:]):
        if prefix and core.startswith(prefix) and len(core) - len(prefix) >= 2:
            names.append(core[len(prefix):])
    return list(dict.fromkeys(key for name in names if (key := label_key(name))))


def other_unit_named(title: str, unit: str, units: Iterable[str], district: str) -> str | None:
    """Another unit the title names when it does not name ``unit`` (the longest name, so that
    区教育局 is not taken for 教育局), else None."""
    key = label_key(title)
    if any(name in key for name in name_variants(unit, district)):
        return None
    named = [other for other in units if other != unit
             and any(name in key for name in name_variants(other, district)[:2])]
    return max(named, key=len, default=None)


def report_year_refusal(title: str, year: int) -> str | None:
    """Why a report whose title names only other years is not this year's, or None."""
    years = years_in(title)
    if years and year not in years:
        return f"这是 {years[0]} 年度的报告（标题“{title}”），不是 {year} 年度的 (report of another year)"
    return None


def identity(facts: Facts, *, year: int, unit: str, district: str) -> list[Finding]:
    """The year and the unit the report names: a title without its year, a statistical period of
    another year, a report that names neither its unit in the title nor in its last lines."""
    found = []
    if not facts.title:
        found.append(Finding(ReportRule.WRONG_YEAR, "没有找到报告标题（应为“××××年政府信息公开工作年度报告”）",
                             expected=str(year), subject="title"))
    elif not years_in(facts.title):
        found.append(Finding(ReportRule.WRONG_YEAR, f"报告标题“{facts.title}”未写明年度",
                             expected=str(year), subject="title"))
    period = PERIOD.search(plain(facts.text))
    if period is not None and {int(period.group(1)), int(period.group(2))} != {year}:
        found.append(Finding(ReportRule.WRONG_YEAR, f"统计期限写为“{period.group(0)}”，应为{year}年全年",
                             expected=str(year), found=period.group(1), subject="period"))
    lines = facts.text.splitlines()
    where = label_key(facts.title + "".join(lines[:2] + lines[-4:]))
    if not any(name in where for name in name_variants(unit, district)):
        found.append(Finding(ReportRule.WRONG_YEAR, f"报告标题和落款未写明本单位名称“{unit}”",
                             expected=unit, subject="unit"))
    return found


# ---------------------------------------------------------------- all content rules

def content_findings(facts: Facts, *, year: int, unit: str, district: str,
                     last: Figures | None = None) -> list[Finding]:
    """Every rule that looks at the report itself (and at last year's report, when on file)."""
    return [*identity(facts, year=year, unit=unit, district=district),
            *missing_parts(facts.parts, facts.figures),
            *table_sums(facts.figures),
            *text_mismatches(facts.text, facts.figures),
            *(carry_over(facts.figures, last, year) if last else [])]


def late_finding(handed_in_on: date, due_on: date) -> Finding | None:
    """``late`` when the first version came after the due date."""
    if handed_in_on <= due_on:
        return None
    return Finding(ReportRule.LATE, f"{cn_date(handed_in_on)}报送，晚于截止日期{cn_date(due_on)}",
                   expected=due_on.isoformat(), found=handed_in_on.isoformat())


def missing_finding(today: date, due_on: date) -> Finding | None:
    """``missing`` when the due date has passed without a report."""
    if today <= due_on:
        return None
    return Finding(ReportRule.MISSING, f"截止日期{cn_date(due_on)}已过，截至{cn_date(today)}未报送",
                   expected=due_on.isoformat())
