"""Website monitoring in the workbench: the office's page (each unit's availability and freshness
charts, the open findings, confirming them into daily records, the monthly circular) and the
evidence pages behind a finding (for the office, and for the unit the finding concerns)."""

import re
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session

from models.cycle import CycleNotFound
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Action, may
from zwgk.core.settings import get_settings
from zwgk.sites.confirm import confirm_findings
from zwgk.sites.findings import list_findings, readable_evidence
from zwgk.sites.overview import unit_sites
from zwgk.sites.report import issue_site_report, month_of, previous_month, site_reports
from zwgk.web.auth import (
    Caller,
    db_session,
    ensure,
    form_caller,
    leave_notice,
    not_found,
    page_caller,
)
from zwgk.web.render import page, today

router = APIRouter()
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _sites_page(request: Request, caller: Caller, session: Session, *, status: int = 200, **extra: object) -> Response:
    return page(request, "sites.html", caller, status=status, units=unit_sites(session, today=today(request)),
                findings=list_findings(session), reports=site_reports(session),
                report_month=f"{previous_month(today(request)):%Y-%m}", **extra)


@router.get("/sites")
def sites_page(request: Request, caller: Caller = Depends(page_caller),
               session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.READ_DASHBOARD)
    return _sites_page(request, caller, session)


@router.post("/sites/confirm")
def sites_confirm(request: Request, finding: list[int] = Form(default=[]), points: str = Form(""),
                  criterion: str = Form(""), caller: Caller = Depends(form_caller),
                  session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.MONITOR_SITES)
    try:
        value = Decimal(points.strip())
    except InvalidOperation:
        return _sites_page(request, caller, session, status=422, error=f"扣分“{points}”不是数字 (not a number)")
    if not finding:
        return _sites_page(request, caller, session, status=422, error="请先勾选要确认的问题 (no finding chosen)")
    try:
        done = confirm_findings(session, ids=finding, points=value, actor=caller.actor,
                                criterion_ref=criterion.strip() or None)
    except (IntakeError, CycleNotFound) as exc:
        return _sites_page(request, caller, session, status=422, error=str(exc))
    leave_notice(request, session, "已确认为日常考核记录：" + "；".join(
        f"问题 {c.finding_id} → {c.unit} {c.criterion} 扣 {c.points} 分" for c in done))
    return RedirectResponse("/sites", status_code=303)


@router.post("/sites/report")
def sites_report(request: Request, month: str = Form(""), caller: Caller = Depends(form_caller),
                 session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.MONITOR_SITES)
    day = today(request)
    try:
        first = month_of(month) if month.strip() else previous_month(day)
        document = issue_site_report(session, month=first, on=day, actor=caller.actor)
    except ValueError as exc:
        return _sites_page(request, caller, session, status=422, error=f"月份“{month}”不能通报：{exc}")
    leave_notice(request, session, f"已印发：{document.number} {document.title}")
    return RedirectResponse("/sites", status_code=303)


@router.get("/sites/evidence/{sha256}.html")
def evidence(sha256: str, caller: Caller = Depends(page_caller), session: Session = Depends(db_session)) -> Response:
    """A kept page, as a download (never shown as a page of the workbench: it holds another
    site's scripts). A unit's contact gets only the evidence of its own findings."""
    office = may(caller.actor, Action.READ_DASHBOARD)
    if not SHA256.match(sha256) or not (office or caller.actor.unit_id is not None):
        raise not_found()
    kept = readable_evidence(session, sha256, unit_id=None if office else caller.actor.unit_id)
    if kept is None:
        raise not_found()
    return FileResponse(get_settings().out_dir / kept.path, filename=f"网页快照-{sha256[:12]}.html",
                        media_type="application/octet-stream", headers={"X-Content-Type-Options": "nosniff"})
