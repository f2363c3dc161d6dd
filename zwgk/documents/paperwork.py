"""Every document of the procedure, built from the database and issued through the register.

Each function takes keyword-only arguments and a session, is idempotent by its register key
(cycle, stage, unit, document type, revision) and returns the register row(s); ``.path`` of a row
is relative to the output folder (see ``register.document_path``). Files go to
``out_dir/<year>/<folder>/<name>.docx``, the folders in the order of the procedure:

    00-日常考核  日常考核情况通报
    01-实施方案  实施方案通知；实施方案的审定意见
    02-自查      自查通知、各单位自查评分表
    03-考核组    成立考核组通知、各单位考核评分表、考核结果汇总表、考核组工作记录表
    04-审核审定  考核结果的请示、审核意见、审定意见
    05-通报公布  考核结果通报、公示网页、通报批评
    06-整改      各单位问题反馈及整改通知书
    07-催办督办  催办通知、督办通知
    08-结果运用  函送干部主管部门和纪检监察机关的考核结果

The office (the district profile's office organ) issues everything except the leading group's decisions
(审定意见 on the scheme and on the results), which carry the leading group's number.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, col, select

from models.assessment import (
    Assessment,
    DailyRecord,
    Deduction,
    GroupMethod,
    SpecialItem,
    SpecialKind,
)
from models.calendar import WorkCalendar, load_calendar
from models.catalog import Criterion, CriterionKind
from models.cycle import Cycle, Gate, GateDecision, scheme_points
from models.deadlines import DEADLINE_LABELS, Deadline, DeadlineKind
from models.district import Profile
from models.documents import IssuedDocument
from models.group_records import FORM_TITLES, GroupActivity, GroupFinding
from models.rectification import RectificationItem
from models.reminders import ESCALATION
from models.scheme import SchemeConfig
from models.stages import STAGE_LABELS, Stage
from models.units import Category, Member, Unit, category_labels, list_categories
from zwgk.district import district_profile
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date, pts
from zwgk.documents.filenames import join_name
from zwgk.documents.register import DocKey, Issue, issue, issue_many, resolve_out_dir
from zwgk.procedure import self_check_due_on

FOLDERS: dict[str, str] = {
    "daily": "00-日常考核",
    "scheme": "01-实施方案",
    "self_check": "02-自查",
    "group": "03-考核组",
    "review": "04-审核审定",
    "publish": "05-通报公布",
    "rectification": "06-整改",
    "reminders": "07-催办督办",
    "use": "08-结果运用",
}

INDENT = "　　　"  # aligns attachments 2, 3 … under the first, after "附件："
CN_NUMBERS = "一二三四五六七八九十"  # （一）（二）… of the scheme's category headings

SPECIAL_LABELS: dict[SpecialKind, str] = {
    SpecialKind.SPECIAL_DEDUCTION: "特别减分",
    SpecialKind.ZERO: "直接归零",
    SpecialKind.BONUS: "特别加分",
    SpecialKind.FALSIFICATION: "弄虚作假（第十四条）",
}


@dataclass(frozen=True)
class Names:
    """How the documents name the district's bodies, all taken from its profile."""

    profile: Profile

    @property
    def level(self) -> str:
        """区, 县 or 市: the last character of the district's name, as in 区直各部门."""
        return self.profile.district[-1:]

    @property
    def all_units(self) -> str:
        return f"各乡（镇）人民政府、社区服务中心，{self.level}直各部门、各直属事业单位"

    @property
    def leading_group(self) -> str:
        return self.profile.organ("leading_group").name

    @property
    def office(self) -> str:
        return self.profile.organ("office").name

    @property
    def member_units(self) -> str:
        return f"{self.leading_group}各成员单位"

    @property
    def group(self) -> str:
        return f"{self.profile.district}政务公开工作考核组"

    @property
    def cadre_organs(self) -> str:
        """The cadre department and the discipline inspection organ of article 13(3)."""
        district = self.profile.district
        return f"中共{district}委组织部，中共{district}纪委、{district}监委"


def _names(session: Session) -> Names:
    return Names(district_profile(session))


# ---------------------------------------------------------------- shared pieces

def _cycle(session: Session, cycle_id: int) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise LookupError(f"没有编号为 {cycle_id} 的考核年度 (no cycle with id {cycle_id})")
    return cycle


def _num(value: Decimal) -> str:
    """A setting such as 90 or 4.5 without trailing zeros."""
    return str(int(value)) if value == value.to_integral_value() else str(value)


def _path(year: int, stage: str, *name_parts: str) -> str:
    return f"{year}/{FOLDERS[stage]}/{join_name(*name_parts, suffix='.docx')}"


def _official(names: Names, *, organ: str, number: str, title: str, year: int, addressees: str,
              on: date, cc: str) -> dict[str, object]:
    """The GB/T 9704 elements every numbered document shares."""
    info = names.profile.organ(organ)
    return {
        "measures": names.profile.measures, "office": names.office,
        "leading_group": names.leading_group, "level": names.level,
        "organ_mark": info.mark, "organ_name": info.name, "number": number, "title": title,
        "year": year, "addressees": addressees, "date_text": cn_date(on), "cc": cc,
        "print_organ": info.name, "print_date_text": cn_date(on),
    }


def _attachments(labels: Sequence[str]) -> list[c.Attachment]:
    return [c.Attachment(lead="附件：" if i == 0 else INDENT, label=f"{i + 1}.{label}"
                         if len(labels) > 1 else label) for i, label in enumerate(labels)]


