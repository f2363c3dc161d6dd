"""Rendering the workbench's pages (Jinja2, autoescaped) and the day it acts on."""

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from models.cycle import Gate
from zwgk.core.clock import office_time, office_today
from zwgk.core.permissions import Action, may
from zwgk.cycle.gates import GATE_LABELS
from zwgk.intake.uploads import TYPE_LABELS
from zwgk.web.auth import Caller, csrf_token

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["office_time"] = office_time
templates.env.globals.update(Action=Action, Gate=Gate, GATE_LABELS=GATE_LABELS, TYPE_LABELS=TYPE_LABELS)


def today(request: Request) -> date:
    """The day the workbench acts on: ``zwgk web --today`` or today in Beijing."""
    return request.app.state.today or office_today()


def page(request: Request, name: str, caller: Caller | None, *, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of the workbench, with what every page needs (caller, CSRF token, permissions)."""
    def can(action: Action, obj: object = None) -> bool:
        return caller is not None and may(caller.actor, action, obj)

    context.setdefault("notice", caller.notice if caller else "")  # left before a redirect
    return templates.TemplateResponse(request, name, {
        "caller": caller, "csrf": csrf_token(request), "can": can, "today": today(request), **context,
    }, status_code=status)


def error_html(message: str) -> str:
    """The workbench's error page without a request (a body refused before it reached the app)."""
    return templates.get_template("error.html").render(caller=None, message=message)
