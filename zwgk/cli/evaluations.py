"""``zwgk evaluations …``: third-party evaluations and public-opinion surveys (article 10(4))."""

from pathlib import Path
from typing import Annotated

import typer

from zwgk.assessment import evaluations
from zwgk.cli.common import (
    AsJson,
    Changed,
    Db,
    Year,
    by_option,
    console,
    open_session,
    parse_points_option,
    print_report,
    refusals,
)
from zwgk.core.permissions import Action, require

evaluations_app = typer.Typer(help="外部评价：第三方评估、民意调查（第十条第（四）项） / outside evaluations",
                              no_args_is_help=True)



@evaluations_app.command("import")
def evaluations_import(
    year: Year,
    file: Annotated[Path, typer.Argument(help="CSV 或 .xlsx，表头：单位名称,得分（或满意率）,样本量,评估机构")],
    source: Annotated[str, typer.Option("--source", help="第三方评估 或 民意调查")],
    by: Annotated[str, by_option("导入人姓名")] = "",
    as_json: AsJson = False,
    db: Db = None,
) -> Changed:
    """导入第三方评估或民意调查结果（有任何问题则整份文件不导入）/ import outside results, all or nothing."""
    with open_session(db) as session, refusals():
        require(session, by, Action.RUN_OFFICE)
        report = evaluations.import_evaluations(session, year=year, path=file, source=source, by=by)
    print_report(report, as_json, f"{source}结果")
    return Changed()


@evaluations_app.command("weight")
def evaluations_weight(
    year: Year,
    source: Annotated[str, typer.Option("--source", help="第三方评估 或 民意调查")],
    by: Annotated[str, by_option("办公室工作人员姓名")] = "",
    weight: Annotated[str | None, typer.Option("--weight", help="计入考核得分的权重（%），如 10")] = None,
    reference_only: Annotated[bool, typer.Option("--reference-only", help="仅供参考，不计入考核得分")] = False,
    db: Db = None,
) -> Changed:
    """拟定实施方案时确定外部评价如何计分：权重或仅供参考 / how outside results count in the year's scheme."""
    if (weight is None) == (not reference_only):
        raise typer.BadParameter("须且只能指定 --weight 或 --reference-only 之一")
    with open_session(db) as session, refusals():
        scheme = evaluations.set_weight(session, year=year, source=source, by=by,
                                        weight=None if reference_only else parse_points_option(weight))
    console.print(f"{year} 年度实施方案：{scheme.outside_rule()}。")
    return Changed()
