"""Commands for the annual reports on government information disclosure (registered by zwgk.cli
as ``zwgk reports …``): hand one in, list the findings and the district's table, open the
deadlines, confirm findings into daily-assessment records, issue the 年报审查情况通报."""

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.reports import RULE_LABELS, FindingLevel, ReportFinding
from zwgk.cli.common import (
    AsJson,
    By,
    Changed,
    Db,
    On,
    Points,
    Today,
    Year,
    console,
    date_option,
    err,
    open_session,
    parse_points_option,
    print_json,
)
from zwgk.cli.common import refusals as _refusals
from zwgk.core.dates import day_for
from zwgk.core.permissions import Action, require
from zwgk.reports.confirm import confirm_findings
from zwgk.reports.due import open_report_deadlines
from zwgk.reports.findings import (
    district_table,
    figures_of,
    findings_as_of,
    versions_of,
)
from zwgk.reports.handin import ReportRefused, hand_in, unit_named
from zwgk.reports.text import show

reports_app = typer.Typer(help="政府信息公开工作年度报告（条例第四十九条、第五十条）/ annual reports", no_args_is_help=True)

UnitName = Annotated[str, typer.Argument(help="单位名称（与单位名册一致）")]


def _line(finding: ReportFinding) -> str:
    hint = "（提示）" if finding.level is FindingLevel.WARNING else ""
    done = f"（已记入日常考核，记录 {finding.daily_record_id}）" if finding.daily_record_id else ""
    return f"{finding.id}. [{RULE_LABELS[finding.rule]}]{hint} {finding.detail}{done}"


