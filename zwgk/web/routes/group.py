"""The assessment group's page: the units' self-check material, the score workbook, and the
group's confirmation of its scores on a preview."""

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.background import BackgroundTask

from models.cycle import CycleNotFound, get_cycle
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Action, may
from zwgk.intake import submissions
from zwgk.intake.score_workbook import write_score_workbook
from zwgk.intake.uploads import MEDIA_TYPES, UploadRefused
from zwgk.results.confirmation import confirm_scores
from zwgk.web import read_models
from zwgk.web.auth import Caller, Refused, db_session, ensure, form_caller, page_caller
from zwgk.web.background import runner
from zwgk.web.limits import upload_slot
from zwgk.web.params import Year
from zwgk.web.render import page, today

router = APIRouter()


def _group_page(request: Request, caller: Caller, session: Session, year: int, *, status: int = 200,
                **extra: object) -> Response:
    if not may(caller.actor, Action.READ_SELF_CHECKS):
        ensure(caller, Action.SCORE)
    try:
        data = read_models.group_overview(session, year)
    except CycleNotFound:
        raise Refused(404, f"{year} 年度考核尚未启动 (no cycle for {year})") from None
    return page(request, "group.html", caller, status=status, year=year, data=data, **extra)


@router.get("/cycles/{year}/group")
def group_page(request: Request, year: Year, caller: Caller = Depends(page_caller),
               session: Session = Depends(db_session)) -> Response:
    return _group_page(request, caller, session, year)


@router.get("/cycles/{year}/group/score-workbook.xlsx")
def score_workbook(year: Year, caller: Caller = Depends(page_caller), session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.SCORE)
    cycle = get_cycle(session, year)
    work = tempfile.TemporaryDirectory(prefix="zwgk-scores-")
    path = write_score_workbook(session, cycle_id=cycle.id,  # type: ignore[arg-type]
                                            path=Path(work.name) / f"{year}年度考核评分工作簿.xlsx")
    return FileResponse(path, filename=path.name, media_type=MEDIA_TYPES["xlsx"],
                        background=BackgroundTask(work.cleanup))


@router.post("/cycles/{year}/group/score-workbook", dependencies=[Depends(upload_slot)])
def score_workbook_upload(request: Request, year: Year, file: UploadFile = File(...),
                          caller: Caller = Depends(form_caller), session: Session = Depends(db_session)) -> Response:
    ensure(caller, Action.SCORE)
    try:
        report = submissions.submit_score_workbook(session, year=year, source=file.file,
                                                   original_name=file.filename or "", by=caller.actor.name).report
    except (UploadRefused, CycleNotFound) as exc:
        return _group_page(request, caller, session, year, status=422, error=str(exc))
    if not report.ok:
        return _group_page(request, caller, session, year, status=422, problems=[str(p) for p in report.problems],
                           error=f"考核评分工作簿未导入：发现 {len(report.problems)} 处问题，请改正后重新上传")
    runner(request).carry_on_ready(session, day=today(request))
    return RedirectResponse(f"/cycles/{year}/group?done=scores", status_code=303)


@router.post("/cycles/{year}/group/confirm")
def scores_confirm(request: Request, year: Year, digest: str = Form(""), caller: Caller = Depends(form_caller),
                   session: Session = Depends(db_session)) -> Response:
    """An assessor confirms the figures of the preview they read (``digest``), as `zwgk scores
    confirm` does; figures changed since then are refused, to be read again."""
    ensure(caller, Action.SCORE)
    try:
        cycle = get_cycle(session, year)
        confirm_scores(session, cycle_id=cycle.id, by=caller.actor.name, on=today(request),  # type: ignore[arg-type]
                       digest=digest)
    except (IntakeError, CycleNotFound) as exc:
        return _group_page(request, caller, session, year, status=422, error=str(exc))
    runner(request).carry_on_ready(session, day=today(request))
    return RedirectResponse(f"/cycles/{year}/group?done=confirmed", status_code=303)
