"""The workbench application: ``create_app()`` for ``zwgk web`` and the tests."""

from datetime import date
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from zwgk.adapters.db import get_engine, init_schema
from zwgk.core.settings import get_settings
from zwgk.setup.accounts import secret_key
from zwgk.web.auth import LoginRequired, PasswordChangeRequired, Refused
from zwgk.web.background import CycleRunner
from zwgk.web.limits import UploadLimit
from zwgk.web.render import page
from zwgk.web.routes import auth, cycles, group, reports, sites, units

SESSION_HOURS = 8


def create_app(*, today: date | None = None) -> FastAPI:
    """The workbench on the configured database; ``today`` makes it act as of that day."""
    engine = get_engine(get_settings().database_url)
    init_schema(engine)
    with Session(engine) as session:
        key = secret_key(session)
    app = FastAPI(title="zwgk 工作台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.today = today
    app.state.runner = CycleRunner(today)
    app.add_middleware(SessionMiddleware, secret_key=key, session_cookie="zwgk_session",
                       max_age=SESSION_HOURS * 3600, same_site="strict")
    app.add_middleware(UploadLimit)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (auth, cycles, units, group, reports, sites):
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def change_password(_request: Request, _exc: PasswordChangeRequired) -> Response:
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return page(request, "error.html", None, status=exc.status, message=exc.message)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if exc.status_code == 413 else "页面不存在 (not found)" if exc.status_code == 404 \
            else f"请求无法处理 ({exc.status_code})"
        return page(request, "error.html", None, status=exc.status_code, message=message)

    return app
