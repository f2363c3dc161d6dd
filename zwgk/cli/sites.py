"""``zwgk sites …``: website monitoring (日常监测) — the register of monitored pages, probe and
check rounds, the findings, their confirmation into daily records, the monthly circular.
Registered by zwgk.cli."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from models.sites import SEVERITY_LABELS, Severity
from zwgk.cli.common import (
    AsJson,
    By,
    Changed,
    Db,
    On,
    Today,
    console,
    err,
    open_session,
    parse_points_option,
    print_json,
    refusals,
)
from zwgk.core.dates import day_for
from zwgk.core.errors import shown_problems
from zwgk.sites import findings, registry
from zwgk.sites.staff import office_actor

sites_app = typer.Typer(help="网站日常监测：栏目登记、可访问性监测、内容检查、问题确认、月度通报 / website monitoring",
                        no_args_is_help=True)


@sites_app.command("import")
def sites_import(
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8 或 GBK）或 .xlsx，表头：单位名称,栏目名称,栏目类型,地址")],
    by: By = "",
    today: Today = None,
    db: Db = None,
) -> Changed:
    """登记监测的网站栏目（有错误时整份文件不导入；文件中每个单位的行即其全部栏目）/ register monitored pages."""
    with open_session(db) as session, refusals():
        done = registry.import_pages(session, file, actor=office_actor(session, by),
                                     day=day_for(session, today, option="--today", year=None, procedure=False))
    encoding = f"（按 {done.encoding} 编码读取）" if done.encoding else ""
    console.print(f"{file.name}{encoding}：共 {done.rows} 行；新增 {len(done.added)} 个栏目，更新 {len(done.updated)} 个，"
                  f"停止监测 {len(done.stopped)} 个。", markup=False)
    for label, lines in (("新增", done.added), ("更新", done.updated), ("停止监测", done.stopped)):
        for line in shown_problems(lines):
            console.print(f"  {label}：{line}", markup=False, highlight=False)
    return Changed()


@sites_app.command("list")
def sites_list(
    everything: Annotated[bool, typer.Option("--all", help="也列出已停止监测的栏目")] = False,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """列出监测的网站栏目 / list monitored pages."""
    with open_session(db) as session:
        pages = registry.list_pages(session, include_stopped=everything)
    if as_json:
        print_json([{"unit": p.unit, "column": p.column, "kind": p.kind.value, "url": p.url, "active": p.active}
                    for p in pages])
        return
    table = Table(title=f"监测的网站栏目（{len(pages)} 个）")
    for name in ("单位", "栏目名称", "栏目类型", "地址"):
        table.add_column(name, overflow="fold")
    for p in pages:
        table.add_row(p.unit, p.column + ("" if p.active else "（已停止监测）"), p.kind.value, p.url)
    console.print(table)


def _print_round(report: dict[str, object], what: str) -> None:
    console.print(f"{report['day']} {what}：{report['units']} 个单位，{report['pages']} 个页面，用时 {report['seconds']} 秒；"
                  f"新发现问题 {report['opened']} 个，已整改（关闭） {report['closed']} 个，升级 {report['graver']} 个。",
                  markup=False)
    failed = report["failed"]
    assert isinstance(failed, list)
    for line in shown_problems(failed):
        console.print(f"  未能打开：{line}", markup=False, highlight=False)
    if report["told"]:
        console.print("已通知（邮件、工作群）：" + "、".join(report["told"]), markup=False)  # type: ignore[arg-type]
    if report["untold"]:
        err.print("通知未能送达，下一轮重试：" + "、".join(report["untold"]), markup=False)  # type: ignore[arg-type]


@sites_app.command("probe")
def sites_probe(today: Today = None, as_json: AsJson = False, db: Db = None) -> Changed:
    """访问一轮各单位网站首页，记录能否在时限内打开（每天不少于 20 次）/ one round of homepage probes."""
    from zwgk.sites.rounds import run_probe  # loads the HTTP client only for the rounds

    with open_session(db) as session, refusals():
        report = run_probe(session, day=day_for(session, today, option="--today", year=None, procedure=False)).to_dict()
    if as_json:
        print_json(report)
        return Changed(today)
    _print_round(report, "首页可访问性监测")
    return Changed(today)


@sites_app.command("check")
def sites_check(today: Today = None, as_json: AsJson = False, db: Db = None) -> Changed:
    """检查各单位登记的全部网站栏目：更新、空白栏目、错链、政策解读关联、留言回复（每天一次）/ check every page."""
    from zwgk.sites.rounds import run_check

    with open_session(db) as session, refusals():
        report = run_check(session, day=day_for(session, today, option="--today", year=None, procedure=False)).to_dict()
    if as_json:
        print_json(report)
        return Changed(today)
    _print_round(report, "网站内容检查")
    return Changed(today)


@sites_app.command("findings")
def sites_findings(
    today: Today = None,
    unit: Annotated[str | None, typer.Option("--unit", help="只看一个单位")] = None,
    as_json: AsJson = False,
    db: Db = None,
) -> None:
    """列出尚未整改的监测问题（按单位；--today 看某日的情况）/ open findings per unit."""
    with open_session(db) as session, refusals():
        day = None if today is None else day_for(session, today, option="--today", year=None, procedure=False)
        views = findings.list_findings(session, on=day)
    if unit is not None:
        views = [v for v in views if v.unit == unit.strip()]
    if as_json:
        print_json([v.as_json() for v in views])
        return
    table = Table(title=f"尚未整改的网站监测问题（{len(views)} 个）")
    for name in ("编号", "单位", "程度", "问题", "栏目", "说明", "首次发现", "日常考核"):
        table.add_column(name, overflow="fold")
    for v in views:
        table.add_row(str(v.id), v.unit, v.severity_label, v.rule_label, v.column, f"{v.detail}\n{v.url}",
                      v.first_seen.isoformat(), f"第 {v.daily_record_id} 号" if v.daily_record_id else "未确认")
    console.print(table)
    counts = findings.counts_by_severity(views)
    console.print("，".join(f"{SEVERITY_LABELS[Severity(k)]} {n} 个" for k, n in counts.items()), markup=False)


@sites_app.command("confirm")
def sites_confirm(
    ids: Annotated[list[int], typer.Argument(help="监测问题编号（zwgk sites findings 所列），可多个")],
    points: Annotated[str, typer.Option("--points", help="每个问题的拟扣分值，最多一位小数")],
    by: By = "",
    criterion: Annotated[str | None, typer.Option("--criterion", help="指标编号（默认按问题类型在单位类别的指标中查找）")] = None,
    db: Db = None,
) -> Changed:
    """把监测问题确认为日常考核记录（第十条第（一）项，方式“日常监测”，附证据）/ confirm findings into daily records."""
    from zwgk.sites.confirm import confirm_findings

    value = parse_points_option(points)
    assert value is not None
    with open_session(db) as session, refusals():
        done = confirm_findings(session, ids=ids, points=value, actor=office_actor(session, by), criterion_ref=criterion)
    for c in done:
        console.print(f"问题 {c.finding_id} → {c.year} 年度日常考核记录第 {c.record_id} 号：{c.unit} {c.criterion} "
                      f"扣 {c.points} 分（日常监测）", markup=False)
    return Changed()


@sites_app.command("report")
def sites_report(
    by: By = "",
    month: Annotated[str | None, typer.Option("--month", help="通报的月份 YYYY-MM（默认上个月）")] = None,
    on: On = None,
    as_json: AsJson = False,
    db: Db = None,
) -> Changed:
    """印发月度网站监测情况通报（办公室文号，成文日期 --on）/ issue the monthly monitoring circular."""
    from zwgk.sites.report import issue_site_report, month_of, previous_month

    try:
        first = None if month is None else month_of(month)
    except ValueError:
        raise typer.BadParameter(f"“{month}”不是 YYYY-MM 格式的月份", param_hint="--month") from None
    with open_session(db) as session, refusals():
        day = day_for(session, on, option="--on", year=None, procedure=False)
        document = issue_site_report(session, month=first or previous_month(day), on=day,
                                     actor=office_actor(session, by))
    if as_json:
        print_json(document.model_dump(include={"number", "title", "path", "sha256", "issued_on"}, mode="json"))
        return Changed(on)
    console.print(f"已印发：{document.number} {document.title}（{document.path}）", markup=False)
    return Changed(on)
