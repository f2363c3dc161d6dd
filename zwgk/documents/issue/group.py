"""03 考核组：the group notice, every unit's 考核评分表, the results summary and the record form of
each of the group's activities (article 10(4))."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

from sqlmodel import Session, col, select

from models.assessment import (
    Deduction,
    SpecialItem,
    SpecialKind,
    assessed_units,
)
from models.catalog import Criterion, CriterionKind
from models.cycle import cycle_by_id, scheme_points
from models.documents import IssuedDocument
from models.group_records import FORM_TITLES, GroupActivity, GroupFinding
from models.units import Member, Unit, category_labels
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date, pts
from zwgk.documents.issue.common import (
    criteria_of,
    doc_path,
    indicator_rows,
    names_of,
    official,
    revision_note,
    summary_categories,
)
from zwgk.documents.register import DocKey, Issue, issue, issue_many

SPECIAL_LABELS: dict[SpecialKind, str] = {
    SpecialKind.SPECIAL_DEDUCTION: "特别减分",
    SpecialKind.ZERO: "直接归零",
    SpecialKind.BONUS: "特别加分",
    SpecialKind.FALSIFICATION: "弄虚作假（第十四条）",
}


def issue_group_notice(*, session: Session, cycle_id: int, on: date,
                       out_dir: Path | None = None) -> IssuedDocument:
    """关于成立{year}年度政务公开工作考核组的通知: the assessors and the units they come from.

    The measures name no group leader, so the notice lists the members only.
    """
    names = names_of(session)
    cycle = cycle_by_id(session, cycle_id)
    year = cycle.year
    title = f"关于成立{year}年度政务公开工作考核组的通知"
    people = session.exec(select(Member).where(Member.assessor == True).order_by(col(Member.id))).all()  # noqa: E712
    members = [c.MemberRow(seq=i, name=m.name, from_unit=m.from_unit, position=m.position)
               for i, m in enumerate(people, start=1)]
    addressees = f"{names.member_units}，{names.all_units}"
    unit_count = len(assessed_units(session, cycle_id))

    def build(number: str) -> c.GroupNotice:
        return c.GroupNotice(
            **official(names, organ="office", number=number, title=title, year=year, addressees=addressees,
                        on=on, cc=names.leading_group),
            members=members, member_count=len(members), unit_count=unit_count)

    return issue(session, Issue(
        key=DocKey(cycle_id, "group", None, "group_notice"), organ="office", year=year, title=title,
        issued_on=on, addressees=addressees,
        path=doc_path(year, "group", f"成立{year}年度政务公开工作考核组的通知"),
        template=Template.GROUP_NOTICE, build=build), out_dir)


def issue_score_sheets(*, session: Session, cycle_id: int, on: date, revision: int = 0,
                       out_dir: Path | None = None) -> list[IssuedDocument]:
    """Per unit 考核评分表: criteria, points, deductions (reason, method), special items,
    and the stored score, grade and rank."""
    names = names_of(session)
    cycle = cycle_by_id(session, cycle_id)
    year = cycle.year
    points = scheme_points(session, cycle_id)
    labels = category_labels(session)
    lines: dict[str, list[_ScoreLine]] = {}
    for cat in labels:
        regular = [x for x in criteria_of(session, cat) if x.kind is CriterionKind.REGULAR]
        lines[cat] = [_ScoreLine(x.id, points[x.ref], row)  # type: ignore[arg-type]
                      for x, row in zip(regular, indicator_rows(regular, points), strict=True)]
    pairs = assessed_units(session, cycle_id)
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
            revision_note=revision_note(revision), rows=[],
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
            year=year, title=f"{title}（{unit.name}）{revision_note(revision)}", issued_on=on,
            addressees=names.group,
            path=doc_path(year, "group", "考核评分表", unit.name, revision_note(revision)),
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
    names = names_of(session)
    cycle = cycle_by_id(session, cycle_id)
    year = cycle.year
    title = f"{year}年度政务公开工作考核结果汇总表"
    context = c.ResultsSummary(title=title, year=year, revision_note=revision_note(revision),
                               categories=summary_categories(session, cycle_id), date_text=cn_date(on))
    return issue(session, Issue(
        key=DocKey(cycle_id, "group", None, "results_summary", str(revision)), organ=None, year=year,
        title=title + revision_note(revision), issued_on=on, addressees=names.office,
        path=doc_path(year, "group", title, revision_note(revision)),
        template=Template.RESULTS_SUMMARY, build=lambda _number: context), out_dir)


def issue_group_record(*, session: Session, activity_id: int,
                       out_dir: Path | None = None) -> IssuedDocument:
    """The record form of one of the group's activities at a unit (实地核查记录表 and the like):
    members, date, the minutes kept with their SHA-256, and the findings as proposed deductions."""
    activity = session.get(GroupActivity, activity_id)
    if activity is None:
        raise LookupError(f"没有编号为 {activity_id} 的考核组工作记录 (no group activity {activity_id})")
    cycle = cycle_by_id(session, activity.cycle_id)
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
        title=f"{context.title}（{unit.name}）", issued_on=activity.held_on, addressees=names_of(session).group,
        path=doc_path(year, "group", form, unit.name, activity.held_on.isoformat(), f"第{activity_id}号"),
        template=Template.GROUP_RECORD, build=lambda _number: context), out_dir)
