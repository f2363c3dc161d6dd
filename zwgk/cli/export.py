"""``zwgk export …``: the use of results (article 13)."""

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.units import category_labels
from zwgk.cli.common import (
    AsJson,
    Changed,
    Db,
    On,
    Year,
    by_option,
    console,
    open_session,
    print_json,
    refusals,
)
from zwgk.cli.common import refusals as _refusals
from zwgk.core.dates import day_for
from zwgk.core.permissions import Action, require
from zwgk.results import cadre, exports

export_app = typer.Typer(help="考核结果运用（第十三条） / use of results", no_args_is_help=True)



@export_app.command("target-performance")
def export_target_performance(
    year: Year,
    out: Annotated[Path, typer.Option("--out", help="输出的 .xlsx 文件")],
    db: Db = None,
) -> None:
    """导出纳入年度目标绩效考核的得分（按方案权重折算）/ export scores for the target-performance assessment."""
    with open_session(db) as session, _refusals():
        path = exports.export_target_performance(session, year=year, path=out)
    console.print(f"已导出：{path}")


@export_app.command("commendation")
def export_commendation(year: Year, as_json: AsJson = False, db: Db = None) -> None:
    """先进单位建议名单（优秀等次、无弄虚作假、无逾期未整改），供办公室确认 / propose advanced units."""
    with open_session(db) as session, _refusals():
        candidates = exports.propose_commendation(session, year=year)
        labels = category_labels(session)
    if as_json:
        print_json([asdict(c) for c in candidates])
        return
    table = Table(title=f"{year} 年度先进单位建议名单（供办公室确认）")
    for col in ("类别", "名次", "单位", "得分", "建议", "说明"):
        table.add_column(col, overflow="fold")
    for c in candidates:
        table.add_row(labels[c.category], str(c.rank), c.unit, str(c.score),
                      "建议" if c.proposed else "暂不建议", c.held_back_because)
    console.print(table)



@export_app.command("cadre")
def export_cadre(
    year: Year,
    out: Annotated[Path, typer.Option("--out", help="输出的 .xlsx 文件")],
    by: Annotated[str, by_option("经办人")] = "",
    on: On = None,
    db: Db = None,
) -> Changed:
    """函送干部主管部门和纪检监察机关的考核结果（第十三条第（三）项）及函 / results for the cadre and discipline organs."""
    with open_session(db) as session, refusals():
        require(session, by, Action.RUN_OFFICE)
        result = cadre.export_cadre(session, year=year, path=out, on=day_for(session, on, option="--on", year=year), by=by)
    marked = [line.unit for line in result.lines if line.falsification]
    console.print(f"已导出 {len(result.lines)} 个单位的考核结果：{result.path}")
    if marked:
        console.print("弄虚作假（第十四条）：" + "、".join(marked))
    console.print(f"已印发函：{result.letter.number} {result.letter.title}（{result.letter.path}）")
    return Changed(on)
