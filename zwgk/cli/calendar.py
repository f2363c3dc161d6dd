"""``zwgk calendar …``: the working-day calendar (holidays and make-up working days)."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.calendar import (
    import_calendar,
    load_calendar,
    parse_calendar_csv,
    special_days,
)
from zwgk.adapters.files import checked_input
from zwgk.cli.common import AsJson, By, Changed, Db, console, open_session, print_json
from zwgk.core.permissions import Action, require

calendar_app = typer.Typer(help="工作日历（节假日与调休） / working-day calendar", no_args_is_help=True)


Day = Annotated[date, typer.Argument(parser=date.fromisoformat, metavar="YYYY-MM-DD",
                                      help="日期，如 2025-09-26")]



@calendar_app.command("import")
def calendar_import(
    file: Annotated[Path, typer.Argument(help="CSV，表头 date,type,name；type 为 holiday/休 或 workday/班")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """导入一年的节假日和调休上班日（有错误时整份文件不导入）/ import holidays and make-up days."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        days = parse_calendar_csv(checked_input(file))
        count = import_calendar(session, days, actor=by)
    years = "、".join(str(y) for y in sorted({d.day.year for d in days}))
    console.print(f"{file.name}：已导入 {count} 天（{years} 年）。")
    return Changed()


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
