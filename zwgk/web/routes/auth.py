"""Logging in and out, changing the password, and the home page (each person's tasks)."""

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from zwgk.core.permissions import Action, may
from zwgk.cycle.gates import GATE_STAGE
from zwgk.setup import accounts
from zwgk.web import read_models
from zwgk.web.auth import (
    Caller,
    Refused,
    check_csrf,
    db_session,
    log_in,
    page_caller,
    session_caller,
)
from zwgk.web.render import page

router = APIRouter()


def _safe_next(target: str) -> str:
    """Only a path of this site (never another host) after login."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return page(request, "login.html", None, next=_safe_next(next))


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/"),
          session: Session = Depends(db_session)) -> Response:
    try:
        account = accounts.authenticate(session, login=username, password=password)
    except accounts.LoginRefused as exc:
        return page(request, "login.html", None, status=401, error=str(exc), username=username, next=_safe_next(next))
    log_in(request, account)
    return RedirectResponse("/password" if account.must_change_password else _safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _password_caller(request: Request, session: Session) -> Caller:
    caller = session_caller(request, session)
    if caller is None:
        raise Refused(403, "请先登录 (login required)")
    return caller


@router.get("/password")
def password_form(request: Request, session: Session = Depends(db_session)) -> Response:
    caller = session_caller(request, session)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    return page(request, "password.html", caller)


@router.post("/password", dependencies=[Depends(check_csrf)])
def password_change(request: Request, current: str = Form(""), new: str = Form(""), again: str = Form(""),
                    session: Session = Depends(db_session)) -> Response:
    caller = _password_caller(request, session)
    if new != again:
        return page(request, "password.html", caller, status=422, error="两次输入的新密码不一致 (passwords differ)")
    try:
        account = accounts.change_password(session, account_id=caller.account.id,  # type: ignore[arg-type]
                                           old=current, new=new)
    except accounts.AccountError as exc:
        return page(request, "password.html", caller, status=422, error=str(exc))
    log_in(request, account)
    return RedirectResponse("/", status_code=303)


@router.get("/")
def home(request: Request, caller: Caller = Depends(page_caller), session: Session = Depends(db_session)) -> Response:
    """Each person's tasks: a unit goes to its own page; the others see what waits for them."""
    actor = caller.actor
    if actor.unit_id is not None:
        return RedirectResponse(f"/units/{actor.unit_id}", status_code=303)
    cycles = read_models.cycles_newest_first(session)
    tasks = []
    for cycle in cycles:
        # Only a run that waits at the gate waits for its deciders (not one still being prepared).
        gate = next((g for g in GATE_STAGE if cycle.waiting_for == f"gate:{g.value}"), None)
        if gate is not None and may(actor, Action.DECIDE, gate):
            tasks.append((f"/cycles/{cycle.year}/gates/{gate.value}", f"{cycle.year} 年度：待您决定"))
        elif gate is not None and may(actor, Action.GIVE_OPINION, gate):
            tasks.append((f"/cycles/{cycle.year}/gates/{gate.value}", f"{cycle.year} 年度：待审定，可提出意见"))
        if may(actor, Action.SCORE) and cycle.waiting_for == "units:scores":
            tasks.append((f"/cycles/{cycle.year}/group", f"{cycle.year} 年度：考核组评分"))
    return page(request, "home.html", caller, cycles=cycles, tasks=tasks)
