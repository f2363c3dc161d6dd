"""Annual reports on the workbench: a unit hands in its report on its own report page and sees the
findings at once; the office sees the district's table (who handed in, when, findings), opens
the deadlines, confirms findings into daily-assessment records and issues the circular."""

import shutil
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session

from models.cycle import CycleNotFound
from models.reports import RULE_LABELS, ReportVersion
from models.units import Unit
from zwgk.core.clock import office_time
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Action
from zwgk.intake.uploads import UploadRefused
from zwgk.reports.circular import issue_report_circular, issued_circular
from zwgk.reports.confirm import confirm_findings
from zwgk.reports.due import due_dates, open_report_deadlines, report_due_on
from zwgk.reports.findings import (
    district_table,
    findings_as_of,
    refresh_findings,
    versions_of,
)
from zwgk.reports.handin import ReportRefused, hand_in, version_file
from zwgk.setup.units import latest_cycle_of_unit
from zwgk.web.auth import (
    Caller,
    Refused,
    db_session,
    ensure,
    form_caller,
    leave_notice,
    not_found,
    page_caller,
)
from zwgk.web.limits import upload_slot
from zwgk.web.params import Id, Year, YearQuery
from zwgk.web.render import page, today
from zwgk.web.routes.units import _unit

router = APIRouter()
EARLIEST_YEAR = 2008  # the first year of reports under the 条例


def _report_year(request: Request, session: Session, unit: Unit, year: int | None) -> int:
    """The year asked for, else the unit's latest assessment year, else last year."""
    if year is None:
        cycle = latest_cycle_of_unit(session, unit.id)  # type: ignore[arg-type]
        year = cycle.year if cycle is not None else today(request).year - 1
    if not EARLIEST_YEAR <= year <= today(request).year:
        raise Refused(404, "没有这一年度的年报 (no such year)")
    return year


def _unit_page(request: Request, caller: Caller, session: Session, unit: Unit, year: int, *, status: int = 200,
               **extra: object) -> Response:
    versions = versions_of(session, year=year, unit_id=unit.id)  # type: ignore[arg-type]
    findings = [f for f, _unit in findings_as_of(session, year=year, today=today(request), unit_id=unit.id)]
    due = due_dates(session, year).get(unit.id, report_due_on(year))  # type: ignore[arg-type]
    return page(request, "reports_unit.html", caller, status=status, unit=unit, year=year, due=due,
                versions=[(v, office_time(v.uploaded_at)) for v in versions], findings=findings,
                RULE_LABELS=RULE_LABELS, **extra)


@router.get("/units/{unit_id}/reports")
def unit_reports(request: Request, unit_id: Id, year: YearQuery = None, caller: Caller = Depends(page_caller),
                 session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.READ_UNIT)
    return _unit_page(request, caller, session, unit, _report_year(request, session, unit, year))


