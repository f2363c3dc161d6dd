"""The ``zwgk`` command line: what office staff run."""

import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

# Staff read zwgk's own messages; Prefect's per-task log lines belong in the Prefect UI (the
# processes `zwgk serve` starts log at INFO). Set before anything loads Prefect's settings.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# The embedded server migrates its database on first start; on a busy two-core machine that
# can take longer than Prefect's default 20 s.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Offices are offline: the temporary server's telemetry only fills the terminal with errors.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
from rich.console import Console
from rich.table import Table
from sqlmodel import select

from models.audit import OFFICE_ACTOR
from models.catalog import CriterionKind, catalog_specs, resolve_points, sync_catalog
from models.cycle import Gate, get_cycle, scheme_points
from models.stages import Stage
from models.units import Unit, category_labels
from zwgk import interrupts, runs
from zwgk import status as cycle_status
from zwgk.gates import GATE_LABELS, Decision
from zwgk.settings import get_settings
from zwgk.categories import import_catalog
from zwgk.cli_common import (AsJson, By, Db, Today, clean_arguments, console, date_option, err, open_session,
                             print_json, use_database)
from zwgk.commands import backup as backup_commands
from zwgk.commands.accounts import accounts_app
from zwgk.commands.deadlines import calendar_app, rectification_app
from zwgk.commands.deadlines import sweep as sweep_command
from zwgk.commands.documents import app as documents_app
from zwgk.commands.intake import daily_app, export_app, scores_app, self_check_app, special_app
from zwgk.commands.measures import evaluations_app, group_app
from zwgk.commands.setup import (
    NEXT_STEPS,
    check,
    district_app,
    people_app,
    people_list,
    say,
    units_rename,
    units_retire,
)
from zwgk.db import engines_built, get_engine
from zwgk.wakeup import wake_ready_runs
from zwgk.dates import checked_day
from zwgk.inputs import shown_problems
from zwgk.roster import import_units, load_demo
from zwgk.seal import verify_trail

