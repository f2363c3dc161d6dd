"""What a cycle waiting for units waits for, and whether that wait is over."""

from datetime import date

from sqlmodel import Session, col, select

from models.cycle import Cycle
from zwgk.cycle.steps import self_check_done
from zwgk.rectification.lifecycle import rectification_finished
from zwgk.results.confirmation import scores_ready


def ready_years(session: Session, *, today: date) -> list[int]:
    """Years whose cycle waits for units and whose condition now holds: on ``today``, or on the
    date its deployed run keeps (it would judge the self-check period by that date, find it
    still open and suspend again, on every command and sweep)."""
    ready = []
    for cycle in session.exec(select(Cycle).where(col(Cycle.waiting_for).startswith("units:"))):
        assert cycle.id is not None
        what = cycle.waiting_for.removeprefix("units:")
        if (
            (what == "self_check"
             and self_check_done(session=session, cycle_id=cycle.id, today=cycle.run_day or today))
            or (what == "scores" and scores_ready(session, cycle_id=cycle.id))
            or (what == "rectification" and rectification_finished(session=session, cycle_id=cycle.id))
        ):
            ready.append(cycle.year)
    return ready
