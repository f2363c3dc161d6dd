"""``zwgk group …``: the group's symposiums, self-check hearings and on-site checks (article 10(4))."""

import re
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from zwgk.assessment import group_records
from zwgk.cli.common import (
    AsJson,
    Changed,
    Db,
    On,
    Year,
    console,
    open_session,
    parse_points_option,
    print_json,
    refusals,
)
from zwgk.core.dates import day_for

group_app = typer.Typer(help="考核组工作记录：座谈会、自查汇报、实地核查（第十条第（四）项） / the group's activities",
                        no_args_is_help=True)



@group_app.command("record")
def group_record(
    year: Year,
    unit: Annotated[str, typer.Argument(help="单位名称")],
    kind: Annotated[str, typer.Option("--kind", help="座谈会、自查汇报或实地核查")],
    by: Annotated[str, typer.Option("--by", help="参加的考核组成员，多人用“、”或逗号分隔")],
    on: On = None,
    minutes: Annotated[Path | None, typer.Option("--minutes", help="记录材料（纪要、照片等），保存副本并记录 SHA-256")] = None,
    finding: Annotated[list[str] | None, typer.Option("--finding", help="发现的问题（可多次，与 --criterion、--points 一一对应）")] = None,
    criterion: Annotated[list[str] | None, typer.Option("--criterion", help="对应的二级指标编号，如 T033")] = None,
    points: Annotated[list[str] | None, typer.Option("--points", help="拟扣分值（由考核组评分时确定）")] = None,
    db: Db = None,
) -> Changed:
    """记录考核组在单位开展的活动及发现的问题，印发记录表 / record a symposium, hearing or on-site check."""
    texts, refs, values = finding or [], criterion or [], points or []
    if not len(texts) == len(refs) == len(values):
        raise typer.BadParameter("每个 --finding 须有对应的 --criterion 和 --points "
                                 f"（现有 {len(texts)} 个发现、{len(refs)} 个指标、{len(values)} 个分值）")
    findings = [group_records.FindingInput(criterion=r, points=parse_points_option(p), text=t)
                for t, r, p in zip(texts, refs, values, strict=True)]
    with open_session(db) as session, refusals():
        activity, form = group_records.record_activity(
            session, year=year, unit_name=unit, kind=kind, held_on=day_for(session, on, option="--on", year=year, procedure=False),
            members=re.split(r"[、,，]", by), findings=findings, minutes=minutes)
    console.print(f"已记录考核组工作第 {activity.id} 号：{unit} {activity.kind.value}（{activity.held_on}），"
                  f"发现问题 {len(findings)} 个，已列入考核评分工作簿待考核组确定。")
    if activity.minutes_path:
        console.print(f"记录材料已保存：{activity.minutes_path}（SHA-256 {activity.minutes_sha256}）")
    console.print(f"记录表：{form.path}")
    return Changed(on)


@group_app.command("list")
def group_list(
    year: Year,
    unit: Annotated[str | None, typer.Option("--unit", help="只看一个单位")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """列出考核组工作记录 / list the group's activities."""
    with open_session(db) as session, refusals():
        views = group_records.list_activities(session, year=year, unit_name=unit)
    if as_json:
        print_json([asdict(v) for v in views])
        return
    table = Table(title=f"{year} 年度考核组工作记录（{len(views)} 条）")
    for col in ("编号", "日期", "单位", "方式", "考核组成员", "发现的问题", "记录材料"):
        table.add_column(col, overflow="fold")
    for v in views:
        table.add_row(str(v.id), v.held_on.isoformat(), v.unit, v.kind, v.members, "\n".join(v.findings) or "—",
                      v.minutes or "—")
    console.print(table)
