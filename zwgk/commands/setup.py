"""Setting a district up: ``zwgk people …``, ``zwgk district …``, ``zwgk units rename|retire``
and ``zwgk check``."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.audit import OFFICE_ACTOR
from models.district import OrganKey
from zwgk import people as roster_people
from zwgk.cli_common import AsJson, Db, Today, console, err, open_session, print_json
from zwgk.clock import office_today
from zwgk.district import ORGAN_LABELS, district_profile, parse_profile, save_profile
from zwgk.readiness import missing_for_cycle, warnings
from zwgk.roster import rename_unit, retire_unit
from zwgk.settings import get_settings

people_app = typer.Typer(help="人员名单：领导小组、办公室、考核组 / the people of the procedure",
                         no_args_is_help=True)
district_app = typer.Typer(help="区县信息：名称、考核办法、发文机关 / the district profile",
                           no_args_is_help=True)
def say(text: str) -> None:
    """Print plain text (names may hold [brackets]; long lines wrap in the terminal, not here)."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


By = Annotated[str, typer.Option("--by", help="经办人姓名（记入审计日志）")]

NEXT_STEPS = """接下来 (next steps):
  1. zwgk district import district.yaml   区县名称、考核办法名称、两个发文机关（红头、文号代字）
  2. zwgk people import people.csv        领导小组、办公室、考核组人员
  3. zwgk units import units.csv          被考核单位（乡镇、社区服务中心和区直部门）
  4. zwgk check YEAR                      检查是否具备启动条件
  5. zwgk cycle start YEAR                启动年度考核，实施方案报领导小组审定
示例文件见 examples/ (sample files in examples/)."""


@people_app.command("import")
def people_import(
    file: Annotated[Path, typer.Argument(help="CSV 或 .xlsx，表头：姓名,所在单位,职务,角色,手机,邮箱")],
    by: By = OFFICE_ACTOR,
    db: Db = None,
) -> None:
    """导入人员名单（有错误时整份文件不导入；按姓名更新）/ import people; any bad row rejects the file.

    角色：领导小组组长、领导小组副组长、领导小组成员、办公室、考核组，多个用“、”或“,”分隔。
    """
    people = roster_people.parse_people(file)
    with open_session(db) as session:
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
    by: By = OFFICE_ACTOR,
    db: Db = None,
) -> None:
    """从人员名单中删除（已作出的决定保留其姓名）/ remove a person from the roster."""
    with open_session(db) as session:
        member = roster_people.remove_person(session, name=name, actor=by)
    say(f"已删除：{member.name}（{'、'.join(member.roles) or '无角色'}）。"
        "已作出的决定和记录保留其姓名。")


@district_app.command("import")
def district_import(
    file: Annotated[Path, typer.Argument(help="YAML：district, measures, organs.leading_group/office.{name,mark,prefix}")],
    by: By = OFFICE_ACTOR,
    db: Db = None,
) -> None:
    """导入区县信息（替换原有信息）/ import the district profile from YAML."""
    profile = parse_profile(file)
    with open_session(db) as session:
        changes = save_profile(session, profile, actor=by)
    if not changes:
        say(f"{file.name}：与已有信息相同，未作改动。")
        return
    say(f"{file.name}：已保存区县信息。")
    for line in changes:
        say(f"  {line}")


@district_app.command("show")
def district_show(as_json: AsJson = False, db: Db = None) -> None:
    """显示区县信息（未导入时为乌当区默认值）/ show the district profile."""
    with open_session(db) as session:
        profile = district_profile(session)
    if as_json:
        print_json(profile.model_dump(mode="json"))
        return
    if profile.is_default:
        say("尚未导入区县信息，以下为默认值（乌当区），请用 zwgk district import FILE 导入本区县信息。"
            "(no profile imported: these are the Wudang defaults)")
    say(f"区县：{profile.district}\n考核办法：《{profile.measures}》")
    for key in OrganKey:
        organ = profile.organ(key)
        say(f"{ORGAN_LABELS[key]}：{organ.name}\n  红头：{organ.mark}\n  文号代字：{organ.prefix}")


def units_rename(
    old: Annotated[str, typer.Argument(help="原单位名称")],
    new: Annotated[str, typer.Argument(help="新单位名称")],
    by: By = OFFICE_ACTOR,
    db: Db = None,
) -> None:
    """更正单位名称（已印发的文件保留原名称）/ correct a unit's name."""
    with open_session(db) as session:
        rename_unit(session, old=old, new=new, actor=by)
    say(f"已更名：{old} → {new}")


def units_retire(
    name: Annotated[str, typer.Argument(help="单位名称")],
    by: By = OFFICE_ACTOR,
    db: Db = None,
) -> None:
    """撤销单位：以后年度不再考核，历年结果保留 / stop assessing a unit from the next cycle on."""
    with open_session(db) as session:
        unit, running = retire_unit(session, name=name, actor=by)
    say(f"已撤销：{unit.name}，以后启动的年度考核不再包括该单位，历年结果保留。")
    if running is not None:
        say(f"注意：该单位仍参加正在进行的 {running.year} 年度考核，直至该年度结束。")


def check(
    year: Annotated[int | None, typer.Argument(help="考核年度（默认：去年，即今年开展的考核）")] = None,
    today: Today = None,
    db: Db = None,
) -> None:
    """检查是否具备启动年度考核的条件（不启动）/ what the district lacks to start a cycle."""
    day = today or office_today()
    year = year or day.year - 1
    with open_session(db) as session:
        missing = missing_for_cycle(session, year=year, today=day)
        profile = district_profile(session)
    notes = warnings(get_settings())
    if profile.is_default:
        notes.insert(0, "尚未导入区县信息：文件将使用乌当区的默认名称和文号（zwgk district import FILE）")
    for line in notes:
        err.print(f"提示 (warning)：{line}", markup=False)
    if missing:
        err.print(f"不能启动 {year} 年度考核，还缺少 (missing)：", markup=False)
        for line in missing:
            err.print(f"  - {line}", markup=False)
        raise typer.Exit(1)
    say(f"可以启动 {year} 年度考核：zwgk cycle start {year} (ready)")
