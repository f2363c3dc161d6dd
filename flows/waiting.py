"""How the annual flow waits for people: gates (a decision) and units (a database condition).

Run as a deployment, the flow suspends (no process is held for days or weeks) and is
resumed by `zwgk approve`, the Prefect UI form, a completed submission or the daily sweep.
Run in-process (embedded mode, the demo), it cannot suspend: it returns and is started
again once the decision or the submissions are in the database.
"""

from typing import Literal

from prefect import get_run_logger
from prefect.context import FlowRunContext
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from pydantic import Field

from models.cycle import Gate
from tasks.cycle import pending_gate_round, read_cycle, record_decision, set_waiting
from zwgk.cycle.gates import (
    GATE_LABELS,
    GATE_STAGE,
    RETURN_TARGETS,
    Decision,
    GateRefused,
    return_stage,
)


class GateInput(RunInput):
    """The form shown in the Prefect UI at a gate."""

    decision: Literal["approve", "return"] = Field(description="approve 同意 / return 退回")
    by: str = Field(description="决定人姓名：领导小组成员（审核环节为办公室工作人员）")
    comment: str = Field(default="", description="意见")
    return_to: Literal[("", *RETURN_TARGETS)] = Field(  # type: ignore[valid-type]
        default="", description="退回到：office-review 办公室审核 / group 考核组（仅领导小组审定可选）"
    )

    def to_decision(self, gate: Gate) -> Decision:
        return Decision(gate=gate, decision=self.decision, by=self.by, comment=self.comment,
                        return_to=return_stage(self.return_to))


def can_suspend() -> bool:
    """True when the current run belongs to a deployment (suspension needs one)."""
    context = FlowRunContext.get()
    return bool(context and context.flow_run and context.flow_run.deployment_id)


def wait_at_gate(cycle_id: int, gate: Gate) -> bool:
    """Wait for a decision at ``gate``. True once one is recorded, False in embedded mode.

    Suspend keys (lowercase letters, digits and dashes only) are numbered by the decisions already taken at this gate, so a resumed
    run that re-executes from the top meets the same key and gets the stored input back,
    and a wait after a send-back gets a fresh key.
    """
    set_waiting(cycle_id, f"gate:{gate.value}")
    if not can_suspend():
        return False
    logger = get_run_logger()
    round_ = pending_gate_round(cycle_id, gate)
    attempt = 0
    while True:
        if read_cycle(cycle_id).stage != GATE_STAGE[gate]:
            return True  # decided (by `zwgk approve`) while this run was on its way here
        logger.info("等待：%s（zwgk approve YEAR %s …，或在 Prefect 界面填写）", GATE_LABELS[gate], gate.value)
        given = suspend_flow_run(wait_for_input=GateInput, key=f"gate-{gate.value}-{round_}-{attempt}",
                                 timeout=None)
        try:
            record_decision(cycle_id, given.to_decision(gate))
            return True
        except GateRefused as refused:
            # A decision from the UI by someone not entitled: refuse it and wait again.
            logger.error("决定未被接受：%s", refused)
            attempt += 1


def wait_for_units(cycle_id: int, what: Literal["self_check", "scores", "rectification"],
                   attempt: int) -> bool:
    """Wait until units have sent what ``what`` names. False in embedded mode (caller returns).

    Resumed by the code that completes the set or by the sweep once the due date passed;
    the caller re-checks the database condition after every resume.
    """
    set_waiting(cycle_id, f"units:{what}")
    if not can_suspend():
        return False
    suspend_flow_run(key=f"units-{what.replace('_', '-')}-{attempt}", timeout=None)
    return True
