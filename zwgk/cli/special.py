"""``zwgk special add``: special items of the annex tables and the falsification finding (article 14)."""

from datetime import date
from typing import Annotated

import typer

from models.assessment import SpecialKind
from zwgk.assessment import special_items
from zwgk.cli.common import (
    Changed,
    Db,
    Points,
    Year,
    by_option,
    console,
    date_option,
    open_session,
    parse_points_option,
)
from zwgk.cli.common import refusals as _refusals
from zwgk.core.dates import day_for
from zwgk.core.permissions import Action, require

special_app = typer.Typer(help="特别项与弄虚作假认定（附件特别项、第十四条） / special items", no_args_is_help=True)



@special_app.command("add")
def special_add(
    year: Year,
    unit: Annotated[str, typer.Argument(help="单位名称")],
    kind: Annotated[SpecialKind, typer.Option("--kind", help="special_deduction 特别减分、zero 直接归零、"
                                                             "bonus 特别加分、falsification 弄虚作假")],
    reason: Annotated[str, typer.Option("--reason", help="理由（弄虚作假须写明认定事实）")],
    by: Annotated[str, by_option("记录人姓名")] = "",
    points: Points = None,
    evidence: Annotated[str, typer.Option("--evidence", help="佐证材料（特别加分须提供典型案例）")] = "",
    criterion: Annotated[str | None, typer.Option("--criterion", help="特别减分项编号，如 T092")] = None,
    on: Annotated[date | None, date_option("通报批评的印发日期（默认今天）")] = None,
    db: Db = None,
) -> Changed:
    """记录特别减分、直接归零、特别加分或弄虚作假认定（后者印发通报批评）/ record a special item."""
    with open_session(db) as session, _refusals():
        require(session, by, Action.RUN_OFFICE)
        if kind is SpecialKind.FALSIFICATION:
            item, document = special_items.record_falsification(session, year=year, unit_name=unit, reason=reason,
                                                          by=by, evidence=evidence,
                                                          on=day_for(session, on, option="--on", year=year))
            console.print(f"已认定{unit}弄虚作假（第 {item.id} 号），考核等次为不合格。")
            console.print(f"已印发通报批评：{document.number} {document.title}（{document.path}）")
            return Changed(on)
        item = special_items.add_special_item(session, year=year, unit_name=unit, kind=kind, points=parse_points_option(points),
                                        reason=reason, evidence=evidence, by=by, criterion_ref=criterion)
    console.print(f"已记录{special_items.KIND_LABELS[kind]}（第 {item.id} 号）：{unit} {item.points} 分。")
    return Changed(on)