@reports_app.command("import")
def import_report(
    year: Year,
    unit: UnitName,
    file: Annotated[Path, typer.Argument(help="年度报告：Word 文档（.docx）或年报网页另存的 .html")],
    by: By = "",
    received: Annotated[date | None, date_option("收到日期（默认今天，北京时间）", "--received")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> Changed:
    """导入单位的年度报告：不是该单位该年度的报告时拒收；接收时列出发现的问题 / hand in a unit's report."""
    with open_session(db) as session, _refusals():
        require(session, by, Action.RUN_OFFICE)
        target = unit_named(session, unit)
        on = day_for(session, received, option="--received", year=year, procedure=False)
        try:
            result = hand_in(session, year=year, unit=target, path=file, original_name=file.name, by=by, on=on,
                             today=on)
        except ReportRefused as exc:
            err.print(f"未接收：{exc}", style="red", markup=False, highlight=False)
            raise typer.Exit(1) from None
    version = result.version
    if as_json:
        print_json({"unit": target.name, "year": year, "version": version.seq, "sha256": version.sha256,
                    "new": result.new, "findings": [x.as_json(target.name) for x in result.findings],
                    "notes": result.notes})
        return Changed(received)
    said = (f"已接收第 {version.seq} 版" if result.new else f"与已接收的第 {version.seq} 版内容相同，未重复保存")
    console.print(f"{target.name} {year} 年度报告：{said}（SHA-256 {version.sha256[:16]}…，{version.original_name}）。",
                  markup=False, highlight=False)
    for note in result.notes:
        console.print(f"读取说明：{note}", markup=False, highlight=False)
    console.print(f"发现 {len(result.findings)} 个问题" + ("：" if result.findings else "。"), markup=False)
    for finding in result.findings:
        console.print(f"  {_line(finding)}", markup=False, highlight=False)
    return Changed(received)


@reports_app.command("findings")
def findings(
    year: Year,
    unit: Annotated[str | None, typer.Option("--unit", help="只列此单位")] = None,
    today: Today = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """列出本年度各单位年报的问题（含逾期、未报送）/ list the year's findings."""
    with open_session(db) as session, _refusals():
        day = day_for(session, today, option="--today", year=year, procedure=False)
        unit_id = unit_named(session, unit).id if unit else None
        rows = findings_as_of(session, year=year, today=day, unit_id=unit_id)
    if as_json:
        print_json([finding.as_json(u.name) for finding, u in rows])
        return
    if not rows:
        console.print(f"{year} 年度年报没有发现问题。")
        return
    current = None
    for finding, u in rows:
        if u.name != current:
            console.print(f"\n{u.name}", style="bold", markup=False)
            current = u.name
        console.print(f"  {_line(finding)}", markup=False, highlight=False)
    console.print(f"\n共 {len(rows)} 个问题；确认记入日常考核：zwgk reports confirm {year} 编号… --by 姓名")


@reports_app.command("list")
def list_reports(year: Year, today: Today = None, as_json: AsJson = False, db: Db = None) -> None:
    """全区年报报送情况：谁报了、何时报、几版、问题数 / the district's table."""
    with open_session(db) as session, _refusals():
        day = day_for(session, today, option="--today", year=year, procedure=False)
        lines = district_table(session, year=year, today=day)
    rows = [{"unit": x.unit.name, "category": x.category, "expected": x.expected, "versions": x.versions,
             "first_handed_in": x.first_on, "latest_at": x.latest_at, "due_on": x.due_on, "status": x.status,
             "errors": x.errors, "warnings": x.warnings, "confirmed": x.confirmed} for x in lines]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{year} 年度政府信息公开工作年度报告报送情况（{len(rows)} 个单位）")
    for col in ("单位", "类别", "首次报送", "最新一版（北京时间）", "版本", "状态", "问题", "提示", "已确认"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["unit"], r["category"], str(r["first_handed_in"] or "—"), r["latest_at"] or "—",
                      str(r["versions"]), r["status"], str(r["errors"]), str(r["warnings"]), str(r["confirmed"]))
    console.print(table)


@reports_app.command("show")
def show_report(year: Year, unit: UnitName, as_json: AsJson = False, db: Db = None) -> None:
    """一个单位的各版年报和最新一版读出的表格数字 / a unit's versions and the figures read."""
    with open_session(db) as session, _refusals():
        target = unit_named(session, unit)
        versions = versions_of(session, year=year, unit_id=target.id)  # type: ignore[arg-type]
        figures = figures_of(session, [versions[-1].id]) if versions else {}  # type: ignore[list-item]
    latest = figures.get(versions[-1].id, {}) if versions else {}
    data = {"unit": target.name, "year": year,
            "versions": [{"seq": v.seq, "file": v.original_name, "sha256": v.sha256, "type": v.file_type,
                          "handed_in_on": v.handed_in_on, "uploaded_by": v.uploaded_by, "title": v.title,
                          "parts": v.parts, "notes": v.notes} for v in versions],
            "figures": [{"table": t, "row": r, "column": c, "value": show(value)}
                        for (t, r, c), value in latest.items()]}
    if as_json:
        print_json(data)
        return
    if not versions:
        console.print(f"{target.name} 尚未报送 {year} 年度报告。")
        return
    for v in data["versions"]:
        console.print(f"第 {v['seq']} 版：{v['file']}（{v['type']}，{v['handed_in_on']}，{v['uploaded_by']}，"
                      f"SHA-256 {v['sha256'][:16]}…）", markup=False, highlight=False)
    table = Table(title=f"第 {versions[-1].seq} 版读出的表格数字")
    for col in ("表", "行", "列", "数值"):
        table.add_column(col)
    for item in data["figures"]:
        table.add_row(item["table"], item["row"], item["column"], item["value"])
    console.print(table)


@reports_app.command("open")
def open_deadlines(year: Year, by: By = "", db: Db = None) -> Changed:
    """开启本年度年报报送期限（每个应报送单位一项，由每日催办提醒、督办）/ open the deadlines."""
    with open_session(db) as session, _refusals():
        require(session, by, Action.REVIEW_REPORTS)
        opened = open_report_deadlines(session, year=year, by=by)
    console.print(f"{year} 年度年报报送期限：{opened.units} 个单位，截止 {opened.due_on}"
                  f"（本次新开启 {opened.added} 项）。每日催办（zwgk sweep）将提醒、催办、督办。")
    return Changed()


@reports_app.command("confirm")
def confirm(
    year: Year,
    ids: Annotated[list[int], typer.Argument(help="问题编号（zwgk reports findings 列出），可多个")],
    by: By = "",
    points: Points = None,
    criterion: Annotated[str | None, typer.Option("--criterion", help="指标编号（默认本单位类别中关于年报的指标）")] = None,
    on: On = None,
    db: Db = None,
) -> Changed:
    """确认年报问题，记入日常考核记录（专项检查；分值默认 0，由考核组评分时确定）
    / confirm findings into daily-assessment records."""
    value = parse_points_option(points) or Decimal(0)
    with open_session(db) as session, _refusals():
        require(session, by, Action.REVIEW_REPORTS)
        day = day_for(session, on, option="--on", year=year, procedure=False)
        done = confirm_findings(session, year=year, finding_ids=ids, by=by, on=day, points=value,
                                criterion_ref=criterion)
    for item in done:
        how = "此前已确认" if item.already else "已记入日常考核"
        console.print(f"{item.finding.id}. {item.unit}：{how}（日常考核记录 {item.daily_record_id}）",
                      markup=False, highlight=False)
    return Changed(on)


@reports_app.command("circular")
def circular(
    year: Year,
    by: By = "",
    on: On = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出文件夹（默认 ZWGK_OUT_DIR）")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> Changed:
    """印发年报审查情况通报（领导小组办公室名义，编号）/ issue the circular on the review."""
    from zwgk.reports.circular import (
        issue_report_circular,  # loads docxtpl: only when a document is made
    )

    with open_session(db) as session, _refusals():
        require(session, by, Action.REVIEW_REPORTS)
        day = day_for(session, on, option="--on", year=year, procedure=False)
        document = issue_report_circular(session=session, year=year, on=day, out_dir=out)
    if as_json:
        print_json(document.model_dump(include={"number", "title", "issued_on", "path", "sha256"}))
        return Changed(on)
    console.print(f"已印发《{document.title}》（{document.number}），文件：{document.path}", markup=False,
                  highlight=False)
    return Changed(on)

