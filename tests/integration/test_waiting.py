"""The waits for units are database conditions: self-checks in or due date passed, all scored."""

from datetime import date

from sqlmodel import Session, select

from models.assessment import Assessment, DailyRecord, SelfCheckStatus
from models.cycle import Cycle, transition
from models.stages import Stage
from zwgk.cycle import steps
from zwgk.cycle.waits import ready_years
from zwgk.deadlines.rows import open_self_check_deadlines
from zwgk.results.confirmation import confirm_scores, scores_ready


def open_self_check(session: Session, cycle: Cycle) -> date:
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK):
        transition(session=session, cycle_id=cycle.id, to=stage, actor="测试")
    steps.set_waiting(session=session, cycle_id=cycle.id, waiting_for="units:self_check")
    return open_self_check_deadlines(session, cycle_id=cycle.id, notice_on=date(2026, 1, 7))


def test_self_check_wait_ends_when_the_due_date_has_passed(session: Session, demo_cycle: Cycle) -> None:
    due = open_self_check(session, demo_cycle)
    assert due == date(2026, 1, 21)  # 10 working days after the notice
    assert not steps.self_check_done(session=session, cycle_id=demo_cycle.id, today=due)
    assert ready_years(session, today=due) == []
    assert steps.self_check_done(session=session, cycle_id=demo_cycle.id, today=date(2026, 1, 22))
    assert ready_years(session, today=date(2026, 1, 22)) == [2025]


def test_a_deployed_run_started_back_dated_is_woken_by_the_date_it_keeps(
        session: Session, demo_cycle: Cycle) -> None:
    # Started with --today 2026-01-05 on a server: the run judges the self-check period by that
    # date on every resume, so a later real day must not wake it (it would suspend again at once,
    # on every command and sweep) until every unit has sent its form.
    steps.attach_run(session=session, cycle_id=demo_cycle.id, flow_run_id="0b5e3c1e-0000-4000-8000-000000000002",
                         run_day=date(2026, 1, 5))
    open_self_check(session, demo_cycle)
    assert ready_years(session, today=date(2026, 12, 4)) == []
    for a in session.exec(select(Assessment)).all():
        a.self_check_status = SelfCheckStatus.RECEIVED
        session.add(a)
    session.commit()
    assert ready_years(session, today=date(2026, 12, 4)) == [2025]


def test_self_check_wait_ends_when_every_unit_has_sent(session: Session, demo_cycle: Cycle) -> None:
    open_self_check(session, demo_cycle)
    for a in session.exec(select(Assessment)).all():
        a.self_check_status = SelfCheckStatus.RECEIVED
        session.add(a)
    session.commit()
    assert ready_years(session, today=date(2026, 1, 12)) == [2025]


def test_units_that_never_sent_are_recorded_once(session: Session, demo_cycle: Cycle) -> None:
    open_self_check(session, demo_cycle)
    first = steps.close_self_check(session=session, cycle_id=demo_cycle.id, today=date(2026, 1, 22))
    again = steps.close_self_check(session=session, cycle_id=demo_cycle.id, today=date(2026, 1, 23))
    assert first == again and len(first) == 40
    records = session.exec(select(DailyRecord)).all()
    assert len(records) == 40 and all("未报送" in r.finding for r in records)
    statuses = {a.self_check_status for a in session.exec(select(Assessment)).all()}
    assert statuses == {SelfCheckStatus.MISSING}


def test_group_wait_ends_when_every_unit_is_scored_and_the_group_confirmed(session: Session,
                                                                           demo_cycle: Cycle) -> None:
    assert demo_cycle.id is not None
    assert not scores_ready(session, cycle_id=demo_cycle.id)
    for a in session.exec(select(Assessment)).all():
        a.scored = True
        session.add(a)
    session.commit()
    assert not scores_ready(session, cycle_id=demo_cycle.id)  # scored, but nobody confirmed
    confirm_scores(session, cycle_id=demo_cycle.id, by="周海宁", on=date(2026, 2, 5))
    assert scores_ready(session, cycle_id=demo_cycle.id)
