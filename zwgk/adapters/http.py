"""JSON over HTTP with the standard library, for the Prefect server's REST API and the
work-chat robots: an HTTP client library (or Prefect's own client) would cost every command's
start for a request or two."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    """A server's answer: its status, its body as text, and its Retry-After header if any."""

    status: int
    text: str
    retry_after: str | None = None


def send_json(method: str, url: str, body: Any = None, *, headers: dict[str, str] | None = None,
              timeout: float) -> Answer:
    """One request with ``body`` as JSON (none when None); the answer whatever its status.
    OSError when the server cannot be reached or does not answer in time, ValueError for an
    address that is not http(s) (a file:// or custom scheme is never opened)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"只能访问 http(s) 地址：{url} (not an http(s) URL)")
    request = urllib.request.Request(
        url, method=method, data=None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        # http(s) only, checked above (bandit B310, ruff S310)
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
            return Answer(response.status, response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode("utf-8", "replace"), error.headers.get("Retry-After"))
