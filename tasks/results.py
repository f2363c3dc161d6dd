"""Tasks that compute the results and hand the group its score workbook."""

import os
import uuid
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.cycle import cycle_by_id
from zwgk.adapters.db import session_scope
from zwgk.core.paths import score_workbook_path
from zwgk.intake import score_workbook
from zwgk.results import ranking


@task(cache_policy=NO_CACHE)
def compute_results(cycle_id: int) -> None:
    """Scores, grades and ranks per category from the recorded deductions and special items."""
    with session_scope() as session:
        ranking.compute_results(session, cycle_id=cycle_id)


@task(cache_policy=NO_CACHE)
def write_score_workbook(cycle_id: int) -> Path:
    """The workbook the group fills in: one sheet per unit, daily records pre-filled.

    Handed out once: a resumed or re-entered stage keeps the existing file, which may hold the
    group's work (and writing it costs tens of milliseconds a unit). Written under a temporary
    name and renamed, so a crash never leaves a half-written workbook that would then be kept.
    """
    with session_scope() as session:
        path = score_workbook_path(cycle_by_id(session, cycle_id).year)
    if path.exists():
        return path
    temp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}{path.suffix}")
    try:
        with session_scope() as session:
            score_workbook.write_score_workbook(session, cycle_id=cycle_id, path=temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path
