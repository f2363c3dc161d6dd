"""``zwgk units …``: the assessed units."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import select

from models.units import Unit, category_labels
from zwgk.cli.common import (
    AsJson,
    By,
    Changed,
    Db,
    console,
    open_session,
    print_json,
    say,
)
from zwgk.core.permissions import Action, require
from zwgk.setup.units import import_units, rename_unit, retire_unit

units_app = typer.Typer(help="被考核单位 / assessed units", no_args_is_help=True)



@units_app.command("rename")
def units_rename(
    old: Annotated[str, typer.Argument(help="原单位名称")],
    new: Annotated[str, typer.Argument(help="新单位名称")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """更正单位名称（已印发的文件保留原名称）/ correct a unit's name."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        rename_unit(session, old=old, new=new, actor=by)
    say(f"已更名：{old} → {new}")
    return Changed()


@units_app.command("retire")
def units_retire(
    name: Annotated[str, typer.Argument(help="单位名称")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """撤销单位：以后年度不再考核，历年结果保留 / stop assessing a unit from the next cycle on."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        unit, running = retire_unit(session, name=name, actor=by)
    say(f"已撤销：{unit.name}，以后启动的年度考核不再包括该单位，历年结果保留。")
    if running is not None:
        say(f"注意：该单位仍参加正在进行的 {running.year} 年度考核，直至该年度结束。")
    return Changed()



@units_app.command("import")
def units_import(
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8 或 GBK）或 .xlsx，表头：单位名称,类别,联系人,联系邮箱,分管领导")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """导入被考核单位（有错误时整份文件不导入）/ import units; any bad row rejects the file."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        done = import_units(session, file, actor=by)
    encoding = f"（按 {done.encoding} 编码读取）" if done.encoding else ""
    console.print(f"{file.name}{encoding}：新增 {done.added} 个单位，更新 {done.updated} 个，共 {done.rows} 行。")
    return Changed()


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
