"""Commands for what units and the group send in and what the results feed (registered by zwgk.cli).

``self_check_app`` → ``zwgk self-check …``, ``scores_app`` → ``zwgk scores …``,
``daily_app`` → ``zwgk daily …``, ``special_app`` → ``zwgk special …``,
``export_app`` → ``zwgk export …``.
"""

from dataclasses import asdict
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.assessment import SpecialKind
from models.cycle import get_cycle
from models.units import category_labels
from zwgk import daily, exports, results, scoresheets, selfcheck, special
from zwgk.cli_common import AsJson, By, Db, Year, console, date_option, err, open_session, print_json
from zwgk.cli_common import refusals as _refusals
from zwgk.clock import office_today
from zwgk.dates import day_for
from zwgk.documents.paperwork import issue_self_check_forms
from zwgk.inputs import shown_problems
from zwgk.workbooks import ImportReport

self_check_app = typer.Typer(help="自查评分表（第十条第（三）项） / self-check forms", no_args_is_help=True)
scores_app = typer.Typer(help="考核组评分（第十条第（四）项） / the group's scores", no_args_is_help=True)
daily_app = typer.Typer(help="日常考核记录（第十条第（一）项） / daily assessment", no_args_is_help=True)
special_app = typer.Typer(help="特别项与弄虚作假认定（附件特别项、第十四条） / special items", no_args_is_help=True)
export_app = typer.Typer(help="考核结果运用（第十三条） / use of results", no_args_is_help=True)

OFFICE = "区政务公开办"


def parse_points_option(value: str | None) -> Decimal | None:
    """A --points value as a Decimal (None when not given); BadParameter when not a number."""
    if value is None:
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise typer.BadParameter(f"“{value}”不是数字 (not a number)") from None


Points = Annotated[str | None, typer.Option("--points", help="分值，最多一位小数")]


def print_report(report: ImportReport, as_json: bool, what: str) -> None:
    """Print an import's outcome (or its JSON) and exit 1 when the file was refused."""
    if as_json:
        print_json(report.to_dict())
    elif report.problems:
        err.print(f"[red]未导入：发现 {len(report.problems)} 处问题，全部文件均未导入（请改正后重新导入）[/red]")
        for line in shown_problems(report.problems):
            err.print(f"  - {line}", markup=False, highlight=False)
    else:
        console.print(f"已导入{what} {len(report.stored)} 个单位" + (
            "：" + "、".join(report.stored) if report.stored else "") + (
            f"；{len(report.unchanged)} 个单位的文件此前已导入、未变动：" + "、".join(report.unchanged)
            if report.unchanged else "") + "。", markup=False, highlight=False)
        for warning in report.warnings:
            console.print(f"[yellow]注意：{warning}[/yellow]")
        if report.late:
            console.print("逾期报送：" + "、".join(report.late))
    if report.problems:
        raise typer.Exit(1)


@self_check_app.command("forms")
def self_check_forms(
    year: Year,
    out: Annotated[Path, typer.Option("--out", help="输出文件夹")],
    db: Db = None,
) -> None:
    """生成各单位的自查评分表（.xlsx 供填报，另附 Word 版）/ write every unit's self-check form."""
    with open_session(db) as session, _refusals():
        paths = selfcheck.write_self_check_forms(session, year=year, out_dir=out)
        documents = issue_self_check_forms(session=session, cycle_id=get_cycle(session, year).id,  # type: ignore[arg-type]
                                           on=office_today(), out_dir=out)
    console.print(f"已生成 {len(paths)} 份自查评分表（.xlsx）和 {len(documents)} 份 Word 版：{out}")


