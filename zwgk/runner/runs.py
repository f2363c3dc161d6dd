"""Starting and resuming the annual run: through the deployment when a Prefect server is
configured, in this process otherwise (embedded mode).

Prefect is imported inside the functions that need it, so that commands which run no flow
(``zwgk cycle status``, ``units list``…) start without it (it costs a fresh process ~1 s); a
deployed run is resumed through the server's REST API (zwgk.runner.prefect_api), without it too.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from models.cycle import Cycle, get_cycle
from models.stages import Stage
from zwgk.adapters.db import session_scope
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.core.clock import office_today
from zwgk.core.settings import get_settings
from zwgk.cycle import gates, steps
from zwgk.runner import prefect_api, warm
from zwgk.runner.local_server import ensure_server, locked, prefect_home
from zwgk.setup.readiness import require_ready

DEPLOYMENT = "annual-assessment/annual-assessment"


@dataclass(frozen=True)
class RunInfo:
    """What a user needs to find a run again."""

    flow_run_id: str | None
    link: str | None
    outcome: str  # "started" (deployment), "resumed", or where the in-process run stopped


def api_url() -> str | None:
    """The configured Prefect API, if any (environment or Prefect profile)."""
    return prefect_api.setting("PREFECT_API_URL")


def server_configured() -> bool:
    """True when a Prefect API (a real server) is configured."""
    return bool(api_url())


def run_link(flow_run_id: str | None) -> str | None:
    """The Prefect UI page of a run, when a server with a UI is configured."""
    ui = prefect_api.ui_url()
    return f"{ui.rstrip('/')}/runs/flow-run/{flow_run_id}" if ui and flow_run_id else None


def start(year: int, *, today: date | None = None, started_by: str = OFFICE_ACTOR) -> RunInfo:
    """Start the annual run of ``year``; refused (NotReady, nothing created) while the district
    lacks people, units or a working-day calendar the cycle needs."""
    ensure_ready(year, today=today)
    if server_configured():
        return _start_deployment(year, today, started_by)
    return _run_here(year, today, started_by)


def _start_deployment(year: int, today: date | None, started_by: str) -> RunInfo:
    """A new run of the deployment for ``year`` (it carries on from where the database stands)."""
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment

    options = {"today": today.isoformat() if today else None, "started_by": started_by}
    run: FlowRun = run_deployment(DEPLOYMENT, parameters={"year": year, "options": options},
                                  timeout=0)  # type: ignore[assignment]
    return RunInfo(str(run.id), run_link(str(run.id)), "started")


def ensure_ready(year: int, *, today: date | None = None) -> None:
    """Raise NotReady (listing what is missing) unless the district can start ``year``'s cycle,
    and CycleRefused unless ``year`` can be started on that day (a new or withdrawn cycle:
    last year's or this year's)."""
    day = today or office_today()
    with session_scope() as session:
        existing = session.exec(select(Cycle).where(Cycle.year == year)).first()
        if existing is None or existing.stage is Stage.WITHDRAWN:
            steps.check_startable(year, day)
        require_ready(session, year=year, today=day)


def withdraw(session: Session, year: int, *, reason: str, by: str, on: date) -> RunInfo:
    """Withdraw the cycle of ``year`` (zwgk.cycle.steps.withdraw_cycle) and cancel its deployed run
    waiting at the scheme gate, if there is one (an embedded run is not waiting anywhere)."""
    cycle = steps.withdraw_cycle(session, year=year, reason=reason, by=by, on=on)
    if server_configured() and cycle.flow_run_id:
        prefect_api.cancel_run(cycle.flow_run_id)
        return RunInfo(cycle.flow_run_id, run_link(cycle.flow_run_id), "cancelled")
    return RunInfo(cycle.flow_run_id, None, "withdrawn")


def resume(session: Session, year: int, *, today: date | None = None,
           run_input: dict[str, str] | None = None) -> RunInfo:
    """Let the year's run carry on: resume the suspended deployment run, or run it here.

    ``today`` cannot reach a deployment run (resumed, it keeps the date it was started with):
    with a Prefect server configured it is refused before anything is recorded.
    """
    cycle = get_cycle(session, year)
    _refuse_today_for_deployment(cycle.flow_run_id, today)
    if server_configured() and cycle.flow_run_id:
        # Through the REST API: importing Prefect would cost this process about a second.
        kind, name = prefect_api.run_state(cycle.flow_run_id)
        if kind == "PAUSED":
            prefect_api.resume_run(cycle.flow_run_id, run_input)
            return RunInfo(cycle.flow_run_id, run_link(cycle.flow_run_id), "resumed")
        if kind == prefect_api.UNKNOWN_RUN:
            # Started in embedded mode or on another server: a new run of the deployment carries
            # the cycle on from the database, with the date the old run kept (decisions are recorded).
            return _start_deployment(year, cycle.run_day, OFFICE_ACTOR)
        return RunInfo(cycle.flow_run_id, run_link(cycle.flow_run_id), f"running ({name or 'unknown'})")
    return _run_here(year, today, OFFICE_ACTOR)


def approve(session: Session, year: int, decision: gates.Decision, *,
            today: date | None = None) -> RunInfo:
    """Record a gate decision (refused whole if not allowed), then let the run carry on."""
    run_input = record_decision(session, year, decision, today=today)
    return resume(session, year, today=today, run_input=run_input)


def record_decision(session: Session, year: int, decision: gates.Decision, *,
                    today: date | None = None) -> dict[str, str]:
    """Record a gate decision (refused whole if not allowed); the input that resumes the run."""
    cycle = get_cycle(session, year)
    _refuse_today_for_deployment(cycle.flow_run_id, today)
    gates.decide(session, cycle_id=cycle.id, decision=decision)  # type: ignore[arg-type]
    return {"decision": decision.decision, "by": decision.by, "comment": decision.comment,
            "return_to": gates.return_target(decision.return_to)}


def _refuse_today_for_deployment(flow_run_id: str | None, today: date | None) -> None:
    if today is not None and flow_run_id and server_configured():
        raise ValueError(
            f"--today 对已部署的年度考核运行无效：该运行（{flow_run_id}）按启动时的日期办理，恢复后不会改用新日期；"
            "请去掉 --today 按当天办理，或在嵌入模式（不设置 PREFECT_API_URL）下补办 "
            "(--today cannot reach a deployed run: it keeps the date it was started with)")


def _run_here(year: int, today: date | None, started_by: str) -> RunInfo:
    """Run the annual flow on this machine against its shared local Prefect server
    (zwgk.runner.local_server), found or started, never a temporary server of its own; in the
    warm runner when one is up (zwgk.runner.warm), else in this process.

    One run of a year's cycle at a time on this machine: the workbench's processes, a clerk's
    command and the sweep may all want to carry the same cycle on at once; the later ones wait,
    then find it where the first left it.
    """
    api = ensure_server()
    with locked(_run_lock(year)):
        ran = warm.run(api, year, today, started_by)
    return RunInfo(ran.flow_run_id, None, ran.outcome)


def _run_lock(year: int) -> Path:
    database = hashlib.sha256(get_settings().database_url.encode()).hexdigest()[:16]
    return prefect_home() / f"zwgk-run-{database}-{year}.lock"


def running_on_this_machine(year: int) -> bool:
    """Whether a run of the year's cycle is under way on this machine, in any process (the
    workbench's others, a command, a sweep): its lock is held."""
    try:
        with locked(_run_lock(year), wait=False):
            return False
    except BlockingIOError:
        return True
