"""Commands for the working-day calendar, the sweep and rectification (registered by zwgk.cli).

``calendar_app`` → ``zwgk calendar …``, ``sweep`` → ``zwgk sweep``,
``rectification_app`` → ``zwgk rectification …``.
"""

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.calendar import import_calendar, load_calendar, parse_calendar_csv, special_days
from zwgk import rectification
from zwgk.wakeup import wake_ready_runs
from zwgk.dates import day_for
from zwgk.inputs import checked_input
from zwgk.cli_common import AsJson, By, Db, On, Today, Year, console, open_session, print_json
from zwgk.sweep import SWEEP_KINDS, office_summary, run_sweep

calendar_app = typer.Typer(help="工作日历（节假日与调休） / working-day calendar", no_args_is_help=True)
rectification_app = typer.Typer(help="问题整改（第十一条） / rectification", no_args_is_help=True)

Day = Annotated[date, typer.Argument(parser=date.fromisoformat, metavar="YYYY-MM-DD",
                                      help="日期，如 2025-09-26")]


@calendar_app.command("import")
def calendar_import(
    file: Annotated[Path, typer.Argument(help="CSV，表头 date,type,name；type 为 holiday/休 或 workday/班")],
    by: By,
    db: Db = None,
) -> None:
    """导入一年的节假日和调休上班日（有错误时整份文件不导入）/ import holidays and make-up days."""
    days = parse_calendar_csv(checked_input(file))
    with open_session(db) as session:
        count = import_calendar(session, days, actor=by)
    years = "、".join(str(y) for y in sorted({d.day.year for d in days}))
    console.print(f"{file.name}：已导入 {count} 天（{years} 年）。")


@calendar_app.command("show")
def calendar_show(year: int, as_json: AsJson = False, db: Db = None) -> None:
    """显示一年的节假日和调休上班日及其来源 / show a year's holidays and make-up working days."""
    with open_session(db) as session:
        days = special_days(session, year)
    rows = [{"date": d.day.isoformat(), "type": "workday" if d.is_workday else "holiday",
             "name": d.name, "source": d.source} for d in days]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{year} 年节假日与调休上班日")
    for col in ("日期", "星期", "类型", "名称", "来源"):
        table.add_column(col)
    for d in days:
        table.add_row(d.day.isoformat(), "一二三四五六日"[d.day.weekday()],
                      "上班" if d.is_workday else "放假", d.name,
                      "chinesecalendar" if d.source == "package" else "导入表")
    console.print(table)


@calendar_app.command("add-workdays")
def calendar_add_workdays(
    day: Day, n: Annotated[int, typer.Argument(min=0, help="工作日数")], db: Db = None
) -> None:
    """打印某日之后第 N 个工作日（当天不计）/ print the N-th working day after DATE."""
    with open_session(db) as session:
        calendar = load_calendar(session)
    console.print(calendar.add_workdays(day, n).isoformat())


def sweep(
    today: Today = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只列出将要做的事，不发送、不记录")] = False,
    kind: Annotated[
        str, typer.Option("--kind", help="all 全部 / reminders 自查和评分 / rectification 整改")
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
        resumed = [] if dry_run else wake_ready_runs(session, today=day)
    if as_json:
        print_json({**report.model_dump(mode="json"), "resumed": [r.outcome for r in resumed]})
        return
    console.print(office_summary(report), markup=False, highlight=False, soft_wrap=True)
    for info in resumed:
        console.print(f"年度考核已继续（自查期限已过或材料已齐）：{info.outcome}")


File = Annotated[Path, typer.Argument(help="单位报来的文件（任意格式，按内容识别是否重复）")]
UnitName = Annotated[str, typer.Argument(help="单位名称（与被考核单位名册一致）")]


@rectification_app.command("plan")
def rectification_plan(year: Year, unit: UnitName, file: File, by: By, on: On = None, db: Db = None) -> None:
    """登记单位报来的整改方案 / record a unit's rectification plan."""
    with open_session(db) as session:
        item = rectification.receive_plan(session, year=year, unit_name=unit, file=file, by=by,
                                          on=day_for(session, on, option="--on", year=year))
    console.print(f"{unit}：已登记整改方案 {file.name}（{item.plan_received_on}）。")


@rectification_app.command("report")
def rectification_report(year: Year, unit: UnitName, file: File, by: By, on: On = None, db: Db = None) -> None:
    """登记单位报来的整改报告 / record a unit's completion report."""
    with open_session(db) as session:
        item = rectification.receive_report(session, year=year, unit_name=unit, file=file, by=by,
                                            on=day_for(session, on, option="--on", year=year))
    console.print(f"{unit}：已登记第 {item.round} 轮整改报告 {file.name}"
                  f"（{item.report_received_on}），待核验。")


@rectification_app.command("verify")
def rectification_verify(
    year: Year,
    unit: UnitName,
    by: Annotated[str, typer.Option("--by", help="核验人姓名（领导小组办公室工作人员）")],
    reject: Annotated[bool, typer.Option("--reject", help="核验不通过，退回重新整改")] = False,
    comment: Annotated[str, typer.Option("--comment", help="核验意见（退回时必填）")] = "",
    on: On = None,
    db: Db = None,
) -> None:
    """核验整改报告：通过，或退回并给出新的整改期限 / verify a completion report."""
    with open_session(db) as session:
        item = rectification.verify(session, year=year, unit_name=unit, by=by,
                                    on=day_for(session, on, option="--on", year=year),
                                    reject=reject, comment=comment)
        rows = {r.unit: r for r in rectification.list_items(session, year=year)}
    if reject:
        console.print(f"{unit}：核验未通过，已退回第 {item.round} 轮整改，"
                      f"新的整改期限 {rows[unit].next_due_on}。")
    else:
        console.print(f"{unit}：整改核验通过（{by}）。")


@rectification_app.command("list")
def rectification_list(year: Year, as_json: AsJson = False, db: Db = None) -> None:
    """列出本年度各单位整改进展 / list the year's rectifications."""
    with open_session(db) as session:
        rows = rectification.list_items(session, year=year)
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table = Table(title=f"{year} 年度问题整改（{len(rows)} 个单位）")
    for col in ("单位", "进展", "轮次", "整改方案", "整改报告", "期限", "核验人", "意见"):
        table.add_column(col)
    for r in rows:
        late = "（已逾期）" if r.next_due_state == "overdue" else ""
        due = f"{r.next_due_on}{late}" if r.next_due_on else "—"
        table.add_row(r.unit, r.state_label, str(r.round), str(r.plan_received_on or "—"),
                      str(r.report_received_on or "—"), due, r.verified_by or "—", r.comment or "—")
    console.print(table)
