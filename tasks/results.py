"""Tasks that compute the results and hand the group its score workbook."""

from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from zwgk import results, scoresheets
from zwgk.db import session_scope
from zwgk.paths import score_workbook_path


@task(cache_policy=NO_CACHE)
def compute_results(cycle_id: int) -> None:
    """Scores, grades and ranks per category from the recorded deductions and special items."""
    with session_scope() as session:
        results.compute_results(session, cycle_id=cycle_id)


@task(cache_policy=NO_CACHE)
def write_score_workbook(cycle_id: int) -> Path:
    """The workbook the group fills in: one sheet per unit, daily records pre-filled."""
    path = score_workbook_path(cycle_id)
    with session_scope() as session:
        scoresheets.write_score_workbook(session, cycle_id=cycle_id, path=path)
    return path
