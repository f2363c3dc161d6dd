"""``zwgk cycle …`` and ``zwgk approve``: starting, following and resuming the annual run, and deciding at a gate."""

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from models.cycle import Gate, get_cycle
from zwgk.cli.common import (
    AsJson,
    Changed,
    Db,
    On,
    Today,
    Year,
    by_option,
    console,
    open_session,
    print_json,
    use_database,
)
from zwgk.core.dates import checked_day, day_for
from zwgk.core.permissions import Action, require
from zwgk.cycle import status as cycle_status
from zwgk.cycle.gates import (
    GATE_LABELS,
    Decision,
    GateRefused,
    add_opinion,
    return_stage,
)
from zwgk.runner import runs

cycle_app = typer.Typer(help="年度考核 / annual cycles", no_args_is_help=True)



@cycle_app.command("status")
def cycle_status_cmd(year: int, as_json: AsJson = False, db: Db = None) -> None:
    """年度考核进展：阶段、等待事项、未报送单位、已发文件 / where a cycle stands."""
    with open_session(db) as session:
        report = cycle_status.build(session, year)
    if as_json:
        print_json(report)
        return
    render_status(report, console)


@cycle_app.command("start")
def cycle_start(
    year: Annotated[int, typer.Argument(help="考核年度，如 2025")],
    today: Today = None,
    by: Annotated[str, by_option("发起人")] = "",
    db: Db = None,
) -> Changed:
    """启动年度考核（配置了 Prefect 服务器时通过部署运行，否则在本进程运行）/ start the annual run."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        checked_day(session, today, option="--today", year=year)
    info = runs.start(year, today=today, started_by=by)
    print_run(info)
    return Changed(today)


@cycle_app.command("resume")
def cycle_resume(
    year: Annotated[int, typer.Argument(help="考核年度")],
    today: Today = None,
    db: Db = None,
) -> Changed:
    """让等待中的年度考核继续（各单位材料已齐或期限已过时）/ let a waiting run carry on."""
    use_database(db)
    with open_session(db) as session:
        info = runs.resume(session, year, today=checked_day(session, today, option="--today", year=year))
    print_run(info)
    return Changed(today)


@cycle_app.command("withdraw")
def cycle_withdraw(
    year: Year,
    reason: Annotated[str, typer.Option("--reason", help="撤销理由（记入审计日志和登记簿）")],
    by: Annotated[str, by_option("办公室工作人员姓名")] = "",
    on: On = None,
    db: Db = None,
) -> Changed:
    """撤销误启动的年度考核（领导小组审定实施方案之前）：期限关闭，已编号的文件标为撤销，文号不再使用
    / withdraw a cycle started by mistake, before its scheme is approved."""
    use_database(db)
    with open_session(db) as session:
        day = day_for(session, on, option="--on", year=None)
        info = runs.withdraw(session, year, reason=reason, by=by, on=day)
    console.print(f"已撤销 {year} 年度考核（{reason}）。如需重新启动：zwgk cycle start {year}", markup=False)
    print_run(info)
    return Changed(on)


@cycle_app.command("opinion")
def cycle_opinion(
    year: Year,
    gate: Annotated[Gate, typer.Argument(help="scheme 实施方案 / leading-group 领导小组审定")],
    comment: Annotated[str, typer.Option("--comment", help="意见")],
    by: Annotated[str, by_option("领导小组成员姓名")] = "",
    db: Db = None,
) -> Changed:
    """领导小组成员对实施方案或考核结果提出意见（由组长、副组长作出决定时参阅）/ add an opinion at a gate."""
    with open_session(db) as session:
        add_opinion(session, cycle_id=get_cycle(session, year).id, gate=gate, by=by,  # type: ignore[arg-type]
                    comment=comment)
    console.print(f"已记录 {by} 对“{GATE_LABELS[gate]}”的意见。", markup=False)
    return Changed()


def approve(
    year: Annotated[int, typer.Argument(help="考核年度")],
    gate: Annotated[Gate, typer.Argument(help="scheme 实施方案 / office-review 办公室审核 / leading-group 领导小组审定")],
    decision: Annotated[str, typer.Option("--decision", help="approve（同意）或 return（退回）")],
    by: Annotated[str, by_option("决定人姓名（须在领导小组或办公室人员名单中）")] = "",
    comment: Annotated[str, typer.Option("--comment", help="意见")] = "",
    to: Annotated[str | None, typer.Option("--to", help="退回到 office-review 或 group（仅领导小组审定）")] = None,
    today: Today = None,
    db: Db = None,
) -> Changed:
    """在审定环节作出决定并让年度考核继续 / decide at a gate and resume the run."""
    use_database(db)
    try:
        return_to = return_stage(to)
    except GateRefused as refused:
        raise typer.BadParameter(str(refused)) from None
    with open_session(db) as session:
        info = runs.approve(session, year, Decision(gate=gate, decision=decision, by=by,
                                                    comment=comment, return_to=return_to),
                            today=checked_day(session, today, option="--today", year=year))
    console.print(f"已记录：{by} 对“{GATE_LABELS[gate]}”的决定（{decision}）。")
    print_run(info)
    return Changed(today)


def print_run(info: runs.RunInfo, out: Console = console) -> None:
    """Tell the user which run carries the cycle and where it stands."""
    out.print(f"Prefect 运行 (flow run)：{info.flow_run_id}")
    if info.link:
        out.print(f"界面链接 (UI)：{info.link}")
    out.print(f"状态：{info.outcome}")


# The people's report shows the latest documents; `documents list` and --json give them all.
LATEST_DOCUMENTS = 10


def render_status(report: dict[str, Any], console: Console) -> None:
    """Print a status report for people."""
    console.print(f"[bold]{report['year']} 年度政务公开工作考核[/bold]")
    console.print(f"阶段：{report['stage_label']}（{report['stage']}）")
    if report["waiting_for"]:
        console.print(f"等待：{report['waiting_label'] or report['waiting_for']}")
    console.print(f"被考核单位：{report['units']} 个")
    if report["self_check_missing"] and report["stage"] in ("self_check", "group_assessment"):
        console.print("未报送自查材料：" + "、".join(report["self_check_missing"]))
    if report["not_scored"] and report["stage"] == "group_assessment":
        console.print(f"尚未评分：{len(report['not_scored'])} 个单位")
    if report["deadlines"]:
        console.print("期限：" + "，".join(f"{k} {v}" for k, v in report["deadlines"].items()))
    for row in report.get("decisions", []):
        back = f"，退回至{row['return_to']}" if row["return_to"] else ""
        console.print(f"{row['at']} {row['gate_label']}：{row['by']} {row['label']}{back}"
                      + (f"（{row['comment']}）" if row["comment"] else ""), markup=False, highlight=False, soft_wrap=True)
    documents = report["documents"]
    shown = documents[-LATEST_DOCUMENTS:]
    cut = len(shown) < len(documents)
    count = f"{len(documents)} 件" + (f"，最近 {len(shown)} 件" if cut else "")
    table = Table(title=f"已发文件（{count}）")
    for col in ("文号", "标题", "日期", "文件"):
        table.add_column(col, overflow="fold")
    for d in shown:
        table.add_row(d["number"] or "—", d["title"], d["issued_on"], d["path"])
    console.print(table)
    if cut:
        console.print(f"全部文件：zwgk documents list {report['year']}（--json 为完整清单）")
