"""Resume annual runs whose wait for units is over (a submission completed the set, the
self-check due date passed, every rectification was verified)."""

from datetime import date

from sqlmodel import Session

from zwgk.core.clock import office_today
from zwgk.cycle.waits import ready_years
from zwgk.runner import runs


def wake_ready_runs(session: Session, *, today: date | None = None) -> list[runs.RunInfo]:
    """Resume (or, in embedded mode, run here) every cycle whose wait is over."""
    day = today or office_today()
    return [runs.resume(session, year, today=today) for year in ready_years(session, today=day)]
