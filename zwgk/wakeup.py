"""Resume annual runs whose wait for units is over (a submission completed the set, the
self-check due date passed, every rectification was verified)."""

from datetime import date

from sqlmodel import Session, select

from models.cycle import Cycle
from zwgk import procedure, runs
from zwgk.clock import office_today


def ready_years(session: Session, *, today: date) -> list[int]:
    """Years whose cycle waits for units and whose condition now holds: on ``today``, or on the
    date its deployed run keeps (it would judge the self-check period by that date, find it
    still open and suspend again, on every command and sweep)."""
    ready = []
    for cycle in session.exec(select(Cycle).where(Cycle.waiting_for.startswith("units:"))):  # type: ignore[attr-defined]
        assert cycle.id is not None
        what = cycle.waiting_for.removeprefix("units:")
        if (
            (what == "self_check"
             and procedure.self_check_done(session=session, cycle_id=cycle.id, today=cycle.run_day or today))
            or (what == "scores" and not procedure.unscored_units(session=session, cycle_id=cycle.id))
            or (what == "rectification" and procedure.rectification_finished(session=session, cycle_id=cycle.id))
        ):
            ready.append(cycle.year)
    return ready


def wake_ready_runs(session: Session, *, today: date | None = None) -> list[runs.RunInfo]:
    """Resume (or, in embedded mode, run here) every cycle whose wait is over."""
    day = today or office_today()
    return [runs.resume(session, year, today=today) for year in ready_years(session, today=day)]