def _revision_note(revision: int) -> str:
    return f"（第{revision}次修订）" if revision else ""


def _units(session: Session, cycle_id: int) -> list[tuple[Assessment, Unit]]:
    """The cycle's assessed units with their assessments, in register order."""
    return list(session.exec(
        select(Assessment, Unit).join(Unit, col(Unit.id) == Assessment.unit_id)
        .where(Assessment.cycle_id == cycle_id).order_by(col(Unit.id))
    ).all())


def _criteria(session: Session, category: str) -> list[Criterion]:
    return list(session.exec(
        select(Criterion).where(Criterion.category == category).order_by(col(Criterion.seq))
    ).all())


def _points_text(kind: CriterionKind, points: Decimal) -> str:
    return {
        CriterionKind.REGULAR: pts(points),
        CriterionKind.SPECIAL_DEDUCTION: f"每次扣{pts(points)}分",
        CriterionKind.ZERO: "直接归零",
        CriterionKind.BONUS: f"最高加{pts(points)}分",
    }[kind]


def _indicator_rows(criteria: Iterable[Criterion], points: dict[str, Decimal]) -> list[c.IndicatorRow]:
    """Table rows with area and level-1 printed only where they change (easier to read)."""
    rows, last_area, last_level1 = [], None, None
    for crit in criteria:
        rows.append(c.IndicatorRow(
            seq=crit.seq, area=crit.area if crit.area != last_area else "",
            level1=crit.level1 if (crit.area, crit.level1) != (last_area, last_level1) else "",
            text=crit.text, points=_points_text(crit.kind, points[crit.ref])))
        last_area, last_level1 = crit.area, crit.level1
    return rows


def _regular_total(criteria: Iterable[Criterion], points: dict[str, Decimal]) -> Decimal:
    return sum((points[x.ref] for x in criteria if x.kind is CriterionKind.REGULAR), Decimal("0.0"))


def _band_texts(scheme: SchemeConfig) -> list[c.GradeBandRow]:
    bands, rows = scheme.grade_bands, []
    for i, band in enumerate(bands):
        if i == 0:
            text = f"{_num(band.min_score)}分（含）以上"
        elif band.min_score == 0:
            text = f"{_num(bands[i - 1].min_score)}分以下"
        else:
            text = f"{_num(band.min_score)}分（含）至{_num(bands[i - 1].min_score)}分"
        rows.append(c.GradeBandRow(grade=band.grade, range_text=text))
    return rows


def _ranked(session: Session, cycle_id: int) -> dict[str, list[tuple[Assessment, Unit]]]:
    """Per category label, units by stored rank (unranked last), as the group proposed them."""
    labels = category_labels(session)
    by_category: dict[str, list[tuple[Assessment, Unit]]] = {label: [] for label in labels.values()}
    for assessment, unit in _units(session, cycle_id):
        by_category[labels[unit.category]].append((assessment, unit))
    for rows in by_category.values():
        rows.sort(key=lambda pair: (pair[0].rank is None, pair[0].rank or 0, pair[1].id))
    return by_category


def _summary_categories(session: Session, cycle_id: int) -> list[c.SummaryCategory]:
    return [
        c.SummaryCategory(label=label, rows=[
            c.SummaryRow(rank="" if a.rank is None else str(a.rank), unit=u.name,
                         self_score=pts(a.self_score), score=pts(a.score), grade=a.grade,
                         note="弄虚作假" if a.falsified else "")
            for a, u in rows])
        for label, rows in _ranked(session, cycle_id).items()
    ]


def _find_issued(session: Session, cycle_id: int, doc_type: str) -> IssuedDocument | None:
    """The latest issued document of a type in a cycle (e.g. the scheme notice's number)."""
    return session.exec(
        select(IssuedDocument).where(IssuedDocument.cycle_id == cycle_id,
                                     IssuedDocument.doc_type == doc_type)
        .order_by(col(IssuedDocument.id).desc())
    ).first()


def _unit_deadlines(session: Session, cycle_id: int,
                    kinds: Iterable[DeadlineKind]) -> dict[tuple[int, DeadlineKind], Deadline]:
    """Every unit's deadline of each of ``kinds`` in its latest round, by (unit id, kind), where
    deadlines were opened (one query for all units)."""
    latest: dict[tuple[int, DeadlineKind], Deadline] = {}
    for deadline in session.exec(
            select(Deadline).where(Deadline.cycle_id == cycle_id, col(Deadline.unit_id).is_not(None),
                                   col(Deadline.kind).in_(list(kinds)))
            .order_by(col(Deadline.round))):
        latest[(deadline.unit_id, deadline.kind)] = deadline  # type: ignore[index]  # later rounds win
    return latest


# ---------------------------------------------------------------- 01 scheme

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
    names = _names(session)
    cycle = _cycle(session, cycle_id)
    year, scheme = cycle.year, cycle.scheme
    points = scheme_points(session, cycle_id)
    units = _units(session, cycle_id)
    self_due = self_check_due_on(session=session, cycle_id=cycle_id) or load_calendar(session).add_workdays(
        on, scheme.periods.self_check_days)
    periods = scheme.periods
    categories = list_categories(session)
    unit_names = {cat.key: [u.name for _, u in units if u.category == cat.key] for cat in categories}
    headings = {Category.TOWNSHIP: "乡（镇）人民政府、社区服务中心", Category.DEPARTMENT: f"{names.level}直部门"}
    sections = []
    for number, cat in enumerate(categories, start=1):
        criteria = _criteria(session, cat.key)
        sections.append(SchemeSection(
            category=cat.key, label=cat.label, annex_number=number,
            heading=f"（{CN_NUMBERS[number - 1]}）{headings.get(cat.key, cat.label)}",
            annex_title=f"{year}年度{cat.title}（{pts(_regular_total(criteria, points))}分）",
            units=unit_names[cat.key], rows=_indicator_rows(criteria, points)))
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
    return SchemeDraft(year=year, sections=sections, timetable=timetable, grade_bands=_band_texts(scheme),
                       methods="、".join(m.value for m in GroupMethod if m is not GroupMethod.DAILY),
                       weight_text=f"{_num(scheme.performance_weight)}%", outside_rule=scheme.outside_rule(),
                       by_reference=by_reference)


