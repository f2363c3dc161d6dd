"""``zwgk documents …``: the register, (re-)issuing documents, PDF copies and the public page."""

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session, col, select

from models.cycle import get_cycle
from models.documents import IssuedDocument
from zwgk.cli.common import (
    AsJson,
    By,
    Changed,
    Db,
    Year,
    console,
    date_option,
    err,
    open_session,
    print_json,
)
from zwgk.core.dates import day_for
from zwgk.core.permissions import Action, require
from zwgk.documents.issue.daily import issue_daily_circular
from zwgk.documents.issue.group import (
    issue_group_notice,
    issue_results_summary,
    issue_score_sheets,
)
from zwgk.documents.issue.publish import issue_results_circular, publish_results_page
from zwgk.documents.issue.rectification import issue_rectification_notices
from zwgk.documents.issue.review import issue_review_request
from zwgk.documents.issue.scheme import issue_scheme_notice
from zwgk.documents.issue.self_check import (
    issue_self_check_forms,
    issue_self_check_notice,
)
from zwgk.documents.pdf import PdfUnavailable, convert_to_pdf
from zwgk.documents.register import document_path

app = typer.Typer(help="公文：登记簿、印发、PDF、结果公示网页 / official documents", no_args_is_help=True)

OutDir = Annotated[Path | None, typer.Option("--out", help="输出目录（默认 ZWGK_OUT_DIR，即 out/）")]
Pdf = Annotated[bool, typer.Option("--pdf", help="同时用 LibreOffice 转换为 PDF")]


class Kind(StrEnum):
    """Documents that can be (re-)issued by hand; issuing again returns the same number."""

    SCHEME_NOTICE = "scheme-notice"
    SELF_CHECK_NOTICE = "self-check-notice"
    SELF_CHECK_FORMS = "self-check-forms"
    GROUP_NOTICE = "group-notice"
    SCORE_SHEETS = "score-sheets"
    RESULTS_SUMMARY = "results-summary"
    REVIEW_REQUEST = "review-request"
    RESULTS_CIRCULAR = "results-circular"
    RECTIFICATION_NOTICES = "rectification-notices"
    DAILY_CIRCULAR = "daily-circular"


def _year_documents(session: Session, year: int) -> list[IssuedDocument]:
    """The register rows of ``year``'s folder, in the order they were issued."""
    return list(session.exec(
        select(IssuedDocument).where(col(IssuedDocument.path).startswith(f"{year}/"))
        .order_by(col(IssuedDocument.id))
    ).all())


def _to_pdf(docs: list[IssuedDocument], out: Path | None) -> None:
    try:
        made = convert_to_pdf([document_path(d, out) for d in docs])
    except PdfUnavailable as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已转换 {len(made)} 份 PDF (converted)")


@app.command("list")
def list_documents(year: Year, db: Db = None, as_json: AsJson = False) -> None:
    """列出该年度已印发的公文（发文字号、标题、日期、主送、文件）/ the year's register."""
    with open_session(db) as session:
        docs = _year_documents(session, year)
    if as_json:
        print_json([
            {"id": d.id, "number": d.number, "title": d.title, "issued_on": d.issued_on.isoformat(),
             "addressees": d.addressees, "path": d.path, "sha256": d.sha256, "doc_type": d.doc_type,
             "withdrawn_on": d.withdrawn_on.isoformat() if d.withdrawn_on else None}
            for d in docs])
        return
    table = Table(title=f"{year} 年度公文登记簿（{len(docs)} 份）")
    for header in ("发文字号", "标题", "成文日期", "主送", "文件"):
        table.add_column(header)
    for d in docs:
        withdrawn = f"（{d.withdrawn_on} 已撤销：{d.withdrawn_reason}）" if d.withdrawn_on else ""
        table.add_row(d.number or "（表格，无文号）", d.title + withdrawn, d.issued_on.isoformat(), d.addressees, d.path)
    console.print(table)


@app.command("issue")
def issue_documents(
    year: Year,
    kind: Annotated[Kind, typer.Argument(help="公文种类")],
    on: Annotated[date | None, date_option("成文日期（默认今天）", "--on")] = None,
    due: Annotated[date | None, date_option("自查截止日期（self-check-notice 必填）", "--due")] = None,
    revision: Annotated[int, typer.Option("--revision", help="修订次数（评分表、汇总表、请示）")] = 0,
    out: OutDir = None,
    pdf: Pdf = False,
    by: By = "",
    db: Db = None,
) -> Changed:
    """印发（或重新取回）一类公文；已印发的返回原文号和文件 / issue documents of one kind."""
    if kind is Kind.SELF_CHECK_NOTICE and due is None:
        err.print("[red]self-check-notice 需要 --due 自查截止日期，如 --due 2025-03-17[/red]")
        raise typer.Exit(2)
    with open_session(db) as session:
        require(session, by, Action.RUN_OFFICE)
        cycle_id = get_cycle(session, year).id
        day = day_for(session, on, option="--on", year=year)
        common = {"session": session, "on": day, "out_dir": out}
        issuers: dict[Kind, Callable[[], IssuedDocument | list[IssuedDocument]]] = {
            Kind.SCHEME_NOTICE: lambda: issue_scheme_notice(cycle_id=cycle_id, **common),
            Kind.SELF_CHECK_NOTICE: lambda: issue_self_check_notice(
                cycle_id=cycle_id, due_on=due, **common),  # type: ignore[union-attr]
            Kind.SELF_CHECK_FORMS: lambda: issue_self_check_forms(cycle_id=cycle_id, **common),
            Kind.GROUP_NOTICE: lambda: issue_group_notice(cycle_id=cycle_id, **common),
            Kind.SCORE_SHEETS: lambda: issue_score_sheets(
                cycle_id=cycle_id, revision=revision, **common),
            Kind.RESULTS_SUMMARY: lambda: issue_results_summary(
                cycle_id=cycle_id, revision=revision, **common),
            Kind.REVIEW_REQUEST: lambda: issue_review_request(
                cycle_id=cycle_id, revision=revision, **common),
            Kind.RESULTS_CIRCULAR: lambda: issue_results_circular(cycle_id=cycle_id, **common),
            Kind.RECTIFICATION_NOTICES: lambda: issue_rectification_notices(
                cycle_id=cycle_id, **common),
            Kind.DAILY_CIRCULAR: lambda: issue_daily_circular(
                year=year, cycle_id=cycle_id, **common),
        }
        result = issuers[kind]()
        docs = result if isinstance(result, list) else [result]
        for d in docs:
            console.print(f"{d.number or '（无文号）'}  {d.title}  →  {document_path(d, out)}")
        if pdf:
            _to_pdf(docs, out)
    return Changed(on)


@app.command("pdf")
def pdf_documents(year: Year, out: OutDir = None, db: Db = None) -> None:
    """用 LibreOffice 把该年度全部公文转换为 PDF（放在 .docx 旁边）/ PDF copies of the year."""
    with open_session(db) as session:
        docs = _year_documents(session, year)
    if not docs:
        err.print(f"[yellow]{year} 年度还没有印发任何公文 (no documents)[/yellow]")
        raise typer.Exit(1)
    _to_pdf(docs, out)


@app.command("portal")
def portal(year: Year, out: OutDir = None, db: Db = None) -> None:
    """生成考核结果公示网页（供区政府门户网站发布）/ write the public results page."""
    with open_session(db) as session:
        cycle = get_cycle(session, year)
        try:
            page = publish_results_page(session=session, cycle_id=cycle.id,  # type: ignore[arg-type]
                                                  out_dir=out)
        except LookupError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
    console.print(f"结果公示网页：{page}")
