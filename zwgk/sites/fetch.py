"""Polite, bounded HTTP for website monitoring (httpx), and the pages kept as evidence.

Politeness: one request at a time per host (a lock per host), a pause between two requests to
the same host (``ZWGK_SITE_PAUSE_S``), a User-Agent naming the office. Bounds: each request has
``ZWGK_SITE_TIMEOUT_S`` in all (connecting, redirects and body), reads at most
``ZWGK_SITE_MAX_PAGE_BYTES``, follows at most ``ZWGK_SITE_MAX_REDIRECTS`` redirects. Many hosts
are asked side by side: ``ZWGK_SITE_PARALLEL`` requests in flight at once, each to another host,
and twice as many units under way, so that the slots stay busy while hosts pause. A host that
did not answer once is not asked again in the same round, so a site that is down costs one
timeout, and a slow or dead site never holds up the others. The rounds run on an event loop in a thread of their own and hand
back each unit's result as soon as it is complete (``run_each``), so that the caller stores it
and lets it go: memory stays flat however many units there are.
"""

import asyncio
import hashlib
import math
import queue
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from models.types import utcnow
from zwgk.adapters.files import write_atomically
from zwgk.core.settings import Settings
from zwgk.sites.urls import site_of

T = TypeVar("T")
R = TypeVar("R")
_REDIRECTS = "重定向次数过多"  # the host answered: a loop of redirects is the page's fault, not the host's


@dataclass(frozen=True)
class Fetched:
    """One request's outcome. ``status`` None: no answer (``error`` says why); ``skipped``: not
    sent, because the host had already failed to answer in this round."""

    url: str
    final_url: str
    status: int | None
    error: str
    elapsed_ms: int
    at: datetime
    content_type: str = ""
    body: bytes = b""
    skipped: bool = False

    @property
    def ok(self) -> bool:
        """Answered with content (status below 400)."""
        return self.status is not None and self.status < 400


@dataclass(frozen=True)
class Kept:
    """A page kept as evidence: its file under the output folder is named by its SHA-256."""

    url: str
    sha256: str
    path: str
    status: int
    content_type: str
    size: int
    at: datetime


def keep_page(fetched: Fetched, out_dir: Path) -> Kept:
    """Keep the bytes of a fetched page (as received, in its own charset) under
    ``<out>/sites/<first two hex>/<sha256>.html``; the same content is kept once."""
    sha = hashlib.sha256(fetched.body).hexdigest()
    relative = Path("sites") / sha[:2] / f"{sha}.html"
    target = out_dir / relative
    if not target.exists():
        write_atomically(target, fetched.body)
    assert fetched.status is not None
    return Kept(url=fetched.url, sha256=sha, path=relative.as_posix(), status=fetched.status,
                content_type=fetched.content_type, size=len(fetched.body), at=fetched.at)


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last: float = -math.inf
    down: str = ""  # why the host stopped answering in this round


class Fetcher:
    """The HTTP client of one round (use ``async with``)."""

    def __init__(self, settings: Settings, user_agent: str) -> None:
        self._settings = settings
        self._timeout = settings.site_timeout_s
        self._hosts: dict[tuple[str, int | None], _Host] = {}
        self._slots = asyncio.Semaphore(settings.site_parallel)
        self._client = httpx.AsyncClient(
            follow_redirects=True, max_redirects=settings.site_max_redirects, verify=settings.site_verify_tls,
            timeout=httpx.Timeout(self._timeout), headers={"User-Agent": user_agent.encode("utf-8")},
            limits=httpx.Limits(max_connections=settings.site_parallel * 2,
                                max_keepalive_connections=settings.site_parallel))

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, read: bool = True) -> Fetched:
        """GET ``url`` politely; with ``read`` False only the status is wanted (the body is not
        read: checking a link costs its headers)."""
        host = self._hosts.setdefault(site_of(url), _Host())
        async with host.lock:
            if host.down:
                return Fetched(url, url, None, f"本轮此前已无法连接，未再访问（{host.down}）", 0, utcnow(),
                               skipped=True)
            loop = asyncio.get_running_loop()
            await asyncio.sleep(max(0.0, host.last + self._settings.site_pause_s - loop.time()))
            async with self._slots:
                fetched = await self._request(url, read)
            host.last = loop.time()
            if fetched.status is None and not fetched.error.startswith(_REDIRECTS):
                host.down = fetched.error
        return fetched

    async def _request(self, url: str, read: bool) -> Fetched:
        at, start = utcnow(), time.perf_counter()

        def elapsed() -> int:
            return round((time.perf_counter() - start) * 1000)

        try:
            async with asyncio.timeout(self._timeout):
                async with self._client.stream("GET", url) as response:
                    body = await self._body(response) if read else b""
                    return Fetched(url, str(response.url), response.status_code, "", elapsed(), at,
                                   response.headers.get("content-type", ""), body)
        except TimeoutError:
            error = f"{self._timeout:g} 秒内未打开 (timed out)"
        except httpx.TooManyRedirects:
            error = f"{_REDIRECTS}，超过 {self._settings.site_max_redirects} 次 (too many redirects)"
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
            error = f"无法连接 ({type(exc).__name__}: {exc})"[:300]
        return Fetched(url, url, None, error, elapsed(), at)

    async def _body(self, response: httpx.Response) -> bytes:
        """At most ``site_max_page_bytes`` of the body: a huge page is cut, not refused."""
        limit, size, chunks = self._settings.site_max_page_bytes, 0, []
        async for chunk in response.aiter_bytes():
            chunks.append(chunk[:limit - size])
            size += len(chunk)
            if size >= limit:
                break
        return b"".join(chunks)


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_DONE = object()


def run_each(items: Sequence[T], work: Callable[[Fetcher, T], Awaitable[R]], *, settings: Settings,
             user_agent: str) -> Iterator[R]:
    """Run ``work`` for every item side by side on one event loop in a thread of its own,
    sharing one polite ``Fetcher``; yield each result as soon as it is complete (in the order
    they complete). An error in ``work`` is raised here."""
    results: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()

    async def everything() -> None:
        async with Fetcher(settings, user_agent) as fetcher:
            running = asyncio.Semaphore(settings.site_parallel * 2)

            async def one(item: T) -> None:
                async with running:
                    if not stop.is_set():
                        results.put(await work(fetcher, item))

            await asyncio.gather(*(one(item) for item in items))

    def main() -> None:
        try:
            asyncio.run(everything())
        except BaseException as exc:  # handed to the caller's thread, raised there
            results.put(_Failed(exc))
        finally:
            results.put(_DONE)

    thread = threading.Thread(target=main, name="zwgk-sites", daemon=True)
    thread.start()
    try:
        while (result := results.get()) is not _DONE:
            if isinstance(result, _Failed):
                raise result.error
            yield result
    finally:
        stop.set()  # a caller that stopped early: start no further unit
    thread.join()