def issue_scheme_notice(*, session: Session, cycle_id: int, on: date,
                        out_dir: Path | None = None) -> IssuedDocument:
    """关于印发《{year}年度政务公开工作考核实施方案》的通知, with both indicator tables as annexes."""
    names = _names(session)
    draft = scheme_draft(session=session, cycle_id=cycle_id, on=on)
    year = draft.year
    tables = [c.SchemeCategory(heading=s.heading, units="、".join(s.units), annex_number=s.annex_number,
                               annex_title=s.annex_title, rows=s.rows) for s in draft.sections]
    title = f"关于印发《{year}年度政务公开工作考核实施方案》的通知"

    def build(number: str) -> c.SchemeNotice:
        return c.SchemeNotice(
            **_official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            attachments=_attachments([t.annex_title for t in tables]),
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
        path=_path(year, "scheme", f"{year}年度政务公开工作考核实施方案的通知"),
        template=Template.SCHEME_NOTICE, build=build), out_dir)


# ---------------------------------------------------------------- 02 self-check

def issue_self_check_notice(*, session: Session, cycle_id: int, on: date, due_on: date,
                            out_dir: Path | None = None) -> IssuedDocument:
    """关于开展{year}年度政务公开工作自查的通知 (due date given by the caller)."""
    names = _names(session)
    cycle = _cycle(session, cycle_id)
    year = cycle.year
    title = f"关于开展{year}年度政务公开工作自查的通知"
    scheme_doc = _find_issued(session, cycle_id, "scheme_notice")
    days = load_calendar(session).workdays_between(on, due_on)
    unit_count = len(_units(session, cycle_id))

    def build(number: str) -> c.SelfCheckNotice:
        return c.SelfCheckNotice(
            **_official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            unit_count=unit_count, self_check_days=days, due_text=cn_date(due_on),
            scheme_number=scheme_doc.number if scheme_doc else "")

    return issue(session, Issue(
        key=DocKey(cycle_id, "self_check", None, "self_check_notice"), organ="office", year=year,
        title=title, issued_on=on, addressees=names.all_units,
        path=_path(year, "self_check", f"{year}年度政务公开工作自查的通知"),
        template=Template.SELF_CHECK_NOTICE, build=build), out_dir)


def issue_self_check_forms(*, session: Session, cycle_id: int, on: date,
                           out_dir: Path | None = None) -> list[IssuedDocument]:
    """One pre-filled 自查评分表 per assessed unit (forms carry no number)."""
    cycle = _cycle(session, cycle_id)
    year = cycle.year
    points = scheme_points(session, cycle_id)
    calendar: WorkCalendar | None = None
    tables = {}
    labels = category_labels(session)
    for cat in labels:
        criteria = _criteria(session, cat)
        tables[cat] = (_indicator_rows(criteria, points), pts(_regular_total(criteria, points)))
    title = f"{year}年度政务公开工作自查评分表"
    deadlines = _unit_deadlines(session, cycle_id, [DeadlineKind.SELF_CHECK])
    specs = []
    for _assessment, unit in _units(session, cycle_id):
        deadline = deadlines.get((unit.id, DeadlineKind.SELF_CHECK))  # type: ignore[arg-type]
        if deadline is not None:
            due = deadline.due_on
        else:
            calendar = calendar or load_calendar(session)
            due = calendar.add_workdays(on, cycle.scheme.periods.self_check_days)
        rows, total = tables[unit.category]
        context = c.SelfCheckForm(title=title, year=year, unit_name=unit.name,
                                  category_label=labels[unit.category],
                                  due_text=cn_date(due), total_points=total, rows=rows)
        specs.append(Issue(
            key=DocKey(cycle_id, "self_check", unit.id, "self_check_form"), organ=None, year=year,
            title=f"{title}（{unit.name}）", issued_on=on, addressees=unit.name,
            path=_path(year, "self_check", "自查评分表", unit.name),
            template=Template.SELF_CHECK_FORM, build=lambda _number, ctx=context: ctx))
    return issue_many(session, specs, out_dir)


# ---------------------------------------------------------------- 03 assessment group

def issue_group_notice(*, session: Session, cycle_id: int, on: date,
                       out_dir: Path | None = None) -> IssuedDocument:
    """关于成立{year}年度政务公开工作考核组的通知: the assessors and the units they come from.

    The measures name no group leader, so the notice lists the members only.
    """
    names = _names(session)
    cycle = _cycle(session, cycle_id)
    year = cycle.year
    title = f"关于成立{year}年度政务公开工作考核组的通知"
    people = session.exec(select(Member).where(Member.assessor == True).order_by(col(Member.id))).all()  # noqa: E712
    members = [c.MemberRow(seq=i, name=m.name, from_unit=m.from_unit, position=m.position)
               for i, m in enumerate(people, start=1)]
    addressees = f"{names.member_units}，{names.all_units}"
    unit_count = len(_units(session, cycle_id))

    def build(number: str) -> c.GroupNotice:
        return c.GroupNotice(
            **_official(names, organ="office", number=number, title=title, year=year, addressees=addressees,
                        on=on, cc=names.leading_group),
            members=members, member_count=len(members), unit_count=unit_count)

    return issue(session, Issue(
        key=DocKey(cycle_id, "group", None, "group_notice"), organ="office", year=year, title=title,
        issued_on=on, addressees=addressees,
        path=_path(year, "group", f"成立{year}年度政务公开工作考核组的通知"),
        template=Template.GROUP_NOTICE, build=build), out_dir)


