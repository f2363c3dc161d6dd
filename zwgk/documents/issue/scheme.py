"""01 实施方案：关于印发《…年度政务公开工作考核实施方案》的通知 and the draft the scheme gate shows (articles 8, 10(2))."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from models.assessment import (
    GroupMethod,
    assessed_units,
)
from models.calendar import load_calendar
from models.cycle import cycle_by_id, scheme_points
from models.deadlines import self_check_due_on
from models.documents import IssuedDocument
from models.scheme import SchemeConfig
from models.units import Category, list_categories
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date, pts
from zwgk.documents.issue.common import (
    attachments,
    criteria_of,
    doc_path,
    indicator_rows,
    names_of,
    num_text,
    official,
    regular_total,
)
from zwgk.documents.register import DocKey, Issue, issue

CN_NUMBERS = "一二三四五六七八九十"  # （一）（二）… of the scheme's category headings


def band_texts(scheme: SchemeConfig) -> list[c.GradeBandRow]:
    bands, rows = scheme.grade_bands, []
    for i, band in enumerate(bands):
        if i == 0:
            text = f"{num_text(band.min_score)}分（含）以上"
        elif band.min_score == 0:
            text = f"{num_text(bands[i - 1].min_score)}分以下"
        else:
            text = f"{num_text(band.min_score)}分（含）至{num_text(bands[i - 1].min_score)}分"
        rows.append(c.GradeBandRow(grade=band.grade, range_text=text))
    return rows


@dataclass(frozen=True)
class SchemeSection:
    """One category of the scheme: its assessed units and its indicator table with the year's points."""

    category: str  # the category's key
    label: str
    heading: str  # as the scheme's list of assessed units heads it: （一）乡（镇）人民政府、社区服务中心
    annex_number: int
    annex_title: str
    units: list[str]
    rows: list[c.IndicatorRow]


@dataclass(frozen=True)
class SchemeDraft:
    """What the year's implementation scheme says: the notice prints it, the scheme gate shows it."""

    year: int
    sections: list[SchemeSection]  # townships first, as the notice's annexes
    timetable: list[c.TimetableRow]
    grade_bands: list[c.GradeBandRow]
    methods: str
    weight_text: str
    outside_rule: str  # how the outside evaluations count
    by_reference: str  # ，以及参照本办法考核的…（n个）for each category assessed by reference

    def section(self, category: str) -> SchemeSection:
        return next(s for s in self.sections if s.category == category)


def scheme_draft(*, session: Session, cycle_id: int, on: date) -> SchemeDraft:
    """The implementation scheme of a cycle as it would be issued on ``on``: per category the
    units and the indicator table with the year's points, the timetable and the grade bands."""
    names = names_of(session)
    cycle = cycle_by_id(session, cycle_id)
    year, scheme = cycle.year, cycle.scheme
    points = scheme_points(session, cycle_id)
    units = assessed_units(session, cycle_id)
    self_due = self_check_due_on(session=session, cycle_id=cycle_id) or load_calendar(session).add_workdays(
        on, scheme.periods.self_check_days)
    periods = scheme.periods
    categories = list_categories(session)
    unit_names = {cat.key: [u.name for _, u in units if u.category == cat.key] for cat in categories}
    headings = {Category.TOWNSHIP: "乡（镇）人民政府、社区服务中心", Category.DEPARTMENT: f"{names.level}直部门"}
    sections = []
    for number, cat in enumerate(categories, start=1):
        criteria = criteria_of(session, cat.key)
        sections.append(SchemeSection(
            category=cat.key, label=cat.label, annex_number=number,
            heading=f"（{CN_NUMBERS[number - 1]}）{headings.get(cat.key, cat.label)}",
            annex_title=f"{year}年度{cat.title}（{pts(regular_total(criteria, points))}分）",
            units=unit_names[cat.key], rows=indicator_rows(criteria, points)))
    by_reference = "".join(f"，以及参照本办法考核的{cat.label}（{len(unit_names[cat.key])}个）"
                           for cat in categories if not cat.statutory)
    timetable = [
        c.TimetableRow(step="印发方案", due=cn_date(on),
                       content=f"{names.office}印发实施方案和考核内容明细表"),
        c.TimetableRow(step="单位自查", due=f"{cn_date(self_due)}前",
                       content="各被考核单位对照考核内容明细表自查，形成书面材料报考核组"),
        c.TimetableRow(step="考核组考核", due=f"自查结束后{periods.group_scoring_days}个工作日内",
                       content="考核组综合评定，确定考核分数，提出名次建议"),
        c.TimetableRow(step="审核审定", due="考核组报送结果后",
                       content=f"{names.office}审核，{names.leading_group}审定"),
        c.TimetableRow(step="通报公布", due="审定后",
                       content=f"以{names.office}名义通报，并在{names.level}政府门户网站公布"),
        c.TimetableRow(step="问题整改", due=(f"收到通知书后{periods.rectification_plan_days}个工作日内报送"
                                            f"整改方案，{periods.rectification_done_days}个工作日内整改到位"),
                       content="被考核单位针对反馈问题限时整改"),
    ]
    return SchemeDraft(year=year, sections=sections, timetable=timetable, grade_bands=band_texts(scheme),
                       methods="、".join(m.value for m in GroupMethod if m is not GroupMethod.DAILY),
                       weight_text=f"{num_text(scheme.performance_weight)}%", outside_rule=scheme.outside_rule(),
                       by_reference=by_reference)


def issue_scheme_notice(*, session: Session, cycle_id: int, on: date,
                        out_dir: Path | None = None) -> IssuedDocument:
    """关于印发《{year}年度政务公开工作考核实施方案》的通知, with both indicator tables as annexes."""
    names = names_of(session)
    draft = scheme_draft(session=session, cycle_id=cycle_id, on=on)
    year = draft.year
    tables = [c.SchemeCategory(heading=s.heading, units="、".join(s.units), annex_number=s.annex_number,
                               annex_title=s.annex_title, rows=s.rows) for s in draft.sections]
    title = f"关于印发《{year}年度政务公开工作考核实施方案》的通知"

    def build(number: str) -> c.SchemeNotice:
        return c.SchemeNotice(
            **official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            attachments=attachments([t.annex_title for t in tables]),
            district=names.profile.district,
            township_count=len(draft.section(Category.TOWNSHIP).units),
            department_count=len(draft.section(Category.DEPARTMENT).units),
            by_reference=draft.by_reference, annex_refs="、".join(f"附件{t.annex_number}" for t in tables),
            categories=tables, timetable=draft.timetable, methods=draft.methods,
            outside_rule=draft.outside_rule, grade_bands=draft.grade_bands, weight_text=draft.weight_text,
        )

    return issue(session, Issue(
        key=DocKey(cycle_id, "scheme", None, "scheme_notice"), organ="office", year=year,
        title=title, issued_on=on, addressees=names.all_units,
        path=doc_path(year, "scheme", f"{year}年度政务公开工作考核实施方案的通知"),
        template=Template.SCHEME_NOTICE, build=build), out_dir)
