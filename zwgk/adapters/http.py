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
    OSError when the server cannot be reached or does not answer in time."""
    request = urllib.request.Request(
        url, method=method, data=None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (callers pass http(s) only)
            return Answer(response.status, response.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode("utf-8", "replace"), error.headers.get("Retry-After"))
