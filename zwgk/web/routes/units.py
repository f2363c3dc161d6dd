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
from zwgk.setup.units import cycles_asking_unit, unit_cycle
from zwgk.sites.overview import unit_sites
from zwgk.web import read_models
from zwgk.web.auth import (
    Caller,
    Refused,
    db_session,
    ensure,
    form_caller,
    not_found,
    page_caller,
)
from zwgk.web.background import runner
from zwgk.web.limits import upload_slot
from zwgk.web.params import Id, YearField, YearQuery
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
    """The unit's page: every cycle that still asks something of it, newest first."""
    extra["sites"] = unit_sites(session, today=today(request), unit_id=unit.id)
    cycles = [read_models.unit_overview(session, cycle=cycle, unit=unit)
              for cycle in cycles_asking_unit(session, unit.id)]  # type: ignore[arg-type]
    return page(request, "unit.html", caller, status=status, unit=unit, cycles=cycles, **extra)


def _done(sent: submissions.Submitted, what: str) -> str:
    """What the unit's page thanks for: ``repeat`` when the same file had been received before."""
    return "repeat" if sent.repeated else what


def _year(session: Session, unit: Unit, year: int | None) -> int:
    """The year an upload or a form is for: the one the page named, else the newest cycle that
    asks something of the unit; 404 when the unit is not assessed in that year."""
    if year is None:
        asking = cycles_asking_unit(session, unit.id)  # type: ignore[arg-type]
        if not asking:
            raise Refused(404, "该单位尚未参加年度考核 (not assessed yet)")
        return asking[0].year
    if unit_cycle(session, unit.id, year) is None:  # type: ignore[arg-type]
        raise Refused(404, f"该单位没有 {year} 年度考核 (not assessed in {year})")
    return year


@router.get("/units/{unit_id}")
def unit_page(request: Request, unit_id: Id, caller: Caller = Depends(page_caller),
              session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.READ_UNIT)
    return _unit_page(request, caller, session, unit)


@router.get("/units/{unit_id}/self-check-form.xlsx")
def self_check_form(unit_id: Id, year: YearQuery = None, caller: Caller = Depends(page_caller),
                    session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.READ_UNIT)
    for_year = _year(session, unit, year)
    work = tempfile.TemporaryDirectory(prefix="zwgk-form-")
    write_self_check_forms(session, year=for_year, out_dir=Path(work.name), unit_ids=[unit_id])
    path = form_path(Path(work.name), for_year, unit.name)
    return FileResponse(path, filename=path.name, media_type=MEDIA_TYPES["xlsx"],
                        background=BackgroundTask(work.cleanup))


@router.post("/units/{unit_id}/self-check", dependencies=[Depends(upload_slot)])
def self_check_upload(request: Request, unit_id: Id, file: UploadFile = File(...), year: YearField = None,
                      caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    for_year = _year(session, unit, year)
    try:
        sent = submissions.submit_self_check(
            session, year=for_year, unit_id=unit_id, source=file.file,
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
                          problem_year=for_year,
                          error=f"自查评分表未导入：发现 {len(report.problems)} 处问题，请改正后重新上传")
    runner(request).carry_on_ready(session, day=today(request))
    return RedirectResponse(f"/units/{unit_id}?done={_done(sent, 'self-check')}", status_code=303)


@router.post("/units/{unit_id}/evidence", dependencies=[Depends(upload_slot)])
def evidence_upload(request: Request, unit_id: Id, criterion: str = Form(""), file: UploadFile = File(...),
                    year: YearField = None,
                    caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    for_year = _year(session, unit, year)
    try:
        sent = submissions.attach_evidence(session, year=for_year, unit_id=unit_id, criterion_ref=criterion,
                                           source=file.file, original_name=file.filename or "", by=caller.actor.name)
    except (UploadRefused, IntakeError) as exc:
        return _unit_page(request, caller, session, unit, status=422, error=str(exc))
    return RedirectResponse(f"/units/{unit_id}?done={_done(sent, 'evidence')}#c-{for_year}-{criterion.strip().upper()}",
                            status_code=303)


@router.post("/units/{unit_id}/rectification/{what}", dependencies=[Depends(upload_slot)])
def rectification_upload(request: Request, unit_id: Id, what: str, file: UploadFile = File(...),
                         year: YearField = None,
                         caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    if what not in RECTIFICATION_KINDS:
        raise not_found()
    for_year = _year(session, unit, year)
    try:
        sent = submissions.submit_rectification(session, year=for_year, unit_id=unit_id,
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
    if upload.unit_id is None:  # the group's score workbook
        ensure(caller, Action.READ_SELF_CHECKS, hide=True)
    else:
        ensure(caller, Action.READ_UNIT, upload.unit_id, hide=True)
    name = f"{Path(upload.original_name).stem or upload.kind.value}{EXTENSIONS[upload.file_type]}"
    return FileResponse(upload_file(upload), filename=name, media_type=MEDIA_TYPES[upload.file_type])