app = typer.Typer(
    help="zwgk：政务公开工作考核 (government openness assessment) — 年度考核全流程。",
    no_args_is_help=True,
    rich_markup_mode=None,
    result_callback=lambda *_, **__: wake(),
)
catalog_app = typer.Typer(help="考核内容明细表（指标目录） / indicator catalogs", no_args_is_help=True)
units_app = typer.Typer(help="被考核单位 / assessed units", no_args_is_help=True)
cycle_app = typer.Typer(help="年度考核 / annual cycles", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(units_app, name="units")
app.add_typer(people_app, name="people")
app.add_typer(district_app, name="district")
app.add_typer(cycle_app, name="cycle")
app.add_typer(audit_app, name="audit")
app.add_typer(accounts_app, name="accounts")
app.add_typer(calendar_app, name="calendar")
app.add_typer(documents_app, name="documents")
app.add_typer(self_check_app, name="self-check")
app.add_typer(scores_app, name="scores")
app.add_typer(daily_app, name="daily")
app.add_typer(special_app, name="special")
app.add_typer(export_app, name="export")
app.add_typer(group_app, name="group")
app.add_typer(evaluations_app, name="evaluations")
app.add_typer(rectification_app, name="rectification")
app.command("sweep", help=sweep_command.__doc__)(sweep_command)
app.command("check")(check)
app.command("backup", help=backup_commands.backup.__doc__)(backup_commands.backup)
app.command("restore", help=backup_commands.restore.__doc__)(backup_commands.restore)
units_app.command("rename")(units_rename)
units_app.command("retire")(units_retire)

@app.command()
def init(
    demo: Annotated[bool, typer.Option("--demo", help="同时载入虚构的演示区县（单位、领导小组）")] = False,
    db: Db = None,
) -> None:
    """创建数据库表（可重复执行）/ create the schema idempotently, optionally with demo data."""
    with open_session(db) as session:
        sync_catalog(session)
        if demo:
            units, members = load_demo(session)
            console.print(f"已载入演示数据：{units} 个被考核单位，{members} 名人员。")
    console.print(f"数据库已就绪 (schema ready): {get_engine(db).url.render_as_string()}")
    if not demo:
        say(NEXT_STEPS)


@catalog_app.command("show")
def catalog_show(
    category: Annotated[str, typer.Option(help="township（乡镇、社区）、department（区直部门）或导入的类别键")],
    year: Annotated[int | None, typer.Option(help="显示该年度实施方案中的分值")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """显示考核内容明细表及分值 / show a category's criteria and points."""
    with open_session(db) as session:
        labels = category_labels(session)
        if category not in labels:
            raise typer.BadParameter(f"没有类别“{category}”，可用：{'、'.join(labels)} (unknown category)",
                                     param_hint="--category")
        specs = catalog_specs(session, category)
        if year is None:
            points = resolve_points(specs, {})
        else:
            points = scheme_points(session, get_cycle(session, year).id)  # type: ignore[arg-type]
    items = [{"ref": s.ref, "area": s.area, "level1": s.level1, "text": s.text,
              "kind": s.kind.value, "points": str(points[s.ref])} for s in specs]
    if as_json:
        print_json(items)
        return
    table = Table(title=f"{labels[category]} 考核内容明细表" + (f"（{year} 年度）" if year else ""))
    for col in ("编号", "内容", "一级指标", "二级指标", "类型", "分值"):
        table.add_column(col, overflow="fold")
    for i in items:
        table.add_row(i["ref"], i["area"], i["level1"], i["text"], i["kind"], i["points"])
    console.print(table)
    regular = sum(1 for s in specs if s.kind is CriterionKind.REGULAR)
    console.print(f"共 {len(specs)} 项，其中常规指标 {regular} 项。")


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(help="CSV 或 .xlsx，表头：内容,一级指标,二级指标,分值[,考核方法]")],
    category: Annotated[str, typer.Option(help="类别键（小写字母、数字、下划线），如 enterprise")],
    label: Annotated[str, typer.Option(help="类别名称，如 公共企事业单位")],
    db: Db = None,
) -> None:
    """导入参照考核办法考核的类别及其考核内容明细表（第十六条；有错误时整份文件不导入）
    / import a category assessed by reference, with its catalog; any problem rejects the file."""
    with open_session(db) as session:
        imported = import_catalog(session, path=file, key=category, label=label)
        count = len(catalog_specs(session, imported.key))
    console.print(f"{file.name}：已导入类别“{imported.label}”（{imported.key}），{count} 项指标。"
                  f"单位名册“类别”列填 {imported.key} 或 {imported.label}。")


@units_app.command("import")
def units_import(
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8 或 GBK）或 .xlsx，表头：单位名称,类别,联系人,联系邮箱,分管领导")],
    by: By,
    db: Db = None,
) -> None:
    """导入被考核单位（有错误时整份文件不导入）/ import units; any bad row rejects the file."""
    with open_session(db) as session:
        done = import_units(session, file, actor=by)
    encoding = f"（按 {done.encoding} 编码读取）" if done.encoding else ""
    console.print(f"{file.name}{encoding}：新增 {done.added} 个单位，更新 {done.updated} 个，共 {done.rows} 行。")


@units_app.command("list")
def units_list(as_json: AsJson = False, db: Db = None) -> None:
    """列出被考核单位 / list assessed units."""
    with open_session(db) as session:
        units = session.exec(select(Unit).order_by(Unit.category, Unit.id)).all()  # type: ignore[arg-type]
        labels = category_labels(session)
    rows = [u.model_dump(include={"id", "name", "category", "contact_person", "contact_email",
                                  "openness_leader", "retired"}) for u in units]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"被考核单位（{len(rows)} 个）")
    for col in ("编号", "单位名称", "类别", "联系人", "联系邮箱", "分管领导"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), r["name"] + ("（已撤销）" if r["retired"] else ""),
                      labels[r["category"]], r["contact_person"],
                      r["contact_email"] or "（无，需电话联系）", r["openness_leader"])
    console.print(table)


@units_app.command("members", hidden=True)
def units_members(as_json: AsJson = False, db: Db = None) -> None:
    """已改为 zwgk people list / moved to ``zwgk people list``."""
    err.print("提示：人员名单已改为 zwgk people list（导入用 zwgk people import）。", markup=False)
    people_list(as_json=as_json, db=db)


@cycle_app.command("status")
def cycle_status_cmd(year: int, as_json: AsJson = False, db: Db = None) -> None:
    """年度考核进展：阶段、等待事项、未报送单位、已发文件 / where a cycle stands."""
    with open_session(db) as session:
        report = cycle_status.build(session, year)
    if as_json:
        print_json(report)
        return
    cycle_status.render(report, console)


@cycle_app.command("start")
def cycle_start(
    year: Annotated[int, typer.Argument(help="考核年度，如 2025")],
    today: Today = None,
    by: Annotated[str, typer.Option("--by", help="发起人")] = OFFICE_ACTOR,
    db: Db = None,
) -> None:
    """启动年度考核（配置了 Prefect 服务器时通过部署运行，否则在本进程运行）/ start the annual run."""
    with open_session(db) as session:
        checked_day(session, today, option="--today", year=year)
    info = runs.start(year, today=today, started_by=by)
    print_run(info)


@cycle_app.command("resume")
def cycle_resume(
    year: Annotated[int, typer.Argument(help="考核年度")],
    today: Today = None,
    db: Db = None,
) -> None:
    """让等待中的年度考核继续（各单位材料已齐或期限已过时）/ let a waiting run carry on."""
    use_database(db)
    with open_session(db) as session:
        info = runs.resume(session, year, today=checked_day(session, today, option="--today", year=year))
    print_run(info)


