"""Every error the workbench answers is its own Chinese page: never FastAPI's JSON, never a bare
page. A malformed path (``/units/abc``, a year outside 2000–2100) is a page that does not exist."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from models.cycle import CycleNotFound
from zwgk.web.auth import NOT_FOUND, LoginRequired, PasswordChangeRequired, Refused
from zwgk.web.headers import with_security_headers
from zwgk.web.render import error_html, page

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求格式不正确，请返回重试 (bad request)",
    404: NOT_FOUND,
    405: "不支持以这种方式访问此页面 (method not allowed)",
    422: "提交的内容不完整或格式不正确，请返回检查后重试 (unprocessable request)",
}
SERVER_ERROR = "系统出错，已记入工作台日志；请稍后重试，或联系办公室 (server error)"


def _error(request: Request, status: int, message: str) -> Response:
    return page(request, "error.html", None, status=status, message=message)


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` with the workbench's own page."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def change_password(_request: Request, _exc: PasswordChangeRequired) -> Response:
        return RedirectResponse("/password", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return _error(request, exc.status, exc.message)

    @app.exception_handler(CycleNotFound)
    async def no_cycle(request: Request, _exc: CycleNotFound) -> Response:
        return _error(request, 404, NOT_FOUND)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        # A 413 carries its own sentence (the upload limit); the others say what the status means.
        message = exc.detail if exc.status_code == 413 else MESSAGES.get(
            exc.status_code, f"请求无法处理 ({exc.status_code})")
        return _error(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        in_path = any(error.get("loc", ("",))[0] == "path" for error in exc.errors())
        return _error(request, 404 if in_path else 422, MESSAGES[404 if in_path else 422])

    @app.exception_handler(Exception)
    async def server_error(request: Request, _exc: Exception) -> Response:
        # Starlette logs the exception itself; this answer leaves the app's middleware, so it
        # carries the security headers itself.
        response = HTMLResponse(error_html(SERVER_ERROR), status_code=500)
        response.raw_headers[:] = with_security_headers(response.raw_headers, request.url.path)
        return response
