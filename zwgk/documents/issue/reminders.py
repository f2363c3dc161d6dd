"""07 催办督办：the sweep's 催办通知 and 督办通知 (one function serves both)."""

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from models.calendar import WorkCalendar, load_calendar
from models.cycle import Cycle
from models.deadlines import DEADLINE_LABELS, Deadline, cited_basis
from models.documents import IssuedDocument
from models.reminders import ESCALATION
from models.units import Unit
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date
from zwgk.documents.issue.common import Names, doc_path, names_of, official
from zwgk.documents.register import DocKey, Issue, issue_many


def issue_deadline_notices(*, session: Session, slots: Sequence[tuple[int, str]], on: date,
                           out_dir: Path | None = None) -> list[IssuedDocument]:
    """催办通知 (督办通知 for the ``escalation`` slot) of each (deadline id, slot), in that order.

    One register batch: three queries load the deadlines, their cycles and units, and the
    notices are numbered as one block and committed once (the sweep issues its day's notices
    this way; a slot issued before keeps its row and number).
    """
    if not slots:
        return []
    names = names_of(session)
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

    act, article = cited_basis(deadline.basis, names.profile.measures)

    def build(number: str) -> c.ReminderNotice:
        fields = official(names, organ="office", number=number, title=title, year=year, addressees=name,
                          on=on, cc=cc)
        return c.ReminderNotice(**{**fields, "measures": act}, unit_name=name, task=task, basis=article,
                                due_text=cn_date(deadline.due_on), status_text=status)

    doc_type = "escalation" if escalation else "reminder"
    return Issue(
        key=DocKey(deadline.cycle_id, "reminders", deadline.unit_id, doc_type, f"{deadline.id}:{slot}"),
        organ="office", year=year, title=f"{title}（{name}）", issued_on=on, addressees=name,
        path=doc_path(year, "reminders", kind, name, task, round_note, slot),
        template=Template.ESCALATION if escalation else Template.REMINDER, build=build)


