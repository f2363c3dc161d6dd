"""The cycle page, starting a cycle, a sweep preview, the register's files and the gates."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session

from models.cycle import CycleNotFound, Gate, get_cycle
from models.district import district_profile
from models.documents import IssuedDocument
from models.stages import Stage
from models.text import clean_text
from zwgk.core.permissions import Action, may
from zwgk.cycle.gates import RETURN_TO, Decision, add_opinion, return_stage
from zwgk.cycle.preview import start_preview
from zwgk.cycle.steps import CycleRefused
from zwgk.deadlines.sweep import run_sweep
from zwgk.documents.register import document_path
from zwgk.runner import runs
from zwgk.setup.readiness import NotReady
from zwgk.web import read_models
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
from zwgk.web.background import runner
from zwgk.web.headers import policy_for_page
from zwgk.web.params import Id, Year
from zwgk.web.render import page, today

router = APIRouter()


def _cycle_page(request: Request, caller: Caller, session: Session, year: int, *, status: int = 200,
                **extra: object) -> Response:
    try:
        data = read_models.cycle_overview(session, year)
    except CycleNotFound:
        if caller.actor.office:
            return _start_page(request, caller, session, year, template="cycle_new.html", status=status, **extra)
        raise Refused(404, f"{year} 年度考核尚未启动 (no cycle for {year})") from None
    if data["stage"] == Stage.WITHDRAWN.value and caller.actor.office:
        extra["preview"] = start_preview(session, year=year, day=today(request))
    return page(request, "cycle.html", caller, year=year, data=data, status=status,
                running=runner(request).running(year), run_error=runner(request).last_error(year), **extra)


def _start_page(request: Request, caller: Caller, session: Session, year: int, *, template: str,
                status: int = 200, **extra: object) -> Response:
    """A year not started (or withdrawn): what a start would do, or why it cannot be started."""
    return page(request, template, caller, year=year, status=status,
                preview=start_preview(session, year=year, day=today(request)),
                running=runner(request).running(year), run_error=runner(request).last_error(year), **extra)


@router.get("/cycles/{year}")
def cycle_page(request: Request, year: Year, caller: Caller = Depends(page_caller),
               session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.READ_DASHBOARD)
    return _cycle_page(request, caller, session, year)


@router.get("/cycles/{year}/start")
def cycle_start_page(request: Request, year: Year, caller: Caller = Depends(page_caller),
                     session: Session = Depends(db_session)) -> Response:
    """The confirmation page: what starting the year will do, and the button that does it."""
    ensure(caller, Action.RUN_OFFICE)
    return _start_page(request, caller, session, year, template="cycle_start.html")


@router.post("/cycles/{year}/start")
def cycle_start(request: Request, year: Year, confirm: str = Form(""), caller: Caller = Depends(form_caller),
                session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.RUN_OFFICE)
    if confirm != str(year):
        return _start_page(request, caller, session, year, template="cycle_start.html", status=422,
                           error="请勾选确认后再启动 (confirm the start first)")
    try:
        leave_notice(request, session, runner(request).start(year, started_by=caller.actor.name))
    except (NotReady, CycleRefused) as exc:
        return _start_page(request, caller, session, year, template="cycle_start.html", status=422, error=str(exc))
    return RedirectResponse(f"/cycles/{year}", status_code=303)


@router.post("/cycles/{year}/withdraw")
def cycle_withdraw(request: Request, year: Year, reason: str = Form(""), caller: Caller = Depends(form_caller),
                   session: Session = Depends(db_session)) -> Response:
    """Withdraw (撤销) a cycle started by mistake, before its scheme is approved."""
    ensure(caller, Action.RUN_OFFICE)
    if runner(request).running(year):
        return _cycle_page(request, caller, session, year, status=409,
                           error="年度考核正在启动，请稍候再撤销 (the start is still running)")
    try:
        runs.withdraw(session, year, reason=clean_text(reason, where="撤销理由 (reason)"),
                      by=caller.actor.name, on=today(request))
    except (ValueError, CycleNotFound) as exc:  # CycleRefused, TextRefused
        return _cycle_page(request, caller, session, year, status=422, error=str(exc))
    leave_notice(request, session, f"{year} 年度考核已撤销。")
    return RedirectResponse(f"/cycles/{year}", status_code=303)


@router.post("/cycles/{year}/sweep-preview")
def sweep_preview(request: Request, year: Year, caller: Caller = Depends(form_caller),
                  session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.RUN_OFFICE)
    report = run_sweep(session, today=today(request), dry_run=True)
    return page(request, "sweep.html", caller, year=year, report=report)


@router.get("/cycles/{year}/public")
def public_page(year: Year, caller: Caller = Depends(page_caller)) -> Response:
    ensure(caller, Action.READ_DASHBOARD)
    path = read_models.public_page(year)
    if not path.is_file():
        raise Refused(404, f"{year} 年度考核结果尚未公布 (not published yet)")
    html = path.read_bytes()
    # The page is published as one file with its own stylesheet: allow exactly that stylesheet.
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": policy_for_page(html)})


@router.get("/documents/{document_id}.{suffix}")
def document_file(document_id: Id, suffix: str, caller: Caller = Depends(page_caller),
                  session: Session = Depends(db_session)) -> Response:
    document = session.get(IssuedDocument, document_id)
    if document is None or suffix not in ("docx", "pdf"):
        raise not_found()
    ensure(caller, Action.READ_DOCUMENT, document, hide=True)
    path = document_path(document).with_suffix(f".{suffix}")
    if not path.is_file():
        raise Refused(404, "文件尚未生成 (file not made yet)")
    return FileResponse(path, filename=path.name)


def _gate(gate: str) -> Gate:
    try:
        return Gate(gate)
    except ValueError:
        raise not_found() from None


def _gate_page(request: Request, caller: Caller, session: Session, year: int, gate: Gate, *,
               status: int = 200, **extra: object) -> Response:
    try:
        cycle = get_cycle(session, year)
    except CycleNotFound:
        raise Refused(404, f"{year} 年度考核尚未启动 (no cycle for {year})") from None
    data = read_models.cycle_overview(session, year)
    return page(request, "gate.html", caller, status=status, year=year, gate=gate, data=data,
                documents=read_models.gate_documents(session, cycle_id=cycle.id, gate=gate),  # type: ignore[arg-type]
                material=read_models.gate_material(session, cycle_id=cycle.id, gate=gate,  # type: ignore[arg-type]
                                                today=today(request)),
                waiting=data["gate"] is gate, return_choices=len(RETURN_TO[gate]) > 1,
                deciders="、".join(district_profile(session).deciders), **extra)


@router.get("/cycles/{year}/gates/{gate}")
def gate_page(request: Request, year: Year, gate: str, caller: Caller = Depends(page_caller),
              session: Session = Depends(db_session)) -> Response:
    the_gate = _gate(gate)
    if not may(caller.actor, Action.DECIDE, the_gate) and not may(caller.actor, Action.GIVE_OPINION, the_gate):
        ensure(caller, Action.READ_DASHBOARD)
    return _gate_page(request, caller, session, year, the_gate)


@router.post("/cycles/{year}/gates/{gate}")
def gate_decide(request: Request, year: Year, gate: str, decision: str = Form(""), comment: str = Form(""),
                return_to: str = Form(""), caller: Caller = Depends(form_caller),
                session: Session = Depends(db_session)) -> Response:
    the_gate = _gate(gate)
    ensure(caller, Action.DECIDE, the_gate)
    try:  # GateRefused: a bad return target; TextRefused: a comment with an invisible character
        run_input = runs.record_decision(
            session, year, Decision(gate=the_gate, decision=decision, by=caller.actor.name,
                                    comment=clean_text(comment, where="意见 (comment)"),
                                    return_to=return_stage(return_to)), today=request.app.state.today)
    except (ValueError, CycleNotFound) as exc:  # GateRefused, or --today against a deployed run
        return _gate_page(request, caller, session, year, the_gate, status=422, error=str(exc))
    leave_notice(request, session, runner(request).carry_on(year, run_input=run_input))
    return RedirectResponse(f"/cycles/{year}", status_code=303)


@router.post("/cycles/{year}/gates/{gate}/opinion")
def gate_opinion(request: Request, year: Year, gate: str, comment: str = Form(""),
                 caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    """A leading-group member who does not decide records an opinion for those who do."""
    the_gate = _gate(gate)
    ensure(caller, Action.GIVE_OPINION, the_gate)
    try:  # GateRefused: not waiting at the gate, or empty; TextRefused: an invisible character
        cycle = get_cycle(session, year)
        add_opinion(session, cycle_id=cycle.id, gate=the_gate, by=caller.actor.name,  # type: ignore[arg-type]
                    comment=clean_text(comment, where="意见 (comment)"))
    except (ValueError, CycleNotFound) as exc:
        return _gate_page(request, caller, session, year, the_gate, status=422, error=str(exc))
    leave_notice(request, session, "已记录您的意见，供作出决定的人参阅。")
    return RedirectResponse(f"/cycles/{year}/gates/{gate}", status_code=303)
