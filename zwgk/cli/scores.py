"""``zwgk scores …``: the group's score workbook, importing it, the scores beside the self-scores (article 10(4))."""

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.cycle import get_cycle
from models.units import category_labels
from zwgk.cli.common import (
    AsJson,
    Changed,
    Db,
    Year,
    by_option,
    console,
    open_session,
    print_json,
    print_report,
)
from zwgk.cli.common import refusals as _refusals
from zwgk.intake import score_workbook
from zwgk.results import ranking

scores_app = typer.Typer(help="考核组评分（第十条第（四）项） / the group's scores", no_args_is_help=True)



@scores_app.command("sheet")
def scores_sheet(
    year: Year,
    out: Annotated[Path, typer.Option("--out", help="输出的 .xlsx 文件")],
    db: Db = None,
) -> None:
    """生成考核组评分工作簿（每个单位一个工作表，已列入日常考核扣分）/ write the group's score workbook."""
    with open_session(db) as session, _refusals():
        path = score_workbook.write_score_workbook(session, cycle_id=get_cycle(session, year).id,  # type: ignore[arg-type]
                                                path=out)
    console.print(f"已生成考核评分工作簿：{path}")


@scores_app.command("import")
def scores_import(
    year: Year,
    file: Annotated[Path, typer.Argument(help="填好的考核评分工作簿（.xlsx）")],
    by: Annotated[str, by_option("导入人（考核组成员）姓名")] = "",
    as_json: AsJson = False,
    db: Db = None,
) -> Changed:
    """导入考核组填好的评分工作簿（有任何问题则全部不导入）/ import the group's workbook, all or nothing."""
    with open_session(db) as session, _refusals():
        report = score_workbook.import_score_workbook(session, cycle_id=get_cycle(session, year).id,  # type: ignore[arg-type]
                                                   path=file, by=by)
    print_report(report, as_json, "考核评分")
    return Changed()


@scores_app.command("show")
def scores_show(year: Year, as_json: AsJson = False, db: Db = None) -> None:
    """各单位自评分与考核组得分对照（自评分明显偏高的指标提示核查）/ self-score beside the group's score."""
    with open_session(db) as session, _refusals():
        cycle = get_cycle(session, year)
        rows = ranking.results_table(session, cycle_id=cycle.id)  # type: ignore[arg-type]
        threshold = cycle.scheme.self_score_gap_threshold
        labels = category_labels(session)
    if as_json:
        print_json([{**asdict(r), "category": r.category, "flagged": r.flagged} for r in rows])
        return
    table = Table(title=f"{year} 年度考核得分（自评分高出考核组评分 {threshold} 分以上的指标提示核查）")
    for col in ("类别", "名次", "单位", "自评分", "考核得分", "等次", "需核查指标"):
        table.add_column(col, overflow="fold")
    for r in rows:
        flags = "；".join(f"{g.ref} 自评 {g.self_points} / 考核组 {g.group_points}" for g in r.gaps)
        table.add_row(labels[r.category], str(r.rank or "—"), r.unit, str(r.self_score or "—"),
                      str(r.score if r.score is not None else "未计算"), r.grade or "—", flags)
    console.print(table)