def issue_score_sheets(*, session: Session, cycle_id: int, on: date, revision: int = 0,
                       out_dir: Path | None = None) -> list[IssuedDocument]:
    """Per unit 考核评分表: criteria, points, deductions (reason, method), special items,
    and the stored score, grade and rank."""
    names = _names(session)
    cycle = _cycle(session, cycle_id)
    year = cycle.year
    points = scheme_points(session, cycle_id)
    labels = category_labels(session)
    lines: dict[str, list[_ScoreLine]] = {}
    for cat in labels:
        regular = [x for x in _criteria(session, cat) if x.kind is CriterionKind.REGULAR]
        lines[cat] = [_ScoreLine(x.id, points[x.ref], row)  # type: ignore[arg-type]
                      for x, row in zip(regular, _indicator_rows(regular, points), strict=True)]
    pairs = _units(session, cycle_id)
    ids = [a.id for a, _ in pairs]
    deductions: dict[int, list[Deduction]] = {i: [] for i in ids}  # type: ignore[misc]
    for d in session.exec(select(Deduction).where(col(Deduction.assessment_id).in_(ids))
                          .order_by(col(Deduction.id))):
        deductions[d.assessment_id].append(d)
    specials: dict[int, list[SpecialItem]] = {i: [] for i in ids}  # type: ignore[misc]
    for s in session.exec(select(SpecialItem).where(col(SpecialItem.assessment_id).in_(ids))
                          .order_by(col(SpecialItem.id))):
        specials[s.assessment_id].append(s)
    all_criteria = {x.id: x for x in session.exec(select(Criterion))}
    title = f"{year}年度政务公开工作考核评分表"
    specs = []
    for assessment, unit in pairs:
        mine = deductions[assessment.id]  # type: ignore[index]
        taken: dict[int, Decimal] = {}
        for d in mine:
            taken[d.criterion_id] = taken.get(d.criterion_id, Decimal("0.0")) + d.points
        sheet = c.ScoreSheet(
            title=title, year=year, unit_name=unit.name, category_label=labels[unit.category],
            revision_note=_revision_note(revision), rows=[],
            deductions=[c.DeductionRow(seq=all_criteria[d.criterion_id].seq,
                                       criterion=all_criteria[d.criterion_id].text,
                                       points=pts(d.points), reason=d.reason, method=d.method.value)
                        for d in mine],
            specials=[c.SpecialRow(kind=SPECIAL_LABELS[s.kind], points=pts(s.points), reason=s.reason)
                      for s in specials[assessment.id]],  # type: ignore[index]
            self_score=pts(assessment.self_score), score=pts(assessment.score),
            grade=assessment.grade, rank="" if assessment.rank is None else str(assessment.rank),
            date_text=cn_date(on))
        specs.append(Issue(
            key=DocKey(cycle_id, "group", unit.id, "score_sheet", str(revision)), organ=None,
            year=year, title=f"{title}（{unit.name}）{_revision_note(revision)}", issued_on=on,
            addressees=names.group,
            path=_path(year, "group", "考核评分表", unit.name, _revision_note(revision)),
            template=Template.SCORE_SHEET, build=partial(_with_score_rows, sheet, lines[unit.category], taken)))
    return issue_many(session, specs, out_dir)


@dataclass(frozen=True)
class _ScoreLine:
    """One criterion of a category's 考核评分表: its id, the year's points, its printed row."""

    criterion_id: int
    points: Decimal
    row: c.IndicatorRow


def _with_score_rows(sheet: c.ScoreSheet, lines: list[_ScoreLine], taken: dict[int, Decimal],
                     _number: str) -> c.ScoreSheet:
    """``sheet`` with its criteria rows, made when the document is rendered: a batch then holds
    one unit's rows at a time, not every unit's (about 100 MB at 1,000 units)."""
    rows = []
    for line in lines:
        lost = taken.get(line.criterion_id, Decimal("0.0"))
        rows.append(c.ScoreRow(seq=line.row.seq, area=line.row.area, level1=line.row.level1, text=line.row.text,
                               points=line.row.points, deducted=pts(lost) if lost else "",
                               score=pts(max(line.points - lost, Decimal("0.0")))))
    # The rows are validated as they are made; the rest of the sheet was validated when built.
    return sheet.model_copy(update={"rows": rows})


def issue_results_summary(*, session: Session, cycle_id: int, on: date, revision: int = 0,
                          out_dir: Path | None = None) -> IssuedDocument:
    """考核结果汇总表 per category: proposed rank, unit, self score, group score, grade."""
    names = _names(session)
    cycle = _cycle(session, cycle_id)
    year = cycle.year
    title = f"{year}年度政务公开工作考核结果汇总表"
    context = c.ResultsSummary(title=title, year=year, revision_note=_revision_note(revision),
                               categories=_summary_categories(session, cycle_id), date_text=cn_date(on))
    return issue(session, Issue(
        key=DocKey(cycle_id, "group", None, "results_summary", str(revision)), organ=None, year=year,
        title=title + _revision_note(revision), issued_on=on, addressees=names.office,
        path=_path(year, "group", title, _revision_note(revision)),
        template=Template.RESULTS_SUMMARY, build=lambda _number: context), out_dir)


