"""Tasks of website monitoring: thin wrappers around zwgk.sites.rounds (a date in, JSON out)."""

from datetime import date
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from zwgk.adapters.db import session_scope
from zwgk.sites import rounds


@task(cache_policy=NO_CACHE)
def probe_round(today: date) -> dict[str, Any]:
    """Open every registered homepage once and record it; update the unreachable findings.

    No retries: a homepage that did not open is what the round records, not an error, and the
    next round is due within the hour anyway.
    """
    with session_scope() as session:
        try:
            return rounds.run_probe(session, day=today).to_dict()
        except rounds.NothingToMonitor as nothing:  # scheduled before the office registered any page
            return {"day": today.isoformat(), "units": 0, "note": str(nothing)}


@task(cache_policy=NO_CACHE)
def check_round(today: date) -> dict[str, Any]:
    """Check every registered page, keep the evidence, open and close findings, tell the units.

    No retries: each unit's result is stored as soon as it is complete, and a page that did not
    open is judged again by the next day's round.
    """
    with session_scope() as session:
        try:
            return rounds.run_check(session, day=today).to_dict()
        except rounds.NothingToMonitor as nothing:
            return {"day": today.isoformat(), "units": 0, "note": str(nothing)}
