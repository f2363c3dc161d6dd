"""Security headers on every response of the workbench.

The pages load only the workbench's own stylesheet (zwgk/web/static) and no script, so the
Content-Security-Policy allows nothing inline and nothing from elsewhere; no page may be framed
(a framed page could be clicked through by another site). Nothing but the stylesheet is cached:
pages and downloads carry a person's data. Behind HTTPS (ZWGK_PUBLIC_URL=https://…) browsers
are told to use nothing else.
"""

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zwgk.core.settings import get_settings

POLICY = ("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
          "object-src 'none'")
_STYLE = re.compile(rb"<style>(.*?)</style>", re.S)


def policy_for_page(html: bytes) -> str:
    """The policy for a page that must carry its own stylesheet (the public results page is
    published as one file): POLICY plus the hash of each of its <style> blocks, nothing else."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(block).digest()).decode()}'"
                      for block in _STYLE.findall(html))
    return f"{POLICY}; style-src 'self' {hashes}"


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The headers every response carries (a response's own Content-Security-Policy stays)."""
    headers = [(b"content-security-policy", POLICY.encode()), (b"x-frame-options", b"DENY"),
               (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
               (b"cross-origin-opener-policy", b"same-origin"),
               (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]
    if not path.startswith("/static/"):
        headers.append((b"cache-control", b"no-store"))
    if get_settings().https:
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


def with_security_headers(headers: Iterable[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    """``headers`` with the security headers added; those the response set itself win."""
    own = list(headers)
    present = {name.lower() for name, _ in own}
    return own + [(name, value) for name, value in security_headers(path) if name not in present]


class SecurityHeaders:
    """Adds the security headers to every HTTP response of the application it wraps."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(message.get("headers", []), scope["path"])
            await send(message)

        await self.app(scope, receive, send_secured)
