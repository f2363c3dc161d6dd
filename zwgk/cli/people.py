"""``zwgk people …``: the leading group, its office and the assessment group."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

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
from zwgk.setup import people as roster_people

people_app = typer.Typer(help="人员名单：领导小组、办公室、考核组 / the people of the procedure",
                         no_args_is_help=True)



@people_app.command("import")
def people_import(
    file: Annotated[Path, typer.Argument(help="CSV 或 .xlsx，表头：姓名,所在单位,职务,角色,手机,邮箱")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """导入人员名单（有错误时整份文件不导入；按姓名更新）/ import people; any bad row rejects the file.

    角色：领导小组组长、领导小组副组长、领导小组成员、办公室、考核组，多个用“、”或“,”分隔。
    """
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        people = roster_people.parse_people(file)
        report = roster_people.import_people(session, people, actor=by, source=file)
    say(f"{file.name}：新增 {len(report.added)} 人，更新 {len(report.updated)} 人，"
        f"未变 {report.unchanged} 人。")
    for line in report.added:
        say(f"  新增 {line}")
    for line in report.updated:
        say(f"  更新 {line}")
    if report.not_in_file:
        say(f"名单中另有 {len(report.not_in_file)} 人不在本文件中，保留未动"
            f"（{'、'.join(report.not_in_file)}）；如需删除用 zwgk people remove 姓名。")
    return Changed()


@people_app.command("list")
def people_list(as_json: AsJson = False, db: Db = None) -> None:
    """列出人员及其角色 / list people with their roles."""
    with open_session(db) as session:
        members = roster_people.list_people(session)
    rows = [{"name": m.name, "from_unit": m.from_unit, "position": m.position, "roles": m.roles,
             "phone": m.phone, "email": m.email} for m in members]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"人员名单（{len(rows)} 人）")
    for col in ("姓名", "所在单位", "职务", "角色", "手机", "邮箱"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["from_unit"], r["position"], "、".join(r["roles"]) or "—",
                      r["phone"], r["email"])
    console.print(table)


@people_app.command("remove")
def people_remove(
    name: Annotated[str, typer.Argument(help="姓名")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """从人员名单中删除（已作出的决定保留其姓名）/ remove a person from the roster."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        member = roster_people.remove_person(session, name=name, actor=by)
    say(f"已删除：{member.name}（{'、'.join(member.roles) or '无角色'}）。"
        "已作出的决定和记录保留其姓名。")
    return Changed()
