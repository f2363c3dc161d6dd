"""``zwgk catalog …``: the indicator tables (both annexes, or an imported one) with their points."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.catalog import CriterionKind, catalog_specs, resolve_points
from models.cycle import get_cycle, scheme_points
from models.units import category_labels
from zwgk.cli.common import AsJson, By, Changed, Db, console, open_session, print_json
from zwgk.core.permissions import Action, require
from zwgk.setup.categories import import_catalog

catalog_app = typer.Typer(help="考核内容明细表（指标目录） / indicator catalogs", no_args_is_help=True)



@catalog_app.command("show")
def catalog_show(
    category: Annotated[str, typer.Option(help="township（乡镇、社区）、department（区直部门）或导入的类别键")],
    year: Annotated[int | None, typer.Option(help="显示该年度实施方案中的分值")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """显示考核内容明细表及分值 / show a category's criteria and points."""
    with open_session(db) as session:
        labels = category_labels(session)
        if category not in labels:
            raise typer.BadParameter(f"没有类别“{category}”，可用：{'、'.join(labels)} (unknown category)",
                                     param_hint="--category")
        specs = catalog_specs(session, category)
        if year is None:
            points = resolve_points(specs, {})
        else:
            points = scheme_points(session, get_cycle(session, year).id)  # type: ignore[arg-type]
    items = [{"ref": s.ref, "area": s.area, "level1": s.level1, "text": s.text,
              "kind": s.kind.value, "points": str(points[s.ref])} for s in specs]
    if as_json:
        print_json(items)
        return
    table = Table(title=f"{labels[category]} 考核内容明细表" + (f"（{year} 年度）" if year else ""))
    for col in ("编号", "内容", "一级指标", "二级指标", "类型", "分值"):
        table.add_column(col, overflow="fold")
    for i in items:
        table.add_row(i["ref"], i["area"], i["level1"], i["text"], i["kind"], i["points"])
    console.print(table)
    regular = sum(1 for s in specs if s.kind is CriterionKind.REGULAR)
    console.print(f"共 {len(specs)} 项，其中常规指标 {regular} 项。")


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(help="CSV 或 .xlsx，表头：内容,一级指标,二级指标,分值[,考核方法]")],
    category: Annotated[str, typer.Option(help="类别键（小写字母、数字、下划线），如 enterprise")],
    label: Annotated[str, typer.Option(help="类别名称，如 公共企事业单位")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """导入参照考核办法考核的类别及其考核内容明细表（第十六条；有错误时整份文件不导入）
    / import a category assessed by reference, with its catalog; any problem rejects the file."""
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        imported = import_catalog(session, path=file, key=category, label=label, actor=by)
        count = len(catalog_specs(session, imported.key))
    console.print(f"{file.name}：已导入类别“{imported.label}”（{imported.key}），{count} 项指标。"
                  f"单位名册“类别”列填 {imported.key} 或 {imported.label}。")
    return Changed()