@app.command()
def approve(
    year: Annotated[int, typer.Argument(help="考核年度")],
    gate: Annotated[Gate, typer.Argument(help="scheme 实施方案 / office-review 办公室审核 / leading-group 领导小组审定")],
    decision: Annotated[str, typer.Option("--decision", help="approve（同意）或 return（退回）")],
    by: Annotated[str, typer.Option("--by", help="决定人姓名（须在领导小组或办公室人员名单中）")],
    comment: Annotated[str, typer.Option("--comment", help="意见")] = "",
    to: Annotated[str | None, typer.Option("--to", help="退回到 office-review 或 group（仅领导小组审定）")] = None,
    today: Today = None,
    db: Db = None,
) -> None:
    """在审定环节作出决定并让年度考核继续 / decide at a gate and resume the run."""
    use_database(db)
    return_to = {None: None, "office-review": Stage.OFFICE_REVIEW, "group": Stage.GROUP_ASSESSMENT}
    if to not in return_to:
        raise typer.BadParameter("--to 只能是 office-review 或 group")
    with open_session(db) as session:
        info = runs.approve(session, year, Decision(gate=gate, decision=decision, by=by,
                                                    comment=comment, return_to=return_to[to]),
                            today=checked_day(session, today, option="--today", year=year))
    console.print(f"已记录：{by} 对“{GATE_LABELS[gate]}”的决定（{decision}）。")
    print_run(info)


WebPort = Annotated[int, typer.Option("--web-port", help="工作台端口")]


@app.command()
def web(
    host: Annotated[str, typer.Option("--host", help="监听地址（默认仅本机）")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8040,
    today: Annotated[date | None, date_option("工作台按此日期办理（演示、补办；默认今天）", "--today")] = None,
    db: Db = None,
) -> None:
    """启动工作台（浏览器访问，各人以本人账户登录办理）/ serve the workbench."""
    import uvicorn

    from zwgk.web.app import create_app

    use_database(db)
    console.print(f"工作台：http://{host}:{port}/ （Ctrl-C 停止）", markup=False)
    uvicorn.run(create_app(today=today), host=host, port=port, log_level="warning")


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="本机 Prefect 服务器端口（仅在未设置 PREFECT_API_URL 时启动）")] = 4200,
    web_port: WebPort = 8040,
    db: Db = None,
) -> None:
    """启动本机 Prefect 服务器、三个部署（年度考核、催办、整改督办）和工作台，Ctrl-C 停止 / serve everything."""
    from zwgk.serve import run

    use_database(db)  # the serving process and the runs it starts inherit it
    raise typer.Exit(run(port, web_port))


@app.command()
def demo(
    keep: Annotated[bool, typer.Option("--keep", help="在已有演示数据上继续（中断后续跑），不清空")] = False,
    db: Annotated[str | None, typer.Option("--db", help="演示数据库 URL（默认 out/zwgk-demo.db）")] = None,
) -> None:
    """在虚构的演示区县上完整运行一轮年度考核，文件写入 out/ / run a whole scripted cycle."""
    from zwgk.demo import run_demo

    out_dir = get_settings().out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    url = db or f"sqlite:///{out_dir / 'zwgk-demo.db'}"
    use_database(url)
    result = run_demo(db_url=url, out_dir=out_dir, fresh=not keep, console=console)
    console.print(f"演示完成：阶段 {result.stage}，共 {result.documents} 件文件，见 {result.out_dir}/")
    if result.stage is not Stage.CLOSED:
        raise typer.Exit(1)


def wake() -> None:
    """After every command: resume an annual run whose wait for units is over (a submission
    completed it, a due date passed, or an earlier command was interrupted while resuming).
    Said on stderr, so that --json output stays a JSON document."""
    if not engines_built():
        return  # the command did not use a database (catalog show, --help): nothing to create
    with open_session(None) as session:
        for info in wake_ready_runs(session):
            err.print("各单位材料已齐或期限已过，年度考核继续。")
            print_run(info, err)


def print_run(info: runs.RunInfo, out: Console = console) -> None:
    """Tell the user which run carries the cycle and where it stands."""
    out.print(f"Prefect 运行 (flow run)：{info.flow_run_id}")
    if info.link:
        out.print(f"界面链接 (UI)：{info.link}")
    out.print(f"状态：{info.outcome}")


@audit_app.command("verify")
def audit_verify(db: Db = None) -> None:
    """校验审计日志：哈希链、链尾是否被截断、已封存的考核结果是否被改动；有问题时以非零状态退出
    / verify the audit chain, its anchors and the sealed results."""
    with open_session(db) as session:
        problem = verify_trail(session)
    if problem is not None:
        err.print(problem, style="red", markup=False, highlight=False)
        raise typer.Exit(1)
    console.print("审计日志完整，封存的考核结果与数据一致 (audit trail intact)")


def main() -> None:
    """Entry point: run the CLI and turn domain errors into a clear message and exit code 2."""
    interrupts.install()
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
        err.print(f"错误 (error): 无法连接 Prefect 服务器 {runs.api_url()}（{exc}）。"
                  "请先运行 zwgk serve，或检查 PREFECT_API_URL。", markup=False, highlight=False)
        sys.exit(2)
