"""06 整改：every unit's 问题反馈及整改通知书 (article 11)."""

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from models.assessment import (
    Assessment,
)
from models.calendar import load_calendar
from models.cycle import cycle_by_id
from models.deadlines import DeadlineKind
from models.documents import IssuedDocument
from models.rectification import RectificationItem
from models.units import Unit
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date
from zwgk.documents.issue.common import doc_path, names_of, official, unit_deadlines
from zwgk.documents.register import DocKey, Issue, issue_many


def issue_rectification_notices(*, session: Session, cycle_id: int, on: date,
                                out_dir: Path | None = None) -> list[IssuedDocument]:
    """Per unit with a rectification item, its 问题反馈及整改通知书 (article 11)."""
    names = names_of(session)
    cycle = cycle_by_id(session, cycle_id)
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
    deadlines = unit_deadlines(session, cycle_id, periods_by_kind)
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
                **official(names, organ="office", number=number, title=title, year=year,
                            addressees=unit.name, on=on, cc=""),
                unit_name=unit.name, problems=problems, plan_days=plan_days,
                plan_due_text=cn_date(plan_due), done_days=done_days, done_due_text=cn_date(done_due))

        specs.append(Issue(
            key=DocKey(cycle_id, "rectification", unit.id, "rectification_notice", str(item.round)),
            organ="office", year=year, title=f"{title}（{unit.name}）", issued_on=on,
            addressees=unit.name, path=doc_path(year, "rectification", "问题反馈及整改通知书", unit.name,
                                             round_note),
            template=Template.RECTIFICATION_NOTICE, build=build))
    return issue_many(session, specs, out_dir)