@router.post("/units/{unit_id}/reports", dependencies=[Depends(upload_slot)])
def unit_report_upload(request: Request, unit_id: Id, year: int = Form(...), file: UploadFile = File(...),
                       caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    year = _report_year(request, session, unit, year)
    with tempfile.TemporaryDirectory(prefix="zwgk-report-") as work:
        path = Path(work) / "report"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        try:
            result = hand_in(session, year=year, unit=unit, path=path, original_name=file.filename or "",
                             by=caller.actor.name, on=today(request), today=today(request))
        except (ReportRefused, UploadRefused) as exc:
            return _unit_page(request, caller, session, unit, year, status=422, error=f"未接收：{exc}")
    said = f"已收到第 {result.version.seq} 版" if result.new else f"与第 {result.version.seq} 版相同，未重复保存"
    leave_notice(request, session, f"{said}，发现 {len(result.findings)} 个问题（见下表）。")
    return RedirectResponse(f"/units/{unit_id}/reports?year={year}", status_code=303)


@router.get("/reports/versions/{version_id}/file")
def version_download(version_id: Id, caller: Caller = Depends(page_caller),
                     session: Session = Depends(db_session)) -> Response:
    version = session.get(ReportVersion, version_id)
    if version is None:
        raise not_found()
    ensure(caller, Action.READ_UNIT, version.unit_id, hide=True)
    # Always a download, never shown: a web page handed in may hold scripts.
    return FileResponse(version_file(version), filename=f"{version.year}年度报告第{version.seq}版.{version.file_type}",
                        media_type="application/octet-stream", headers={"X-Content-Type-Options": "nosniff"})


def _district_page(request: Request, caller: Caller, session: Session, year: int, *, status: int = 200,
                   **extra: object) -> Response:
    lines = district_table(session, year=year, today=today(request))
    findings = findings_as_of(session, year=year, today=today(request))
    return page(request, "reports_year.html", caller, status=status, year=year, lines=lines, findings=findings,
                circular=issued_circular(session, year), RULE_LABELS=RULE_LABELS,
                handed=sum(1 for x in lines if x.first_on), expected=sum(1 for x in lines if x.expected), **extra)


@router.get("/reports/{year}")
def district_reports(request: Request, year: Year, caller: Caller = Depends(page_caller),
                     session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.READ_DASHBOARD)
    if not EARLIEST_YEAR <= year <= today(request).year:
        raise Refused(404, "没有这一年度的年报 (no such year)")
    return _district_page(request, caller, session, year)


@router.post("/reports/{year}/refresh")
def refresh(request: Request, year: Year, caller: Caller = Depends(form_caller),
            session: Session = Depends(db_session)) -> Response:
    """Record the findings as of today (a report that became missing gets a number to confirm);
    the daily sweep does the same every morning."""
    ensure(caller, Action.REVIEW_REPORTS)
    refresh_findings(session, year=year, today=today(request))
    leave_notice(request, session, "已按今天重新审查并登记问题。")
    return RedirectResponse(f"/reports/{year}", status_code=303)


@router.post("/reports/{year}/confirm")
def confirm(request: Request, year: Year, finding: list[int] = Form([]), points: str = Form("0"),
            caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.REVIEW_REPORTS)
    if not finding:
        return _district_page(request, caller, session, year, status=422, error="请先勾选要确认的问题")
    try:
        done = confirm_findings(session, year=year, finding_ids=finding, by=caller.actor.name, on=today(request),
                                points=_points(points))
    except (IntakeError, CycleNotFound) as exc:
        return _district_page(request, caller, session, year, status=422, error=str(exc))
    leave_notice(request, session, f"已将 {len(done)} 个问题记入日常考核记录（专项检查）。")
    return RedirectResponse(f"/reports/{year}", status_code=303)


def _points(text: str) -> Decimal:
    """The points typed on the form (blank: 0)."""
    try:
        return Decimal(text.strip() or "0")
    except InvalidOperation:
        raise IntakeError(f"分值“{text}”不是数字 (not a number)") from None


@router.post("/reports/{year}/deadlines")
def open_deadlines(request: Request, year: Year, caller: Caller = Depends(form_caller),
                   session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.REVIEW_REPORTS)
    try:
        opened = open_report_deadlines(session, year=year, by=caller.actor.name)
    except CycleNotFound as exc:
        return _district_page(request, caller, session, year, status=422, error=str(exc))
    leave_notice(request, session, f"已开启年报报送期限：{opened.units} 个单位，截止 {opened.due_on}"
                                   f"（新开启 {opened.added} 项），每日催办将提醒、督办。")
    return RedirectResponse(f"/reports/{year}", status_code=303)


@router.post("/reports/{year}/circular")
def circular(request: Request, year: Year, caller: Caller = Depends(form_caller),
             session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.REVIEW_REPORTS)
    document = issue_report_circular(session=session, year=year, on=today(request))
    leave_notice(request, session, f"已印发《{document.title}》（{document.number}）。")
    return RedirectResponse(f"/reports/{year}", status_code=303)
