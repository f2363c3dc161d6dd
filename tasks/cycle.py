"""Tasks over the cycle's own state: open it, read it, move it, record waits and decisions.

None of these is cached: each reads or changes the database, which is the source of truth,
and each is safe to run again.
"""

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel

from models.cycle import Gate, cycle_by_id, returns_to_group, transition
from models.stages import Stage
from zwgk.adapters.db import session_scope
from zwgk.cycle import gates, steps
from zwgk.rectification import lifecycle
from zwgk.results import confirmation


class CycleView(BaseModel):
    """What a flow needs to know about a cycle to decide its next step."""

    id: int
    year: int
    stage: Stage
    waiting_for: str


@task(cache_policy=NO_CACHE)
def open_cycle(year: int, actor: str, flow_run_id: str | None, today: date, run_day: date | None) -> int:
    """Create the year's cycle, started on ``today``, with an assessment per unit (idempotent);
    remember the run and the date it keeps (``run_day``, None when it follows the clock)."""
    with session_scope() as session:
        cycle = steps.start_cycle(session=session, year=year, actor=actor, started_on=today)
        steps.attach_run(session=session, cycle_id=cycle.id, flow_run_id=flow_run_id,  # type: ignore[arg-type]
                             run_day=run_day)
        return cycle.id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def read_cycle(cycle_id: int) -> CycleView:
    """The cycle's stage and what it waits for, as stored now."""
    with session_scope() as session:
        cycle = cycle_by_id(session, cycle_id)
        return CycleView(id=cycle_id, year=cycle.year, stage=cycle.stage, waiting_for=cycle.waiting_for)


@task(cache_policy=NO_CACHE)
def advance(cycle_id: int, frm: Stage, to: Stage, actor: str, comment: str = "") -> Stage:
    """Move the cycle from ``frm`` to ``to``; a cycle already at ``to`` is left as it is."""
    with session_scope() as session:
        if cycle_by_id(session, cycle_id).stage == to:
            return to
        return transition(session=session, cycle_id=cycle_id, to=to, actor=actor,
                          comment=comment).stage


@task(cache_policy=NO_CACHE)
def set_waiting(cycle_id: int, waiting_for: str) -> None:
    """Record what the cycle waits for (shown by `zwgk cycle status`)."""
    with session_scope() as session:
        steps.set_waiting(session=session, cycle_id=cycle_id, waiting_for=waiting_for)


@task(cache_policy=NO_CACHE)
def pending_gate_round(cycle_id: int, gate: Gate) -> int:
    """How many decisions were taken at ``gate`` so far: numbers the current wait."""
    with session_scope() as session:
        return len(gates.decision_ids(session, cycle_id=cycle_id, gate=gate))


@task(cache_policy=NO_CACHE)
def record_decision(cycle_id: int, decision: gates.Decision) -> int:
    """Record a gate decision given in the Prefect UI or by `zwgk approve`; returns its id."""
    with session_scope() as session:
        return gates.decide(session, cycle_id=cycle_id, decision=decision).id  # type: ignore[return-value]


@task(cache_policy=NO_CACHE)
def self_check_done(cycle_id: int, today: date) -> bool:
    """Every unit has sent its self-check, or the due date has passed."""
    with session_scope() as session:
        return steps.self_check_done(session=session, cycle_id=cycle_id, today=today)


@task(cache_policy=NO_CACHE)
def close_self_check(cycle_id: int, today: date) -> list[int]:
    """Record the units that never sent a self-check (a deduction basis)."""
    with session_scope() as session:
        return steps.close_self_check(session=session, cycle_id=cycle_id, today=today)


@task(cache_policy=NO_CACHE)
def scores_ready(cycle_id: int) -> bool:
    """Every unit is scored and the group confirmed the figures as they stand."""
    with session_scope() as session:
        return confirmation.scores_ready(session, cycle_id=cycle_id)


@task(cache_policy=NO_CACHE)
def open_rectification(cycle_id: int, on: date) -> int:
    """One rectification item per unit with problems (article 11)."""
    with session_scope() as session:
        return lifecycle.open_rectification(session=session, cycle_id=cycle_id, on=on)


@task(cache_policy=NO_CACHE)
def rectification_finished(cycle_id: int) -> bool:
    """Every rectification item has been verified."""
    with session_scope() as session:
        return lifecycle.rectification_finished(session=session, cycle_id=cycle_id)


@task(cache_policy=NO_CACHE)
def leading_group_decisions(cycle_id: int) -> list[int]:
    """Ids of the leading group's decisions on the results, oldest first."""
    with session_scope() as session:
        return gates.decision_ids(session, cycle_id=cycle_id, gate=Gate.LEADING_GROUP)


@task(cache_policy=NO_CACHE)
def score_revision(cycle_id: int) -> int:
    """How many times the scores were sent back to the group (numbers the score documents)."""
    with session_scope() as session:
        return returns_to_group(session, cycle_id=cycle_id)
