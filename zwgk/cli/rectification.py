"""``zwgk rectification …``: the rectification lifecycle (article 11)."""

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from zwgk.cli.common import (
    AsJson,
    By,
    Changed,
    Db,
    On,
    Year,
    by_option,
    console,
    open_session,
    print_json,
)
from zwgk.core.dates import day_for
from zwgk.core.permissions import Action, require
from zwgk.rectification import lifecycle

rectification_app = typer.Typer(help="问题整改（第十一条） / rectification", no_args_is_help=True)



File = Annotated[Path, typer.Argument(help="单位报来的文件（任意格式，按内容识别是否重复）")]


UnitName = Annotated[str, typer.Argument(help="单位名称（与被考核单位名册一致）")]



@rectification_app.command("plan")
def rectification_plan(year: Year, unit: UnitName, file: File, by: By = "", on: On = None, db: Db = None) -> Changed:
    """登记单位报来的整改方案 / record a unit's rectification plan."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        item = lifecycle.receive_plan(session, year=year, unit_name=unit, file=file, by=by,
                                          on=day_for(session, on, option="--on", year=year))
    console.print(f"{unit}：已登记整改方案 {file.name}（{item.plan_received_on}）。")
    return Changed(on)


@rectification_app.command("report")
def rectification_report(year: Year, unit: UnitName, file: File, by: By = "", on: On = None, db: Db = None) -> Changed:
    """登记单位报来的整改报告 / record a unit's completion report."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        item = lifecycle.receive_report(session, year=year, unit_name=unit, file=file, by=by,
                                            on=day_for(session, on, option="--on", year=year))
    console.print(f"{unit}：已登记第 {item.round} 轮整改报告 {file.name}"
                  f"（{item.report_received_on}），待核验。")
    return Changed(on)


@rectification_app.command("verify")
def rectification_verify(
    year: Year,
    unit: UnitName,
    by: Annotated[str, by_option("核验人姓名（领导小组办公室工作人员）")] = "",
    reject: Annotated[bool, typer.Option("--reject", help="核验不通过，退回重新整改")] = False,
    comment: Annotated[str, typer.Option("--comment", help="核验意见（退回时必填）")] = "",
    on: On = None,
    db: Db = None,
) -> Changed:
    """核验整改报告：通过，或退回并给出新的整改期限 / verify a completion report."""
    with open_session(db) as session:
        item = lifecycle.verify(session, year=year, unit_name=unit, by=by,
                                    on=day_for(session, on, option="--on", year=year),
                                    reject=reject, comment=comment)
        rows = {r.unit: r for r in lifecycle.list_items(session, year=year)}
    if reject:
        console.print(f"{unit}：核验未通过，已退回第 {item.round} 轮整改，"
                      f"新的整改期限 {rows[unit].next_due_on}。")
    else:
        console.print(f"{unit}：整改核验通过（{by}）。")
    return Changed(on)


@rectification_app.command("list")
def rectification_list(year: Year, as_json: AsJson = False, db: Db = None) -> None:
    """列出本年度各单位整改进展 / list the year's rectifications."""
    with open_session(db) as session:
        rows = lifecycle.list_items(session, year=year)
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
