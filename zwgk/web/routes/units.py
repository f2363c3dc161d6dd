"""A unit's page: deadlines, notices, its self-check form, evidence and rectification uploads;
and downloading an uploaded file."""

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.background import BackgroundTask

from models.units import Unit
from models.uploads import Upload, UploadKind
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Action
from zwgk.intake import submissions
from zwgk.intake.self_check import form_path, write_self_check_forms
from zwgk.intake.uploads import EXTENSIONS, MEDIA_TYPES, UploadRefused, upload_file
from zwgk.rectification.lifecycle import RectificationRefused
from zwgk.web import read_models
from zwgk.web.auth import Caller, Refused, db_session, ensure, form_caller, not_found, page_caller
from zwgk.web.background import runner
from zwgk.web.limits import upload_slot
from zwgk.web.params import Id
from zwgk.web.render import page, today

router = APIRouter()
RECTIFICATION_KINDS = {"plan": UploadKind.RECTIFICATION_PLAN, "report": UploadKind.RECTIFICATION_REPORT}


def _unit(session: Session, caller: Caller, unit_id: int, action: Action) -> Unit:
    """The unit, if the caller may do ``action`` for it; 404 otherwise (another unit's contact
    learns nothing, not even whether the unit exists)."""
    ensure(caller, action, unit_id, hide=True)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise not_found()
    return unit


def _unit_page(request: Request, caller: Caller, session: Session, unit: Unit, *, status: int = 200,
               **extra: object) -> Response:
    cycle = read_models.latest_cycle_of_unit(session, unit.id)  # type: ignore[arg-type]
    if cycle is None:
        return page(request, "unit.html", caller, status=status, unit=unit, data=None, **extra)
    return page(request, "unit.html", caller, status=status, unit=unit,
                data=read_models.unit_overview(session, cycle=cycle, unit=unit), **extra)


def _done(sent: submissions.Submitted, what: str) -> str:
    """What the unit's page thanks for: ``repeat`` when the same file had been received before."""
    return "repeat" if sent.repeated else what


def _year(session: Session, unit: Unit) -> int:
    cycle = read_models.latest_cycle_of_unit(session, unit.id)  # type: ignore[arg-type]
    if cycle is None:
        raise Refused(404, "该单位尚未参加年度考核 (not assessed yet)")
    return cycle.year


@router.get("/units/{unit_id}")
def unit_page(request: Request, unit_id: Id, caller: Caller = Depends(page_caller),
              session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.READ_UNIT)
    return _unit_page(request, caller, session, unit)


@router.get("/units/{unit_id}/self-check-form.xlsx")
def self_check_form(unit_id: Id, caller: Caller = Depends(page_caller),
                    session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.READ_UNIT)
    year = _year(session, unit)
    work = tempfile.TemporaryDirectory(prefix="zwgk-form-")
    write_self_check_forms(session, year=year, out_dir=Path(work.name), unit_ids=[unit_id])
    path = form_path(Path(work.name), year, unit.name)
    return FileResponse(path, filename=path.name, media_type=MEDIA_TYPES["xlsx"],
                        background=BackgroundTask(work.cleanup))


@router.post("/units/{unit_id}/self-check", dependencies=[Depends(upload_slot)])
def self_check_upload(request: Request, unit_id: Id, file: UploadFile = File(...),
                      caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    try:
        sent = submissions.submit_self_check(
            session, year=_year(session, unit), unit_id=unit_id, source=file.file,
            original_name=file.filename or "", by=caller.actor.name, received_on=today(request))
    except (UploadRefused, IntakeError) as exc:
        return _unit_page(request, caller, session, unit, status=422, error=str(exc))
    report = sent.report
    if not report.ok:
        by_row: dict[int, list[str]] = {}
        general = []
        for problem in report.problems:
            if problem.row is None:
                general.append(problem.message)
            else:
                by_row.setdefault(problem.row, []).append(
                    (f"{problem.column} 列：" if problem.column else "") + problem.message)
        return _unit_page(request, caller, session, unit, status=422, problems=by_row, general_problems=general,
                          error=f"自查评分表未导入：发现 {len(report.problems)} 处问题，请改正后重新上传")
    runner(request).carry_on_ready(session, day=today(request))
    return RedirectResponse(f"/units/{unit_id}?done={_done(sent, 'self-check')}", status_code=303)


@router.post("/units/{unit_id}/evidence", dependencies=[Depends(upload_slot)])
def evidence_upload(request: Request, unit_id: Id, criterion: str = Form(""), file: UploadFile = File(...),
                    caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    try:
        sent = submissions.attach_evidence(session, year=_year(session, unit), unit_id=unit_id,
                                           criterion_ref=criterion, source=file.file,
                                           original_name=file.filename or "", by=caller.actor.name)
    except (UploadRefused, IntakeError) as exc:
        return _unit_page(request, caller, session, unit, status=422, error=str(exc))
    return RedirectResponse(f"/units/{unit_id}?done={_done(sent, 'evidence')}#c-{criterion.strip().upper()}",
                            status_code=303)


@router.post("/units/{unit_id}/rectification/{what}", dependencies=[Depends(upload_slot)])
def rectification_upload(request: Request, unit_id: Id, what: str, file: UploadFile = File(...),
                         caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    if what not in RECTIFICATION_KINDS:
        raise not_found()
    try:
        sent = submissions.submit_rectification(session, year=_year(session, unit), unit_id=unit_id,
                                                kind=RECTIFICATION_KINDS[what], source=file.file,
                                                original_name=file.filename or "", by=caller.actor.name,
                                                on=today(request))
    except (UploadRefused, IntakeError, RectificationRefused) as exc:
        return _unit_page(request, caller, session, unit, status=422, error=str(exc))
    runner(request).carry_on_ready(session, day=today(request))
    return RedirectResponse(f"/units/{unit_id}?done={_done(sent, 'rectification')}", status_code=303)


@router.get("/uploads/{upload_id}")
def upload_download(upload_id: Id, caller: Caller = Depends(page_caller),
                    session: Session = Depends(db_session)) -> Response:
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise not_found()
    if upload.unit_id is None:
        ensure(caller, Action.SCORE, hide=True)
    else:
        ensure(caller, Action.READ_UNIT, upload.unit_id, hide=True)
    name = f"{Path(upload.original_name).stem or upload.kind.value}{EXTENSIONS[upload.file_type]}"
    return FileResponse(upload_file(upload), filename=name, media_type=MEDIA_TYPES[upload.file_type])
