"""The waits for units are database conditions: self-checks in or due date passed, all scored."""

from datetime import date

from sqlmodel import Session, select

from models.assessment import Assessment, DailyRecord, SelfCheckStatus
from models.cycle import Cycle, transition
from models.stages import Stage
from zwgk import procedure
from zwgk.deadlines import open_self_check_deadlines
from zwgk.wakeup import ready_years


def open_self_check(session: Session, cycle: Cycle) -> date:
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK):
        transition(session=session, cycle_id=cycle.id, to=stage, actor="测试")
    procedure.set_waiting(session=session, cycle_id=cycle.id, waiting_for="units:self_check")
    return open_self_check_deadlines(session, cycle_id=cycle.id, notice_on=date(2026, 1, 7))


def test_self_check_wait_ends_when_the_due_date_has_passed(session: Session, demo_cycle: Cycle) -> None:
    due = open_self_check(session, demo_cycle)
    assert due == date(2026, 1, 21)  # 10 working days after the notice
    assert not procedure.self_check_done(session=session, cycle_id=demo_cycle.id, today=due)
    assert ready_years(session, today=due) == []
    assert procedure.self_check_done(session=session, cycle_id=demo_cycle.id, today=date(2026, 1, 22))
    assert ready_years(session, today=date(2026, 1, 22)) == [2025]


def test_self_check_wait_ends_when_every_unit_has_sent(session: Session, demo_cycle: Cycle) -> None:
    open_self_check(session, demo_cycle)
    for a in session.exec(select(Assessment)).all():
        a.self_check_status = SelfCheckStatus.RECEIVED
        session.add(a)
    session.commit()
    assert ready_years(session, today=date(2026, 1, 12)) == [2025]


def test_units_that_never_sent_are_recorded_once(session: Session, demo_cycle: Cycle) -> None:
    open_self_check(session, demo_cycle)
    first = procedure.close_self_check(session=session, cycle_id=demo_cycle.id, today=date(2026, 1, 22))
    again = procedure.close_self_check(session=session, cycle_id=demo_cycle.id, today=date(2026, 1, 23))
    assert first == again and len(first) == 40
    records = session.exec(select(DailyRecord)).all()
    assert len(records) == 40 and all("未报送" in r.finding for r in records)
    statuses = {a.self_check_status for a in session.exec(select(Assessment)).all()}
    assert statuses == {SelfCheckStatus.MISSING}


def test_group_wait_ends_when_every_unit_is_scored(session: Session, demo_cycle: Cycle) -> None:
    assert len(procedure.unscored_units(session=session, cycle_id=demo_cycle.id)) == 40
    for a in session.exec(select(Assessment)).all():
        a.scored = True
        session.add(a)
    session.commit()
    assert procedure.unscored_units(session=session, cycle_id=demo_cycle.id) == []
