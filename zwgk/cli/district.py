"""``zwgk district …``: the district's name, measures and issuing organs."""

from pathlib import Path
from typing import Annotated

import typer

from models.district import OrganKey, district_profile
from zwgk.cli.common import AsJson, By, Changed, Db, open_session, print_json, say
from zwgk.core.permissions import Action, require
from zwgk.setup.district import ORGAN_LABELS, parse_profile, save_profile

district_app = typer.Typer(help="区县信息：名称、考核办法、发文机关 / the district profile",
                           no_args_is_help=True)



@district_app.command("import")
def district_import(
    file: Annotated[Path, typer.Argument(help="YAML：district, measures, organs.leading_group/office.{name,mark,prefix}")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """导入区县信息（替换原有信息）/ import the district profile from YAML."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        profile = parse_profile(file)
        changes = save_profile(session, profile, actor=by)
    if not changes:
        say(f"{file.name}：与已有信息相同，未作改动。")
        return Changed()
    say(f"{file.name}：已保存区县信息。")
    for line in changes:
        say(f"  {line}")
    return Changed()


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
    say(f"领导小组审定由：{'、'.join(profile.deciders)}作出决定；其他成员可提出意见")
