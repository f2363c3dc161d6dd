"""The scheduled sweeps (cron in prefect.yaml, also runnable by hand with ``zwgk sweep``).

A sweep is an entry point like a command: after the sweep task it wakes the annual runs whose
wait is over (zwgk.runner.wake), which no task may do."""

from datetime import date
from typing import Annotated, Any

from prefect import flow
from pydantic import Field

from tasks.sweep import refresh_report_findings, sweep_deadlines
from zwgk.adapters.db import session_scope
from zwgk.core.clock import office_today
from zwgk.runner.wake import wake_ready_runs

Today = Annotated[date | None, Field(description="按哪一天执行（默认今天，北京时间）")]
DryRun = Annotated[bool, Field(description="只列出将要发送的提醒和督办，不发送、不记录")]


def _sweep(selection: str, today: date | None, dry_run: bool) -> dict[str, Any]:
    day = today or office_today()
    report = sweep_deadlines(day, dry_run, selection)
    if not dry_run and selection != "rectification":
        report["annual_report_years"] = refresh_report_findings(day)
        # A passed self-check due date (or a completed set) lets the annual run carry on.
        with session_scope() as session:
            report["resumed"] = [info.outcome for info in wake_ready_runs(session, today=day)]
    return report


@flow(name="reminder-sweep",
      description="每日催办：自查、考核评分等期限的到期提醒、逾期催办和督办")
def reminder_sweep(today: Today = None, dry_run: DryRun = False) -> dict[str, Any]:
    """Remind and escalate every deadline except rectification; reports cycles whose self-check is due."""
    return _sweep("reminders", today, dry_run)


@flow(name="rectification-enforcement",
      description="整改督促：整改方案和整改完成期限的提醒、逾期催办和督办（第十一条）")
def rectification_enforcement(today: Today = None, dry_run: DryRun = False) -> dict[str, Any]:
    """Remind and escalate the rectification plan and completion deadlines."""
    return _sweep("rectification", today, dry_run)
