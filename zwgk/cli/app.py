"""The ``zwgk`` command line: the commands in the order ``zwgk --help`` lists them, the wake-up
after every command, and turning domain errors into a message and an exit code."""

import os
import sys

import typer

# Staff read zwgk's own messages; Prefect's per-task log lines belong in the Prefect UI (the
# processes `zwgk serve` starts log at INFO). Set before anything loads Prefect's settings.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# The embedded server migrates its database on first start; on a busy two-core machine that
# can take longer than Prefect's default 20 s.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Offices are offline: the temporary server's telemetry only fills the terminal with errors.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from zwgk.cli import (  # noqa: E402 (after the environment defaults above)
    accounts,
    audit,
    backup,
    calendar,
    catalog,
    cycle,
    daily,
    district,
    documents,
    evaluations,
    export,
    group,
    people,
    rectification,
    reports,
    scores,
    self_check,
    serving,
    setup,
    sites,
    special,
    units,
)
from zwgk.cli.common import Changed, clean_arguments, err, open_session
from zwgk.cli.interrupts import install as install_interrupts
from zwgk.cli.sweep import sweep
from zwgk.core.errors import shown_problems
from zwgk.runner.runs import api_url
from zwgk.runner.wake import wake_ready_runs

app = typer.Typer(
    help="zwgk：政务公开工作考核 (government openness assessment) — 年度考核全流程。",
    no_args_is_help=True,
    rich_markup_mode=None,
    result_callback=lambda result, **_: wake(result),
)
app.command("sweep", help=sweep.__doc__)(sweep)
app.command("check")(setup.check)
app.command("backup", help=backup.backup.__doc__)(backup.backup)
app.command("restore", help=backup.restore.__doc__)(backup.restore)
app.command("init")(setup.init)
app.command("approve")(cycle.approve)
app.command("web")(serving.web)
app.command("serve")(serving.serve)
app.command("demo")(serving.demo)
app.add_typer(catalog.catalog_app, name="catalog")
app.add_typer(units.units_app, name="units")
app.add_typer(people.people_app, name="people")
app.add_typer(district.district_app, name="district")
app.add_typer(cycle.cycle_app, name="cycle")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(accounts.accounts_app, name="accounts")
app.add_typer(calendar.calendar_app, name="calendar")
app.add_typer(documents.app, name="documents")
app.add_typer(self_check.self_check_app, name="self-check")
app.add_typer(scores.scores_app, name="scores")
app.add_typer(daily.daily_app, name="daily")
app.add_typer(special.special_app, name="special")
app.add_typer(export.export_app, name="export")
app.add_typer(group.group_app, name="group")
app.add_typer(evaluations.evaluations_app, name="evaluations")
app.add_typer(rectification.rectification_app, name="rectification")
app.add_typer(reports.reports_app, name="reports")
app.add_typer(sites.sites_app, name="sites")


def wake(result: object) -> None:
    """After a command that changed something (it returns Changed): resume the annual runs whose
    wait for units is over (a submission completed it, a due date passed, or an earlier command was
    interrupted while resuming), judged as of the command's own day. Read-only commands wake
    nothing. Said on stderr, so that --json output stays a JSON document."""
    if not isinstance(result, Changed):
        return
    with open_session(None) as session:
        for info in wake_ready_runs(session, today=result.day):
            err.print("各单位材料已齐或期限已过，年度考核继续。")
            cycle.print_run(info, err)


def main() -> None:
    """Entry point: run the CLI and turn domain errors into a clear message and exit code 2."""
    install_interrupts()
    try:
        sys.argv[1:] = clean_arguments(sys.argv[1:])
        app()
    except (ValueError, LookupError, RuntimeError) as exc:
        problems = getattr(exc, "problems", None)
        lines = shown_problems(problems) if problems else [str(exc)]
        err.print("错误 (error): " + "\n".join(lines), markup=False, highlight=False)
        sys.exit(2)
    except Exception as exc:
        # httpx is loaded (by Prefect) only when a command talked to a Prefect server.
        httpx = sys.modules.get("httpx")
        if httpx is None or not isinstance(exc, httpx.TransportError):
            raise
        err.print(f"错误 (error): 无法连接 Prefect 服务器 {api_url()}（{exc}）。"
                  "请先运行 zwgk serve，或检查 PREFECT_API_URL。", markup=False, highlight=False)
        sys.exit(2)