# ---------------------------------------------------------------- 04 review and approval

@dataclass(frozen=True)
class ReviewDraft:
    """What the 请示 on the results proposes: per category the ranks, scores and grades."""

    categories: list[c.SummaryCategory]
    grade_counts: str  # 考核等次为优秀3个、良好2个… as the request writes it
    unit_count: int


def review_draft(*, session: Session, cycle_id: int) -> ReviewDraft:
    """The results as they stand, as the review request puts them to the office and the leading group."""
    cycle = _cycle(session, cycle_id)
    categories = _summary_categories(session, cycle_id)
    grades = Counter(r.grade for cat in categories for r in cat.rows if r.grade)
    counts = "、".join(f"{band.grade}{grades[band.grade]}个" for band in cycle.scheme.grade_bands
                      if grades[band.grade])
    return ReviewDraft(categories=categories, grade_counts=f"考核等次为{counts}" if counts else "考核等次尚未确定",
                       unit_count=sum(len(cat.rows) for cat in categories))


def issue_review_request(*, session: Session, cycle_id: int, on: date, revision: int = 0,
                         out_dir: Path | None = None) -> IssuedDocument:
    """关于{year}年度政务公开工作考核结果的请示: the office's review, submitted to the leading group."""
    names = _names(session)
    year = _cycle(session, cycle_id).year
    title = f"关于{year}年度政务公开工作考核结果的请示"
    draft = review_draft(session=session, cycle_id=cycle_id)
    resubmission = f"本件为第{revision + 1}次报送（前次退回后已复核）。" if revision else ""

    def build(number: str) -> c.ReviewRequest:
        return c.ReviewRequest(
            **_official(names, organ="office", number=number, title=title, year=year,
                        addressees=names.leading_group, on=on, cc=""),
            attachments=_attachments([f"{year}年度政务公开工作考核结果汇总表"]),
            unit_count=draft.unit_count, resubmission=resubmission,
            grade_counts=draft.grade_counts, categories=draft.categories)

    return issue(session, Issue(
        key=DocKey(cycle_id, "review", None, "review_request", str(revision)), organ="office",
        year=year, title=title, issued_on=on, addressees=names.leading_group,
        path=_path(year, "review", f"{year}年度政务公开工作考核结果的请示", _revision_note(revision)),
        template=Template.REVIEW_REQUEST, build=build), out_dir)


GATE_TEXTS: dict[Gate, tuple[str, str, str, str]] = {
    # gate → (deciding organ, subject, verb, addressee: an attribute of Names)
    Gate.SCHEME: ("leading_group", "实施方案", "审定", "office"),
    Gate.OFFICE_REVIEW: ("office", "结果", "审核", "group"),
    Gate.LEADING_GROUP: ("leading_group", "结果", "审定", "office"),
}


def issue_approval_opinion(*, session: Session, cycle_id: int, decision_id: int, on: date,
                           out_dir: Path | None = None) -> IssuedDocument:
    """审定意见 (审核意见 at the office review) recording one gate decision."""
    cycle = _cycle(session, cycle_id)
    year = cycle.year
    decision = session.get(GateDecision, decision_id)
    if decision is None or decision.cycle_id != cycle_id:
        raise LookupError(f"{year} 年度没有编号为 {decision_id} 的审定记录 (no such gate decision)")
    names = _names(session)
    organ, subject, verb, addressee = GATE_TEXTS[decision.gate]
    gate_label = names.profile.organ(organ).name + verb
    addressees = getattr(names, addressee)
    kind = "审核意见" if decision.gate is Gate.OFFICE_REVIEW else "审定意见"
    title = f"关于{year}年度政务公开工作考核{subject}的{kind}"
    if decision.decision == "approve":
        verdict = "同意"
    elif decision.return_to:
        verdict = f"退回，退回至“{STAGE_LABELS[Stage(decision.return_to)]}”阶段重新办理"
    else:
        verdict = "退回重新办理"
    request = None if decision.gate is Gate.SCHEME else _find_issued(session, cycle_id, "review_request")
    stage = "scheme" if decision.gate is Gate.SCHEME else "review"

    def build(number: str) -> c.ApprovalOpinion:
        return c.ApprovalOpinion(
            **_official(names, organ=organ, number=number, title=title, year=year, addressees=addressees,
                        on=on, cc=""),
            subject=subject, request_title=request.title if request else "",
            request_number=request.number if request else "", gate_label=gate_label,
            decision=verdict, decided_by=decision.decided_by, comment=decision.comment or "无")

    return issue(session, Issue(
        key=DocKey(cycle_id, stage, None, "approval_opinion", str(decision_id)), organ=organ,
        year=year, title=title, issued_on=on, addressees=addressees,
        path=_path(year, stage, f"{year}年度考核{subject}的{kind}", f"第{decision_id}号记录"),
        template=Template.APPROVAL_OPINION, build=build), out_dir)


# ---------------------------------------------------------------- 05 circulate and publish

def _results(session: Session, cycle_id: int) -> list[c.ResultCategory]:
    return [
        c.ResultCategory(label=label, rows=[
            c.ResultRow(rank="" if a.rank is None else str(a.rank), unit=u.name, score=pts(a.score),
                        grade=a.grade) for a, u in rows])
        for label, rows in _ranked(session, cycle_id).items()
    ]


