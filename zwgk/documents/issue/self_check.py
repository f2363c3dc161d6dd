"""02 自查：the self-check notice and every unit's pre-filled 自查评分表 (article 10(3))."""

from datetime import date
from pathlib import Path

from sqlmodel import Session

from models.assessment import assessed_units
from models.calendar import WorkCalendar, load_calendar
from models.cycle import cycle_by_id, scheme_points
from models.deadlines import DeadlineKind
from models.documents import IssuedDocument
from models.units import category_labels
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date, pts
from zwgk.documents.issue.common import (
    criteria_of,
    doc_path,
    find_issued,
    indicator_rows,
    names_of,
    official,
    regular_total,
    unit_deadlines,
)
from zwgk.documents.register import DocKey, Issue, issue, issue_many


def issue_self_check_notice(*, session: Session, cycle_id: int, on: date, due_on: date,
                            out_dir: Path | None = None) -> IssuedDocument:
    """关于开展{year}年度政务公开工作自查的通知 (due date given by the caller)."""
    names = names_of(session)
    cycle = cycle_by_id(session, cycle_id)
    year = cycle.year
    title = f"关于开展{year}年度政务公开工作自查的通知"
    scheme_doc = find_issued(session, cycle_id, "scheme_notice")
    days = load_calendar(session).workdays_between(on, due_on)
    unit_count = len(assessed_units(session, cycle_id))

    def build(number: str) -> c.SelfCheckNotice:
        return c.SelfCheckNotice(
            **official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            unit_count=unit_count, self_check_days=days, due_text=cn_date(due_on),
            scheme_number=scheme_doc.number if scheme_doc else "")

    return issue(session, Issue(
        key=DocKey(cycle_id, "self_check", None, "self_check_notice"), organ="office", year=year,
        title=title, issued_on=on, addressees=names.all_units,
        path=doc_path(year, "self_check", f"{year}年度政务公开工作自查的通知"),
        template=Template.SELF_CHECK_NOTICE, build=build), out_dir)


def issue_self_check_forms(*, session: Session, cycle_id: int, on: date,
                           out_dir: Path | None = None) -> list[IssuedDocument]:
    """One pre-filled 自查评分表 per assessed unit (forms carry no number)."""
    cycle = cycle_by_id(session, cycle_id)
    year = cycle.year
    points = scheme_points(session, cycle_id)
    calendar: WorkCalendar | None = None
    tables = {}
    labels = category_labels(session)
    for cat in labels:
        criteria = criteria_of(session, cat)
        tables[cat] = (indicator_rows(criteria, points), pts(regular_total(criteria, points)))
    title = f"{year}年度政务公开工作自查评分表"
    deadlines = unit_deadlines(session, cycle_id, [DeadlineKind.SELF_CHECK])
    specs = []
    for _assessment, unit in assessed_units(session, cycle_id):
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
            path=doc_path(year, "self_check", "自查评分表", unit.name),
            template=Template.SELF_CHECK_FORM, build=lambda _number, ctx=context: ctx))
    return issue_many(session, specs, out_dir)
