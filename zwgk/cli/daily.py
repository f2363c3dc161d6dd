"""``zwgk daily …``: daily-assessment records (article 10(1))."""

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Annotated

import typer
from rich.table import Table

from zwgk.assessment import daily_records
from zwgk.cli.common import (
    AsJson,
    Changed,
    Db,
    Year,
    by_option,
    console,
    date_option,
    open_session,
    parse_points_option,
    print_json,
)
from zwgk.cli.common import refusals as _refusals
from zwgk.core.dates import day_for
from zwgk.core.permissions import Action, require

daily_app = typer.Typer(help="日常考核记录（第十条第（一）项） / daily assessment", no_args_is_help=True)



@daily_app.command("add")
def daily_add(
    year: Year,
    unit: Annotated[str, typer.Argument(help="单位名称")],
    criterion: Annotated[str, typer.Option("--criterion", help="对应的二级指标编号，如 T033")],
    points: Annotated[str, typer.Option("--points", help="拟扣分值")],
    method: Annotated[str, typer.Option("--method", help="随机抽查、专项检查或日常记录")],
    finding: Annotated[str, typer.Option("--finding", help="发现的问题")],
    by: Annotated[str, by_option("记录人")] = "",
    on: Annotated[date | None, date_option("发现日期（默认今天）")] = None,
    db: Db = None,
) -> Changed:
    """记录日常考核发现的问题（年度评分时作为扣分依据）/ record a daily-assessment finding."""
    with open_session(db) as session, _refusals():
        require(session, by, Action.RUN_OFFICE)
        record = daily_records.add_daily_record(session, year=year, unit_name=unit, criterion_ref=criterion,
                                        points=parse_points_option(points) or Decimal(0), method=method, finding=finding,
                                        by=by, on=day_for(session, on, option="--on", year=year,
                                                          procedure=False))
    console.print(f"已记录日常考核第 {record.id} 号：{unit} {criterion} 扣 {record.points} 分（{record.method.value}）。")
    return Changed(on)


@daily_app.command("list")
def daily_list(
    year: Year,
    unit: Annotated[str | None, typer.Option("--unit", help="只看一个单位")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """列出年度日常考核记录 / list the year's daily-assessment records."""
    with open_session(db) as session, _refusals():
        records = daily_records.list_daily_records(session, year=year, unit_name=unit)
    if as_json:
        print_json([asdict(r) for r in records])
        return
    table = Table(title=f"{year} 年度日常考核记录（{len(records)} 条）")
    for col in ("编号", "日期", "单位", "指标", "扣分", "方式", "发现的问题", "记录人"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(str(r.id), r.found_on.isoformat(), r.unit, r.criterion_ref or "—", str(r.points),
                      r.method, r.finding, r.recorded_by)
    console.print(table)