def issue_results_circular(*, session: Session, cycle_id: int, on: date,
                           out_dir: Path | None = None) -> IssuedDocument:
    """关于{year}年度政务公开工作考核结果的通报, in the office's name (article 12)."""
    names = _names(session)
    cycle = _cycle(session, cycle_id)
    year, scheme = cycle.year, cycle.scheme
    top, bottom = scheme.grade_bands[0].grade, scheme.grade_bands[-1].grade
    pairs = [pair for rows in _ranked(session, cycle_id).values() for pair in rows]
    commended = "、".join(u.name for a, u in pairs if a.grade == top and not a.falsified)
    criticised = "、".join(u.name for a, u in pairs if a.grade == bottom or a.falsified)
    title = f"关于{year}年度政务公开工作考核结果的通报"
    categories = _results(session, cycle_id)

    def build(number: str) -> c.ResultsCircular:
        return c.ResultsCircular(
            **_official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            categories=categories, commended=commended, criticised=criticised,
            plan_days=scheme.periods.rectification_plan_days,
            done_days=scheme.periods.rectification_done_days,
            weight_text=f"{_num(scheme.performance_weight)}%")

    return issue(session, Issue(
        key=DocKey(cycle_id, "publish", None, "results_circular"), organ="office", year=year,
        title=title, issued_on=on, addressees=names.all_units,
        path=_path(year, "publish", f"{year}年度政务公开工作考核结果的通报"),
        template=Template.RESULTS_CIRCULAR, build=build), out_dir)


def publish_results_page(*, session: Session, cycle_id: int, out_dir: Path | None = None) -> Path:
    """Write the public results page (needs the issued circular); returns its absolute path."""
    from zwgk.documents.portal import write_results_page

    cycle = _cycle(session, cycle_id)
    circular = _find_issued(session, cycle_id, "results_circular")
    if circular is None:
        raise LookupError(f"{cycle.year} 年度考核结果通报尚未印发，不能公布结果网页 "
                          f"(issue the results circular first)")
    target = resolve_out_dir(out_dir) / str(cycle.year) / FOLDERS["publish"] / (
        f"{cycle.year}年度政务公开工作考核结果公示.html")
    return write_results_page(target, profile=district_profile(session), year=cycle.year, number=circular.number,
                              issued_on=circular.issued_on, categories=_results(session, cycle_id))


def issue_criticism(*, session: Session, special_item_id: int, on: date,
                    out_dir: Path | None = None) -> IssuedDocument:
    """通报批评 for a falsification finding (article 14: the grade is set to 不合格)."""
    names = _names(session)
    item = session.get(SpecialItem, special_item_id)
    if item is None or item.kind is not SpecialKind.FALSIFICATION:
        raise ValueError(f"编号 {special_item_id} 不是弄虚作假认定记录，不能印发通报批评 "
                         f"(special item {special_item_id} is not a falsification finding)")
    assessment = session.get(Assessment, item.assessment_id)
    assert assessment is not None
    unit = session.get(Unit, assessment.unit_id)
    assert unit is not None
    cycle = _cycle(session, assessment.cycle_id)
    year = cycle.year
    title = f"关于对{unit.name}予以通报批评的通报"
    reason = item.reason if item.reason.endswith(("。", "！", ".")) else f"{item.reason}。"

    def build(number: str) -> c.Criticism:
        return c.Criticism(
            **_official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            unit_name=unit.name, reason=reason)

    return issue(session, Issue(
        key=DocKey(cycle.id, "publish", unit.id, "criticism", str(special_item_id)), organ="office",
        year=year, title=title, issued_on=on, addressees=names.all_units,
        path=_path(year, "publish", "通报批评", unit.name, f"第{special_item_id}号认定"),
        template=Template.CRITICISM, build=build), out_dir)


# ---------------------------------------------------------------- 06 rectification

def issue_rectification_notices(*, session: Session, cycle_id: int, on: date,
                                out_dir: Path | None = None) -> list[IssuedDocument]:
    """Per unit with a rectification item, its 问题反馈及整改通知书 (article 11)."""
    names = _names(session)
    cycle = _cycle(session, cycle_id)
    year, periods = cycle.year, cycle.scheme.periods
    calendar = load_calendar(session)
    items = session.exec(
        select(RectificationItem, Unit)
        .join(Assessment, col(Assessment.id) == RectificationItem.assessment_id)
        .join(Unit, col(Unit.id) == Assessment.unit_id)
        .where(Assessment.cycle_id == cycle_id).order_by(col(Unit.id))
    ).all()
    title = f"{year}年度政务公开工作考核问题反馈及整改通知书"
    periods_by_kind = {DeadlineKind.RECTIFICATION_PLAN: periods.rectification_plan_days,
                       DeadlineKind.RECTIFICATION_DONE: periods.rectification_done_days}
    deadlines = _unit_deadlines(session, cycle_id, periods_by_kind)
    specs = []
    for item, unit in items:
        due: dict[DeadlineKind, tuple[int, date]] = {}
        for kind, days in periods_by_kind.items():
            deadline = deadlines.get((unit.id, kind))  # type: ignore[arg-type]
            if deadline is not None:
                due[kind] = (calendar.workdays_between(deadline.starts_on, deadline.due_on),
                             deadline.due_on)
            else:
                due[kind] = (days, calendar.add_workdays(item.feedback_on, days))
        problems = [line.strip() for line in item.problems.splitlines() if line.strip()]
        round_note = f"第{item.round}轮" if item.round > 1 else ""

        def build(number: str, unit: Unit = unit, problems: list[str] = problems,
                  due: dict[DeadlineKind, tuple[int, date]] = due) -> c.RectificationNotice:
            plan_days, plan_due = due[DeadlineKind.RECTIFICATION_PLAN]
            done_days, done_due = due[DeadlineKind.RECTIFICATION_DONE]
            return c.RectificationNotice(
                **_official(names, organ="office", number=number, title=title, year=year,
                            addressees=unit.name, on=on, cc=""),
                unit_name=unit.name, problems=problems, plan_days=plan_days,
                plan_due_text=cn_date(plan_due), done_days=done_days, done_due_text=cn_date(done_due))

        specs.append(Issue(
            key=DocKey(cycle_id, "rectification", unit.id, "rectification_notice", str(item.round)),
            organ="office", year=year, title=f"{title}（{unit.name}）", issued_on=on,
            addressees=unit.name, path=_path(year, "rectification", "问题反馈及整改通知书", unit.name,
                                             round_note),
            template=Template.RECTIFICATION_NOTICE, build=build))
    return issue_many(session, specs, out_dir)


