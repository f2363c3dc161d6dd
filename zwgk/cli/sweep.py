"""``zwgk sweep``: reminders, overdue notices and escalation as of a day."""

from typing import Annotated

import typer

from zwgk.cli.common import AsJson, Db, Today, console, open_session, print_json
from zwgk.core.dates import day_for
from zwgk.deadlines.report import office_summary
from zwgk.deadlines.sweep import SWEEP_KINDS, run_sweep
from zwgk.reports.findings import refresh_open_years
from zwgk.runner.wake import wake_ready_runs


def sweep(
    today: Today = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将要做的事，不发送、不记录")] = False,
    kind: Annotated[
        str, typer.Option("--kind", help="all 全部 / reminders 自查、评分和年报 / rectification 整改")
    ] = "all",
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """催办：到期提醒、逾期催办、督办，并列出需电话通知的单位 / run the reminder sweep."""
    if kind not in SWEEP_KINDS:
        raise typer.BadParameter(f"--kind 应为 {' / '.join(SWEEP_KINDS)}，而不是 {kind}")
    with open_session(db) as session:
        day = day_for(session, today, option="--today", year=None)
        report = run_sweep(session, today=day, dry_run=dry_run, kinds=SWEEP_KINDS[kind])
        if not dry_run and kind != "rectification":
            refresh_open_years(session, today=day)  # reports that became missing get their findings
        resumed = [] if dry_run else wake_ready_runs(session, today=day)
    if as_json:
        print_json({**report.model_dump(mode="json"), "resumed": [r.outcome for r in resumed]})
        return
    console.print(office_summary(report), markup=False, highlight=False, soft_wrap=True)
    for info in resumed:
        console.print(f"年度考核已继续（自查期限已过或材料已齐）：{info.outcome}")
