"""Resume annual runs whose wait for units is over (a submission completed the set, the
self-check due date passed, every rectification was verified)."""

from datetime import date

from sqlmodel import Session

from models.cycle import get_cycle
from zwgk.core.clock import office_today
from zwgk.cycle.waits import ready_years
from zwgk.runner import runs


def wake_ready_runs(session: Session, *, today: date | None = None) -> list[runs.RunInfo]:
    """Resume (or, in embedded mode, run here) every cycle whose wait is over, as of ``today``.
    A deployed run is resumed without it: it keeps the date it was started with, and a
    command's own date (another year's --today) must not refuse its wake-up."""
    day = today or office_today()
    woken = []
    for year in ready_years(session, today=day):
        deployed = runs.server_configured() and bool(get_cycle(session, year).flow_run_id)
        woken.append(runs.resume(session, year, today=None if deployed else today))
    return woken