# ---------------------------------------------------------------- 07 reminders and escalation

def issue_deadline_notices(*, session: Session, slots: Sequence[tuple[int, str]], on: date,
                           out_dir: Path | None = None) -> list[IssuedDocument]:
    """催办通知 (督办通知 for the ``escalation`` slot) of each (deadline id, slot), in that order.

    One register batch: three queries load the deadlines, their cycles and units, and the
    notices are numbered as one block and committed once (the sweep issues its day's notices
    this way; a slot issued before keeps its row and number).
    """
    if not slots:
        return []
    names = _names(session)
    calendar = load_calendar(session)
    ids = {deadline_id for deadline_id, _ in slots}
    deadlines = {d.id: d for d in session.exec(select(Deadline).where(col(Deadline.id).in_(ids)))}
    missing = sorted(ids - deadlines.keys())
    if missing:
        raise LookupError(f"没有编号为 {missing[0]} 的期限 (no deadline with id {missing[0]})")
    years = dict(session.exec(select(Cycle.id, Cycle.year).where(
        col(Cycle.id).in_({d.cycle_id for d in deadlines.values()}))).all())
    units: dict[int, str] = dict(session.exec(select(Unit.id, Unit.name).where(  # type: ignore[arg-type]
        col(Unit.id).in_({d.unit_id for d in deadlines.values() if d.unit_id is not None}))).all())
    return issue_many(session, [
        _deadline_notice(names, calendar, deadlines[deadline_id], years[deadlines[deadline_id].cycle_id],
                         units, on=on, slot=slot)
        for deadline_id, slot in slots], out_dir)


def _deadline_notice(names: Names, calendar: WorkCalendar, deadline: Deadline, year: int,
                     units: dict[int, str], *, on: date, slot: str) -> Issue:
    """The register entry of one 催办通知 or 督办通知 (one function serves both)."""
    escalation = slot == ESCALATION
    name = units[deadline.unit_id] if deadline.unit_id is not None else names.group
    task = DEADLINE_LABELS[deadline.kind]
    if on < deadline.due_on:
        status = f"距截止日期还有{calendar.workdays_between(on, deadline.due_on)}个工作日，你单位尚未{task}"
    elif on == deadline.due_on:
        status = f"今天是截止日期，你单位尚未{task}"
    else:
        status = f"已逾期{calendar.workdays_between(deadline.due_on, on)}个工作日，你单位仍未{task}"
    kind = "督办通知" if escalation else "催办通知"
    title = f"关于{task}的{kind}"
    cc = names.leading_group if escalation else ""
    round_note = f"第{deadline.round}轮" if deadline.round > 1 else ""

    def build(number: str) -> c.ReminderNotice:
        return c.ReminderNotice(
            **_official(names, organ="office", number=number, title=title, year=year, addressees=name,
                        on=on, cc=cc),
            unit_name=name, task=task, basis=deadline.basis, due_text=cn_date(deadline.due_on),
            status_text=status)

    doc_type = "escalation" if escalation else "reminder"
    return Issue(
        key=DocKey(deadline.cycle_id, "reminders", deadline.unit_id, doc_type, f"{deadline.id}:{slot}"),
        organ="office", year=year, title=f"{title}（{name}）", issued_on=on, addressees=name,
        path=_path(year, "reminders", kind, name, task, round_note, slot),
        template=Template.ESCALATION if escalation else Template.REMINDER, build=build)


def issue_reminder(*, session: Session, deadline_id: int, slot: str, on: date,
                   out_dir: Path | None = None) -> IssuedDocument:
    """催办通知 for one deadline and reminder slot (before-3, due, overdue-1, …)."""
    return issue_deadline_notices(session=session, slots=[(deadline_id, slot)], on=on, out_dir=out_dir)[0]


def issue_escalation(*, session: Session, deadline_id: int, on: date,
                     out_dir: Path | None = None) -> IssuedDocument:
    """督办通知 for an overdue deadline after the reminders ran out (one per deadline)."""
    return issue_deadline_notices(session=session, slots=[(deadline_id, ESCALATION)], on=on,
                                  out_dir=out_dir)[0]


# ---------------------------------------------------------------- 00 daily assessment

