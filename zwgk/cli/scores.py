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
    On,
    Year,
    by_option,
    console,
    err,
    open_session,
    print_json,
    print_report,
)
from zwgk.cli.common import refusals as _refusals
from zwgk.core.dates import day_for
from zwgk.core.permissions import Action, require
from zwgk.intake import score_workbook
from zwgk.results import confirmation, ranking

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
        require(session, by, Action.SCORE)
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


@scores_app.command("confirm")
def scores_confirm(
    year: Year,
    by: Annotated[str, by_option("确认人（考核组成员）姓名")] = "",
    yes: Annotated[bool, typer.Option("--yes", help="不再询问，直接确认（预览仍会打印）")] = False,
    on: On = None,
    as_json: AsJson = False,
    db: Db = None,
) -> Changed | None:
    """考核组确认评分：打印各单位得分、等次、名次和提示，全部单位评分后确认，考核组考核方告结束
    / print the preview of the scores and confirm them."""
    with open_session(db) as session, _refusals():
        require(session, by, Action.SCORE)  # before the question, not after it
        cycle_id = get_cycle(session, year).id
        preview = confirmation.score_preview(session, cycle_id=cycle_id)  # type: ignore[arg-type]
        if as_json:
            print_json({"year": preview.year, "revision": preview.revision, "digest": preview.digest,
                        "unscored": preview.unscored, "units": [asdict(line) for line in preview.lines]})
        else:
            print_preview(preview)
        if preview.unscored:
            err.print(f"还有 {len(preview.unscored)} 个单位尚未评分，不能确认：{'、'.join(preview.unscored)}",
                      markup=False)
            raise typer.Exit(1)
        if not yes and not typer.confirm(f"以 {by} 的名义确认以上 {len(preview.lines)} 个单位的评分？"):
            err.print("未确认。", markup=False)
            raise typer.Exit(1)
        day = day_for(session, on, option="--on", year=year)
        confirmation.confirm_scores(session, cycle_id=cycle_id, by=by, on=day,  # type: ignore[arg-type]
                                    digest=preview.digest)
    console.print(f"{by} 已确认 {year} 年度考核评分（{len(preview.lines)} 个单位）。")
    return Changed(on)


def print_preview(preview: confirmation.Preview) -> None:
    """The preview as the group reads it: per category, unit, self-score, score, grade, rank, flags."""
    table = Table(title=f"{preview.year} 年度考核评分预览" + (f"（第{preview.revision}次修订）" if preview.revision else ""))
    for col in ("类别", "名次", "单位", "自评分", "考核得分", "等次", "提示"):
        table.add_column(col, overflow="fold")
    for line in preview.lines:
        table.add_row(line.category, str(line.rank or "—"), line.unit, str(line.self_score or "—"),
                      "未评分" if line.score is None else str(line.score), line.grade or "—", "；".join(line.flags))
    console.print(table)
