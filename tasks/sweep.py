"""The sweep task: a thin wrapper around zwgk.deadlines.sweep (dates and JSON in, JSON out)."""

from datetime import date
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from zwgk.adapters.db import session_scope
from zwgk.deadlines import sweep
from zwgk.reports.findings import refresh_open_years


@task(cache_policy=NO_CACHE)
def sweep_deadlines(today: date, dry_run: bool, selection: str) -> dict[str, Any]:
    """Remind, mark overdue and escalate the deadlines of ``selection`` (see sweep.SWEEP_KINDS).

    No task-level retries: the mailer retries each email itself, and a repeated sweep is
    harmless anyway because every reminder slot is claimed once in the database.
    """
    with session_scope() as session:
        report = sweep.run_sweep(session, today=today, dry_run=dry_run,
                                 kinds=sweep.SWEEP_KINDS[selection])
    return report.model_dump(mode="json")


@task(cache_policy=NO_CACHE)
def refresh_report_findings(today: date) -> list[int]:
    """Record the annual reports' findings as of ``today`` (those that became missing); the years."""
    with session_scope() as session:
        return refresh_open_years(session, today=today)
