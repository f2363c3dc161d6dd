"""Tasks that open the procedure's deadlines (rows; idempotent)."""

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from zwgk.adapters.db import session_scope
from zwgk.deadlines import rows as deadlines


@task(cache_policy=NO_CACHE)
def open_self_check_deadlines(cycle_id: int, notice_on: date) -> date:
    """One self-check deadline per unit, counted in working days from the notice; the due date."""
    with session_scope() as session:
        return deadlines.open_self_check_deadlines(session, cycle_id=cycle_id, notice_on=notice_on)


@task(cache_policy=NO_CACHE)
def open_group_deadline(cycle_id: int, start_on: date) -> date:
    """The group's scoring deadline; the due date."""
    with session_scope() as session:
        return deadlines.open_group_deadline(session, cycle_id=cycle_id, start_on=start_on)


@task(cache_policy=NO_CACHE)
def open_rectification_deadlines(cycle_id: int, feedback_on: date) -> None:
    """Plan and completion deadlines for every unit with problems fed back."""
    with session_scope() as session:
        deadlines.open_rectification_deadlines(session, cycle_id=cycle_id, feedback_on=feedback_on)
