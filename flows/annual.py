"""The annual assessment: the stages in statutory order, with the gates between them.

The flow is driven by the cycle's stage in the database, so it can be started again at
any time (after a crash, after a resume, on another machine) and carries on from where
the cycle stands; send-backs simply move the stage back and the loop runs that stage again.

The stages (flows/scheme.py, self_check.py, …) are plain functions that call their tasks inside
this one flow run: a subflow run per stage cost more than a second each and bought only a
grouping in the UI, where the task runs' names already say what was done (bench/prefect_costs.py).
"""

from datetime import date

from prefect import flow
from prefect.runtime import flow_run
from pydantic import BaseModel, Field

from flows.group_assessment import finish_group_assessment, open_group_assessment
from flows.leading_group import record_approvals
from flows.office_review import office_review
from flows.publish import circulate_and_publish
from flows.rectification import close_cycle, open_feedback
from flows.scheme import issue_scheme, propose_scheme
from flows.self_check import close_self_checks, open_self_check
from flows.waiting import can_suspend, wait_at_gate, wait_for_units
from models.cycle import Gate
from models.stages import Stage
from tasks.cycle import (
    open_cycle,
    pending_gate_round,
    read_cycle,
    rectification_finished,
    score_revision,
    scores_ready,
    self_check_done,
    set_waiting,
)
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.core.clock import office_today


class CycleOptions(BaseModel):
    """Options of an annual run (shown as a form in the Prefect UI)."""

    today: date | None = Field(
        default=None, description="办理日期（默认当天，北京时间）；补办或演示时指定"
    )
    started_by: str = Field(default=OFFICE_ACTOR, description="发起人（记入审计日志）")


@flow(name="annual-assessment", description="政务公开工作年度考核：按《考核办法》各环节依次办理")
def annual_assessment(year: int, options: CycleOptions | None = None) -> str:
    """Run the year's cycle as far as it can go; return where it stopped.

    Returns ``closed`` at the end, or ``waiting:<what>`` when it stopped for people in
    embedded mode (as a deployment it suspends instead and is resumed).
    """
    options = options or CycleOptions()
    today = options.today or office_today()
    # A deployed run re-executes with its start's parameters on every resume, so a --today
    # given at the start holds for the whole cycle; in-process runs are given each day anew.
    run_day = options.today if can_suspend() else None
    cycle_id = open_cycle(year, options.started_by, str(flow_run.id) if flow_run.id else None, today, run_day)
    unit_waits = {"self_check": 0, "scores": 0, "rectification": 0}
    while True:
        stage = read_cycle(cycle_id).stage
        if stage is Stage.DRAFT:
            propose_scheme(cycle_id)
            if not wait_at_gate(cycle_id, Gate.SCHEME):
                return "waiting:gate:scheme"
        elif stage is Stage.SCHEME_APPROVED:
            issue_scheme(cycle_id, today)
        elif stage is Stage.SELF_CHECK:
            open_self_check(cycle_id, today)
            if self_check_done(cycle_id, today):
                close_self_checks(cycle_id, today)
            elif not wait_for_units(cycle_id, "self_check", unit_waits["self_check"]):
                return "waiting:units:self_check"
            else:
                unit_waits["self_check"] += 1
        elif stage is Stage.GROUP_ASSESSMENT:
            open_group_assessment(cycle_id, today)
            if scores_ready(cycle_id):
                set_waiting(cycle_id, "")
                finish_group_assessment(cycle_id, today, score_revision(cycle_id))
            elif not wait_for_units(cycle_id, "scores", unit_waits["scores"]):
                return "waiting:units:scores"
            else:
                unit_waits["scores"] += 1
        elif stage is Stage.OFFICE_REVIEW:
            record_approvals(cycle_id, today)
            office_review(cycle_id, today, pending_gate_round(cycle_id, Gate.OFFICE_REVIEW))
            if not wait_at_gate(cycle_id, Gate.OFFICE_REVIEW):
                return "waiting:gate:office-review"
        elif stage is Stage.LEADING_GROUP_APPROVAL:
            if not wait_at_gate(cycle_id, Gate.LEADING_GROUP):
                return "waiting:gate:leading-group"
            record_approvals(cycle_id, today)
        elif stage is Stage.PUBLISHED:
            record_approvals(cycle_id, today)
            circulate_and_publish(cycle_id, today)
            open_feedback(cycle_id, today)
        elif stage is Stage.RECTIFICATION:
            if rectification_finished(cycle_id):
                set_waiting(cycle_id, "")
                close_cycle(cycle_id)
            elif not wait_for_units(cycle_id, "rectification", unit_waits["rectification"]):
                return "waiting:units:rectification"
            else:
                unit_waits["rectification"] += 1
        elif stage is Stage.WITHDRAWN:
            set_waiting(cycle_id, "")
            return "withdrawn"
        else:
            set_waiting(cycle_id, "")
            return "closed"
