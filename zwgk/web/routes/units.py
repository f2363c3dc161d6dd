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
from zwgk.sites.overview import unit_sites
from zwgk.web import read_models
from zwgk.web.auth import Caller, Refused, db_session, ensure, form_caller, page_caller
from zwgk.web.background import runner
from zwgk.web.render import page, today

router = APIRouter()
RECTIFICATION_KINDS = {"plan": UploadKind.RECTIFICATION_PLAN, "report": UploadKind.RECTIFICATION_REPORT}


def _unit(session: Session, caller: Caller, unit_id: int, action: Action) -> Unit:
    """The unit, if the caller may do ``action`` for it; 404 otherwise (another unit's contact
    learns nothing, not even whether the unit exists)."""
    ensure(caller, action, unit_id, hide=True)
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise Refused(404, "页面不存在 (not found)")
    return unit


def _unit_page(request: Request, caller: Caller, session: Session, unit: Unit, *, status: int = 200,
               **extra: object) -> Response:
    """The unit's page: every cycle that still asks something of it, newest first."""
    extra["sites"] = unit_sites(session, today=today(request), unit_id=unit.id)
    cycles = [read_models.unit_overview(session, cycle=cycle, unit=unit)
              for cycle in read_models.cycles_asking_unit(session, unit.id)]  # type: ignore[arg-type]
    return page(request, "unit.html", caller, status=status, unit=unit, cycles=cycles, **extra)


def _year(session: Session, unit: Unit, year: int | None) -> int:
    """The year an upload or a form is for: the one the page named, else the newest cycle that
    asks something of the unit; 404 when the unit is not assessed in that year."""
    if year is None:
        asking = read_models.cycles_asking_unit(session, unit.id)  # type: ignore[arg-type]
        if not asking:
            raise Refused(404, "该单位尚未参加年度考核 (not assessed yet)")
        return asking[0].year
    if read_models.unit_cycle(session, unit.id, year) is None:  # type: ignore[arg-type]
        raise Refused(404, f"该单位没有 {year} 年度考核 (not assessed in {year})")
    return year


@router.get("/units/{unit_id}")
def unit_page(request: Request, unit_id: int, caller: Caller = Depends(page_caller),
              session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.READ_UNIT)
    return _unit_page(request, caller, session, unit)


@router.get("/units/{unit_id}/self-check-form.xlsx")
def self_check_form(unit_id: int, year: int | None = None, caller: Caller = Depends(page_caller),
                    session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.READ_UNIT)
    for_year = _year(session, unit, year)
    work = tempfile.TemporaryDirectory(prefix="zwgk-form-")
    write_self_check_forms(session, year=for_year, out_dir=Path(work.name), unit_ids=[unit_id])
    path = form_path(Path(work.name), for_year, unit.name)
    return FileResponse(path, filename=path.name, media_type=MEDIA_TYPES["xlsx"],
                        background=BackgroundTask(work.cleanup))


@router.post("/units/{unit_id}/self-check")
def self_check_upload(request: Request, unit_id: int, file: UploadFile = File(...), year: int | None = Form(None),
                      caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    for_year = _year(session, unit, year)
    try:
        _upload, report = submissions.submit_self_check(
            session, year=for_year, unit_id=unit_id, source=file.file,
            original_name=file.filename or "", by=caller.actor.name, received_on=today(request))
    except (UploadRefused, IntakeError) as exc:
        return _unit_page(request, caller, session, unit, status=422, error=str(exc))
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
    return RedirectResponse(f"/units/{unit_id}?done=self-check", status_code=303)


@router.post("/units/{unit_id}/evidence")
def evidence_upload(request: Request, unit_id: int, criterion: str = Form(""), file: UploadFile = File(...),
                    year: int | None = Form(None),
                    caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    for_year = _year(session, unit, year)
    try:
        submissions.attach_evidence(session, year=for_year, unit_id=unit_id, criterion_ref=criterion,
                                    source=file.file, original_name=file.filename or "", by=caller.actor.name)
    except (UploadRefused, IntakeError) as exc:
        return _unit_page(request, caller, session, unit, status=422, error=str(exc))
    return RedirectResponse(f"/units/{unit_id}?done=evidence#c-{for_year}-{criterion.strip().upper()}", status_code=303)


@router.post("/units/{unit_id}/rectification/{what}")
def rectification_upload(request: Request, unit_id: int, what: str, file: UploadFile = File(...),
                         year: int | None = Form(None),
                         caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    unit = _unit(session, caller, unit_id, Action.SUBMIT_FOR_UNIT)
    if what not in RECTIFICATION_KINDS:
        raise Refused(404, "页面不存在 (not found)")
    try:
        submissions.submit_rectification(session, year=_year(session, unit, year), unit_id=unit_id,
                                         kind=RECTIFICATION_KINDS[what], source=file.file,
                                         original_name=file.filename or "", by=caller.actor.name, on=today(request))
    except (UploadRefused, IntakeError, RectificationRefused) as exc:
        return _unit_page(request, caller, session, unit, status=422, error=str(exc))
    runner(request).carry_on_ready(session, day=today(request))
    return RedirectResponse(f"/units/{unit_id}?done=rectification", status_code=303)


@router.get("/uploads/{upload_id}")
def upload_download(upload_id: int, caller: Caller = Depends(page_caller),
                    session: Session = Depends(db_session)) -> Response:
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise Refused(404, "文件不存在 (not found)")
    if upload.unit_id is None:  # the group's score workbook
        ensure(caller, Action.READ_SELF_CHECKS, hide=True)
    else:
        ensure(caller, Action.READ_UNIT, upload.unit_id, hide=True)
    name = f"{Path(upload.original_name).stem or upload.kind.value}{EXTENSIONS[upload.file_type]}"
    return FileResponse(upload_file(upload), filename=name, media_type=MEDIA_TYPES[upload.file_type])
