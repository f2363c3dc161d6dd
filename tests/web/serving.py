"""Serving the workbench for the tests: in a thread of the test process by uvicorn (``Served``:
the tests reach its state, and the event-loop guard knows its thread) or in a process of its own
(``serve_process``: its memory measured alone), and posting a body as a browser does.

The guard's state lives here, in one module: pytest imports conftest.py under a name of its own
while the tests import ``tests.web.conftest``, so state kept in conftest.py would exist twice.
"""

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from tests.flows.conftest import free_port

REPO = Path(__file__).parents[2]


# Threads running a served workbench's event loop (see no_database_on_the_event_loop).
LOOP_THREADS: set[int] = set()
LOOP_CHECKOUTS: list[str] = []


class Browser(httpx.Client):
    """An HTTP client of a served workbench; ``app`` is the application it talks to."""

    app: FastAPI


class Served:
    """``app`` served by uvicorn on a loopback port, in a thread of this process (so that tests
    can reach its state and the event-loop guard knows its thread)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self._run, name="served-workbench", daemon=True)
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the workbench did not start")
            threading.Event().wait(0.01)

    def _run(self) -> None:
        LOOP_THREADS.add(threading.get_ident())
        self.server.run(sockets=[self._socket])

    def browser(self, **headers: str) -> Browser:
        """A new browser (no cookies) of this workbench."""
        browser = Browser(base_url=self.url, follow_redirects=False, timeout=120, headers=headers)
        browser.app = self.app
        return browser

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        LOOP_THREADS.discard(self.thread.ident or 0)


@contextmanager
def serve_process(tmp_path: Path, db_url: str, *args: str, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``zwgk web`` in a process of its own on a free loopback port (its memory measured alone);
    the process and its base URL once it answers."""
    port = free_port()
    environment = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                       **env)
    with open(tmp_path / "web.log", "ab") as log:
        server = subprocess.Popen([sys.executable, "-c", "from zwgk.cli.app import main; main()", "web",
                                   "--port", str(port), "--db", db_url, *args],
                                  env=environment, cwd=REPO, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240  # a loaded machine imports slowly
            while True:
                try:
                    urllib.request.urlopen(f"{base}/login", timeout=5).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError((tmp_path / "web.log").read_text()[-2000:]) from None
                    time.sleep(0.2)
            yield server, base
        finally:
            server.terminate()
            server.wait(timeout=30)


def on_checkout(_dbapi_connection: object, _record: object, _proxy: object) -> None:
    if threading.get_ident() not in LOOP_THREADS:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    LOOP_CHECKOUTS.append("".join(traceback.format_stack(limit=15)))
    raise AssertionError("数据库连接在工作台的事件循环上取得 (database used on the event loop)")


def raw_post(client: httpx.Client, path: str, content_type: str, body: Iterable[bytes],
             length: int | None = None) -> tuple[int, str]:
    """POST ``body`` as a browser does, reading the answer while still sending: a server may
    answer (413) and close before the body is all sent, which httpx reports as an error and a
    browser shows as the page. Without ``length`` the body goes chunked. The status and page."""
    url = httpx.URL(str(client.base_url))
    head = [f"POST {path} HTTP/1.1", f"Host: {url.host}:{url.port}", f"Content-Type: {content_type}",
            "Cookie: " + "; ".join(f"{k}={v}" for k, v in client.cookies.items()), "Connection: close",
            f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"]
    sock = socket.create_connection((url.host, url.port or 80), timeout=60)

    def send() -> None:
        try:
            sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
            for part in body:
                sock.sendall(part if length is not None else f"{len(part):x}\r\n".encode() + part + b"\r\n")
            if length is None:
                sock.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed: what a browser meets too
            pass

    sender = threading.Thread(target=send)
    sender.start()
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sender.join()
    sock.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")