@self_check_app.command("import")
def self_check_import(
    year: Year,
    files: Annotated[list[Path], typer.Argument(help="填好的自查评分表（.xlsx），可多个")],
    by: By,
    received: Annotated[date | None, date_option("收到日期（默认今天）")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """导入各单位填好的自查评分表（有任何问题则全部不导入）/ import filled self-check forms, all or nothing."""
    with open_session(db) as session, _refusals():
        report = selfcheck.import_self_checks(session, year=year, files=files,
                                              received_on=day_for(session, received, option="--received",
                                                                  year=year), by=by)
    print_report(report, as_json, "自查评分表")


@scores_app.command("sheet")
def scores_sheet(
    year: Year,
    out: Annotated[Path, typer.Option("--out", help="输出的 .xlsx 文件")],
    db: Db = None,
) -> None:
    """生成考核组评分工作簿（每个单位一个工作表，已列入日常考核扣分）/ write the group's score workbook."""
    with open_session(db) as session, _refusals():
        path = scoresheets.write_score_workbook(session, cycle_id=get_cycle(session, year).id,  # type: ignore[arg-type]
                                                path=out)
    console.print(f"已生成考核评分工作簿：{path}")


@scores_app.command("import")
def scores_import(
    year: Year,
    file: Annotated[Path, typer.Argument(help="填好的考核评分工作簿（.xlsx）")],
    by: Annotated[str, typer.Option("--by", help="导入人（考核组成员）姓名")],
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """导入考核组填好的评分工作簿（有任何问题则全部不导入）/ import the group's workbook, all or nothing."""
    with open_session(db) as session, _refusals():
        report = scoresheets.import_score_workbook(session, cycle_id=get_cycle(session, year).id,  # type: ignore[arg-type]
                                                   path=file, by=by)
    print_report(report, as_json, "考核评分")


@scores_app.command("show")
def scores_show(year: Year, as_json: AsJson = False, db: Db = None) -> None:
    """各单位自评分与考核组得分对照（自评分明显偏高的指标提示核查）/ self-score beside the group's score."""
    with open_session(db) as session, _refusals():
        cycle = get_cycle(session, year)
        rows = results.results_table(session, cycle_id=cycle.id)  # type: ignore[arg-type]
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


@daily_app.command("add")
def daily_add(
    year: Year,
    unit: Annotated[str, typer.Argument(help="单位名称")],
    criterion: Annotated[str, typer.Option("--criterion", help="对应的二级指标编号，如 T033")],
    points: Annotated[str, typer.Option("--points", help="拟扣分值")],
    method: Annotated[str, typer.Option("--method", help="随机抽查、专项检查或日常记录")],
    finding: Annotated[str, typer.Option("--finding", help="发现的问题")],
    by: Annotated[str, typer.Option("--by", help="记录人")] = OFFICE,
    on: Annotated[date | None, date_option("发现日期（默认今天）")] = None,
    db: Db = None,
) -> None:
    """记录日常考核发现的问题（年度评分时作为扣分依据）/ record a daily-assessment finding."""
    with open_session(db) as session, _refusals():
        record = daily.add_daily_record(session, year=year, unit_name=unit, criterion_ref=criterion,
                                        points=parse_points_option(points) or Decimal(0), method=method, finding=finding,
                                        by=by, on=day_for(session, on, option="--on", year=year,
                                                          procedure=False))
    console.print(f"已记录日常考核第 {record.id} 号：{unit} {criterion} 扣 {record.points} 分（{record.method.value}）。")


@daily_app.command("list")
def daily_list(
    year: Year,
    unit: Annotated[str | None, typer.Option("--unit", help="只看一个单位")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """列出年度日常考核记录 / list the year's daily-assessment records."""
    with open_session(db) as session, _refusals():
        records = daily.list_daily_records(session, year=year, unit_name=unit)
    if as_json:
        print_json([asdict(r) for r in records])
        return
    table = Table(title=f"{year} 年度日常考核记录（{len(records)} 条）")
    for col in ("编号", "日期", "单位", "指标", "扣分", "方式", "发现的问题", "记录人"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(str(r.id), r.found_on.isoformat(), r.unit, r.criterion_ref or "—", str(r.points),
                      r.method, r.finding, r.recorded_by)
    console.print(table)


@special_app.command("add")
def special_add(
    year: Year,
    unit: Annotated[str, typer.Argument(help="单位名称")],
    kind: Annotated[SpecialKind, typer.Option("--kind", help="special_deduction 特别减分、zero 直接归零、"
                                                             "bonus 特别加分、falsification 弄虚作假")],
    reason: Annotated[str, typer.Option("--reason", help="理由（弄虚作假须写明认定事实）")],
    by: Annotated[str, typer.Option("--by", help="记录人姓名")],
    points: Points = None,
    evidence: Annotated[str, typer.Option("--evidence", help="佐证材料（特别加分须提供典型案例）")] = "",
    criterion: Annotated[str | None, typer.Option("--criterion", help="特别减分项编号，如 T092")] = None,
    on: Annotated[date | None, date_option("通报批评的印发日期（默认今天）")] = None,
    db: Db = None,
) -> None:
    """记录特别减分、直接归零、特别加分或弄虚作假认定（后者印发通报批评）/ record a special item."""
    with open_session(db) as session, _refusals():
        if kind is SpecialKind.FALSIFICATION:
            item, document = special.record_falsification(session, year=year, unit_name=unit, reason=reason,
                                                          by=by, evidence=evidence,
                                                          on=day_for(session, on, option="--on", year=year))
            console.print(f"已认定{unit}弄虚作假（第 {item.id} 号），考核等次为不合格。")
            console.print(f"已印发通报批评：{document.number} {document.title}（{document.path}）")
            return
        item = special.add_special_item(session, year=year, unit_name=unit, kind=kind, points=parse_points_option(points),
                                        reason=reason, evidence=evidence, by=by, criterion_ref=criterion)
    console.print(f"已记录{special.KIND_LABELS[kind]}（第 {item.id} 号）：{unit} {item.points} 分。")


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
