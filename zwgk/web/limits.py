"""Uploads: the size limit, enforced before and while a request body streams in, and the few
uploads worked on at once."""

from collections.abc import AsyncIterator
from typing import Any

import anyio
from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zwgk.intake.uploads import max_bytes, too_large_message
from zwgk.web.render import error_html

# Room for the form's other fields and the multipart framing around one file.
FORM_OVERHEAD = 64 * 1024
# What is left of a refused body is read and dropped, up to this much and this long, before the
# answer: a server that answers and closes while the browser is still sending resets the
# connection, and the browser shows "connection reset" instead of the page saying why.
DRAIN_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 30


# Uploads checked and stored at once. They are bound by the processor (Python runs one thread at
# a time): a deadline-day crowd working all at once gains nothing, takes every request thread
# from the other pages, and slows the one holding the database's write lock.
UPLOAD_SLOTS = 4


async def upload_slot(request: Request) -> AsyncIterator[None]:
    """Hold one of UPLOAD_SLOTS while an upload route works; waiting for one holds no thread and
    no database connection, so other pages answer meanwhile."""
    if request.app.state.uploading is None:
        request.app.state.uploading = anyio.CapacityLimiter(UPLOAD_SLOTS)
    async with request.app.state.uploading:
        yield


class TooLarge(HTTPException):
    """A request body over the limit (answered by the app's error page)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=too_large_message())


class UploadLimit:
    """Refuse a POST whose Content-Length is over the limit at once, and stop reading one that
    turns out larger while it streams (a missing or false Content-Length)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        limit = max_bytes() + FORM_OVERHEAD
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await _drain(receive, {"more_body": True})
            await _refuse(send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    await _drain(receive, message)
                    raise TooLarge()
            return message

        await self.app(scope, limited, send)


async def _drain(receive: Receive, last: Message) -> None:
    """Read and drop the rest of a body whose last message read was ``last``."""
    drained = 0
    with anyio.move_on_after(DRAIN_SECONDS):
        while last.get("more_body") and drained < DRAIN_BYTES:
            last = await receive()
            if last["type"] != "http.request":
                return
            drained += len(last.get("body", b""))


async def _refuse(send: Any) -> None:
    body = error_html(too_large_message()).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
