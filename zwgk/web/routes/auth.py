"""Logging in and out, changing the password, and the home page (each person's tasks).

Logging in and changing a password compute argon2 hashes (64 MiB each): they wait for one of a
few hashing slots (zwgk.setup.passwords.hash_slots) in the event loop, not in a thread of the
request pool, so a crowd logging in at once neither fills the memory nor keeps other pages from
answering. Their database work runs in that worker thread too; the login form needs none.
"""

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import anyio.to_thread
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from zwgk.adapters.db import session_scope
from zwgk.core.permissions import Action, may
from zwgk.cycle.gates import GATE_STAGE
from zwgk.setup import accounts, logins, sessions
from zwgk.setup.passwords import PASSWORD_RULE, hash_slots
from zwgk.web import read_models
from zwgk.web.auth import (
    DEVICE_COOKIE,
    Caller,
    Refused,
    check_csrf,
    db_session,
    keep_device,
    log_in,
    page_caller,
    resume,
)
from zwgk.web.render import page

router = APIRouter()
T = TypeVar("T")


async def _hashing(request: Request, work: Callable[[], T]) -> T:
    """Run ``work`` (hashing and its database work) in a thread once a hashing slot is free."""
    if request.app.state.hashing is None:
        request.app.state.hashing = anyio.CapacityLimiter(hash_slots())
    return await anyio.to_thread.run_sync(work, limiter=request.app.state.hashing)


def _safe_next(target: str) -> str:
    """Only a path of this site (never another host) after login."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    return page(request, "login.html", None, next=_safe_next(next))


def _log_in(login: str, password: str, source: str, device_token: str) -> tuple[logins.LoggedIn, str]:
    with session_scope() as session:
        done = logins.authenticate(session, login=login, password=password, source=source,
                                   device_token=device_token)
        return done, sessions.start_session(session, account=done.account)


@router.post("/login", dependencies=[Depends(check_csrf)])
async def login(request: Request, username: str = Form(""), password: str = Form(""),
                next: str = Form("/")) -> Response:
    source = request.client.host if request.client else ""
    try:
        done, token = await _hashing(request, partial(
            _log_in, username, password, source, request.cookies.get(DEVICE_COOKIE, "")))
    except logins.LoginRefused as exc:
        return page(request, "login.html", None, status=401, error=str(exc), username=username, next=_safe_next(next))
    log_in(request, token)
    response = RedirectResponse("/password" if done.account.must_change_password else _safe_next(next),
                                status_code=303)
    keep_device(response, done.device_token)
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request, session: Session = Depends(db_session)) -> Response:
    sessions.end_session(session, request.session.get("sid") or "")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _password_caller(request: Request, session: Session = Depends(db_session)) -> Caller:
    caller = resume(request, session)
    if caller is None:
        raise Refused(403, "请先登录 (login required)")
    return caller


@router.get("/password")
def password_form(request: Request, session: Session = Depends(db_session)) -> Response:
    caller = resume(request, session)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    return page(request, "password.html", caller, rule=PASSWORD_RULE)


def _change(account_id: int, current: str, new: str) -> str:
    with session_scope() as session:
        account = accounts.change_password(session, account_id=account_id, old=current, new=new)
        return sessions.start_session(session, account=account)


@router.post("/password", dependencies=[Depends(check_csrf)])
async def password_change(request: Request, current: str = Form(""), new: str = Form(""), again: str = Form(""),
                          caller: Caller = Depends(_password_caller)) -> Response:
    if new != again:
        return page(request, "password.html", caller, status=422, rule=PASSWORD_RULE,
                    error="两次输入的新密码不一致 (passwords differ)")
    try:
        token = await _hashing(request, partial(_change, caller.account.id, current, new))
    except accounts.AccountError as exc:
        return page(request, "password.html", caller, status=422, rule=PASSWORD_RULE, error=str(exc))
    log_in(request, token)  # the change ended every session of the account, this one too
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
