"""``zwgk self-check …``: every unit's self-check form and importing the filled ones (article 10(3))."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from models.cycle import get_cycle
from zwgk.cli.common import (
    AsJson,
    By,
    Changed,
    Db,
    Year,
    console,
    date_option,
    open_session,
    print_report,
)
from zwgk.cli.common import refusals as _refusals
from zwgk.core.clock import office_today
from zwgk.core.dates import day_for
from zwgk.core.permissions import Action, require
from zwgk.documents.issue.self_check import issue_self_check_forms
from zwgk.intake import self_check

self_check_app = typer.Typer(help="自查评分表（第十条第（三）项） / self-check forms", no_args_is_help=True)



@self_check_app.command("forms")
def self_check_forms(
    year: Year,
    out: Annotated[Path, typer.Option("--out", help="输出文件夹")],
    by: By = "",
    db: Db = None,
) -> Changed:
    """生成各单位的自查评分表（.xlsx 供填报，另附 Word 版）/ write every unit's self-check form."""
    with open_session(db) as session, _refusals():
        require(session, by, Action.RUN_OFFICE)
        paths = self_check.write_self_check_forms(session, year=year, out_dir=out)
        documents = issue_self_check_forms(session=session, cycle_id=get_cycle(session, year).id,  # type: ignore[arg-type]
                                           on=office_today(), out_dir=out)
    console.print(f"已生成 {len(paths)} 份自查评分表（.xlsx）和 {len(documents)} 份 Word 版：{out}")
    return Changed()


@self_check_app.command("import")
def self_check_import(
    year: Year,
    files: Annotated[list[Path], typer.Argument(help="填好的自查评分表（.xlsx），可多个")],
    by: By = "",
    received: Annotated[date | None, date_option("收到日期（默认今天）")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> Changed:
    """导入各单位填好的自查评分表（有任何问题则全部不导入）/ import filled self-check forms, all or nothing."""
    with open_session(db) as session, _refusals():
        require(session, by, Action.RUN_OFFICE)
        report = self_check.import_self_checks(session, year=year, files=files,
                                              received_on=day_for(session, received, option="--received",
                                                                  year=year), by=by)
    print_report(report, as_json, "自查评分表")
    return Changed(received)