def issue_daily_circular(*, session: Session, year: int, on: date, cycle_id: int | None = None,
                         out_dir: Path | None = None) -> IssuedDocument:
    """日常考核情况通报 of ``year``: every daily record (unit, date, method, finding, points).

    One circular per year: issuing again returns it, whatever the date.
    """
    names = _names(session)
    # The key names the year's cycle whether or not the caller passed it, so both calls match.
    year_cycle = session.exec(select(Cycle.id).where(Cycle.year == year)).first()
    if cycle_id is not None and cycle_id != year_cycle:
        raise ValueError(f"考核年度 {year} 与编号 {cycle_id} 的考核不符 (cycle {cycle_id} is not {year})")
    records = session.exec(
        select(DailyRecord, Unit).join(Unit, col(Unit.id) == DailyRecord.unit_id)
        .where(DailyRecord.year == year).order_by(col(DailyRecord.found_on), col(DailyRecord.id))
    ).all()
    rows = [c.DailyRow(seq=i, unit=u.name, date_text=cn_date(r.found_on), method=r.method.value,
                       finding=r.finding, points=pts(r.points))
            for i, (r, u) in enumerate(records, start=1)]
    methods = Counter(r.method for r, _ in records)
    method_counts = "，".join(f"{m.value}{n}个" for m, n in methods.items()) or "无"
    title = f"关于{year}年度政务公开工作日常考核情况的通报"
    period = f"{year}年1月1日至{cn_date(on)}" if on.year == year else f"{year}年度"

    def build(number: str) -> c.DailyCircular:
        return c.DailyCircular(
            **_official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            period_text=period, record_count=len(rows), unit_count=len({r.unit for r in rows}),
            method_counts=method_counts, rows=rows)

    return issue(session, Issue(
        key=DocKey(year_cycle, "daily", None, "daily_circular", str(year)), organ="office", year=year,
        title=title, issued_on=on, addressees=names.all_units,
        path=_path(year, "daily", f"{year}年度政务公开工作日常考核情况通报"),
        template=Template.DAILY_CIRCULAR, build=build), out_dir)


# ---------------------------------------------------------------- 03 the group's activities

def issue_group_record(*, session: Session, activity_id: int,
                       out_dir: Path | None = None) -> IssuedDocument:
    """The record form of one of the group's activities at a unit (实地核查记录表 and the like):
    members, date, the minutes kept with their SHA-256, and the findings as proposed deductions."""
    activity = session.get(GroupActivity, activity_id)
    if activity is None:
        raise LookupError(f"没有编号为 {activity_id} 的考核组工作记录 (no group activity {activity_id})")
    cycle = _cycle(session, activity.cycle_id)
    unit = session.get(Unit, activity.unit_id)
    assert unit is not None
    year = cycle.year
    form = FORM_TITLES[activity.kind]
    findings = session.exec(
        select(GroupFinding, Criterion).join(Criterion, col(Criterion.id) == GroupFinding.criterion_id)
        .where(GroupFinding.activity_id == activity_id).order_by(col(GroupFinding.id))).all()
    minutes = (f"{activity.minutes_name}（SHA-256：{activity.minutes_sha256}）"
               if activity.minutes_name else "无")
    context = c.GroupRecordForm(
        title=f"{year}年度政务公开工作考核{form}", year=year, unit_name=unit.name,
        category_label=category_labels(session)[unit.category], kind=activity.kind.value,
        held_on_text=cn_date(activity.held_on), members=activity.members, minutes=minutes,
        findings=[c.FindingRow(seq=i, criterion=f"{x.ref} {x.text}", finding=f.finding, points=pts(f.points))
                  for i, (f, x) in enumerate(findings, start=1)],
        recorded_text=f"记录编号：第{activity_id}号")
    return issue(session, Issue(
        key=DocKey(cycle.id, "group", unit.id, "group_record", str(activity_id)), organ=None, year=year,
        title=f"{context.title}（{unit.name}）", issued_on=activity.held_on, addressees=_names(session).group,
        path=_path(year, "group", form, unit.name, activity.held_on.isoformat(), f"第{activity_id}号"),
        template=Template.GROUP_RECORD, build=lambda _number: context), out_dir)


# ---------------------------------------------------------------- 08 use of results

def issue_cadre_letter(*, session: Session, cycle_id: int, on: date, rows: Sequence[c.CadreRow],
                       rectifying: int, out_dir: Path | None = None) -> IssuedDocument:
    """关于函送{year}年度政务公开工作考核结果的函 to the cadre department and the discipline
    inspection organ (article 13(3)), with ``rows`` (every unit's result) as its annex and the
    number of units whose rectification is not verified yet."""
    names = _names(session)
    cycle = _cycle(session, cycle_id)
    year = cycle.year
    title = f"关于函送{year}年度政务公开工作考核结果的函"
    circular = _find_issued(session, cycle_id, "results_circular")
    addressees = names.cadre_organs

    def build(number: str) -> c.CadreLetter:
        return c.CadreLetter(
            **_official(names, organ="office", number=number, title=title, year=year, addressees=addressees,
                        on=on, cc=names.leading_group),
            attachments=_attachments([f"{year}年度政务公开工作考核结果情况表"]),
            circular_number=circular.number if circular else "", unit_count=len(rows),
            falsified_count=sum(1 for r in rows if r.falsification), rectifying_count=rectifying,
            rows=list(rows))

    return issue(session, Issue(
        key=DocKey(cycle_id, "use", None, "cadre_letter"), organ="office", year=year, title=title,
        issued_on=on, addressees=addressees,
        path=_path(year, "use", f"关于函送{year}年度政务公开工作考核结果的函"),
        template=Template.CADRE_LETTER, build=build), out_dir)
