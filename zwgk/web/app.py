"""The workbench application: ``create_app()`` for ``zwgk web`` and the tests."""

import os
from datetime import date
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session
from starlette.middleware.sessions import SessionMiddleware

from zwgk.adapters.db import get_engine, init_schema
from zwgk.core.settings import get_settings
from zwgk.setup.accounts import secret_key
from zwgk.setup.sessions import SESSION_HOURS
from zwgk.web import errors
from zwgk.web.background import CycleRunner
from zwgk.web.headers import SecurityHeaders
from zwgk.web.limits import UploadLimit
from zwgk.web.routes import auth, cycles, group, reports, sites, units


def prepare_database() -> str:
    """The configured database's schema brought up to date, and the key that signs session
    cookies (made once and kept there when not configured)."""
    engine = get_engine(get_settings().database_url)
    init_schema(engine)
    with Session(engine) as session:
        return secret_key(session)


def create_app(*, today: date | None = None) -> FastAPI:
    """The workbench on the configured database; ``today`` makes it act as of that day."""
    key = prepare_database()
    app = FastAPI(title="zwgk 工作台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.today = today
    app.state.runner = CycleRunner(today)
    app.state.secret = key
    app.state.hashing = None  # the password-hashing limiter, made in the event loop at first use
    app.state.uploading = None  # the uploads' limiter (zwgk.web.limits), likewise
    # The cookie carries only the session's random token (zwgk.web.auth); the session is on the server.
    app.add_middleware(SessionMiddleware, secret_key=key, session_cookie="zwgk_session",
                       max_age=SESSION_HOURS * 3600, same_site="strict", https_only=get_settings().https)
    app.add_middleware(UploadLimit)
    app.add_middleware(SecurityHeaders)  # outermost: the upload limit's refusal carries the headers too
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for module in (auth, cycles, units, group, reports, sites):
        app.include_router(module.router)
    errors.install(app)
    return app


#: How `zwgk web --workers N` tells its worker processes the day it acts as (they build the
#: application themselves, from this module).
TODAY_VARIABLE = "ZWGK_WEB_TODAY"


def app_from_environment() -> FastAPI:
    """The workbench of one worker process of `zwgk web --workers N`, as of ``ZWGK_WEB_TODAY``."""
    today = os.environ.get(TODAY_VARIABLE)
    return create_app(today=date.fromisoformat(today) if today else None)

