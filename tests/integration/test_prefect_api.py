"""Resuming a deployed run through the Prefect server's REST API (a loopback stand-in server)."""

import base64
import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlmodel import Session

from models.cycle import Cycle
from zwgk.cycle.steps import attach_run
from zwgk.runner import prefect_api, runs

RUN = "0b5e3c1e-0000-4000-8000-000000000001"


class StandIn(BaseHTTPRequestHandler):
    """Answers as Prefect's server does: the run's state, and the resume's orchestration result."""

    seen: list[tuple[str, str, str, Any]] = []
    resume_status = "ACCEPT"
    busy = 0  # how many requests to answer 503 first (a server whose database is locked)

    def _answer(self, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(("GET", self.path, self.headers.get("Authorization", ""), None))
        if RUN not in self.path:  # a run this server never saw
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._answer({"id": RUN, "state": {"type": "PAUSED", "name": "Suspended"}})

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if StandIn.busy:
            StandIn.busy -= 1
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.seen.append(("POST", self.path, self.headers.get("Authorization", ""), body))
        self._answer({"status": self.resume_status, "details": {"reason": "Run input validation failed"}})

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[StandIn]]:
    httpd = HTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    StandIn.seen, StandIn.resume_status, StandIn.busy = [], "ACCEPT", 0
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{httpd.server_port}/api")
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "office:secret")
    monkeypatch.delenv("PREFECT_UI_URL", raising=False)
    yield StandIn
    httpd.shutdown()


def test_a_paused_run_is_resumed_with_the_gate_input_and_the_servers_credentials(server: type[StandIn]) -> None:
    server.busy = 2  # tried again while the server is busy
    assert prefect_api.run_state(RUN) == ("PAUSED", "Suspended")
    prefect_api.resume_run(RUN, {"decision": "approve", "by": "张明远"})
    auth = "Basic " + base64.b64encode(b"office:secret").decode()
    assert server.seen == [("GET", f"/api/flow_runs/{RUN}", auth, None),
                           ("POST", f"/api/flow_runs/{RUN}/resume", auth,
                            {"run_input": {"decision": "approve", "by": "张明远"}})]
    assert prefect_api.ui_url() == prefect_api.setting("PREFECT_API_URL").removesuffix("/api")  # type: ignore[union-attr]


def test_a_refused_resume_and_an_unreachable_server_are_clear_errors(
        server: type[StandIn], monkeypatch: pytest.MonkeyPatch) -> None:
    server.resume_status = "REJECT"
    with pytest.raises(RuntimeError, match="Run input validation failed"):
        prefect_api.resume_run(RUN, {"decision": "maybe"})
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    with pytest.raises(RuntimeError, match="无法连接 Prefect 服务器"):
        prefect_api.run_state(RUN)


def test_a_run_the_server_never_saw_is_carried_on_by_a_new_run_of_the_deployment(
        server: type[StandIn], session: Session, demo_cycle: Cycle, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cycle started in embedded mode (its run on this machine's local server) and carried on
    after the office set up a Prefect server: the new server does not know the run."""
    stranger = "0b5e3c1e-0000-4000-8000-00000000dead"
    assert prefect_api.run_state(stranger) == (prefect_api.UNKNOWN_RUN, "")
    attach_run(session=session, cycle_id=demo_cycle.id, flow_run_id=stranger, run_day=date(2026, 1, 5))  # type: ignore[arg-type]
    started: list[tuple[int, date | None]] = []
    monkeypatch.setattr(runs, "_start_deployment", lambda year, today, _by:
                        started.append((year, today)) or runs.RunInfo("new", None, "started"))
    assert runs.resume(session, 2025).outcome == "started"
    assert started == [(2025, date(2026, 1, 5))]  # with the date the old run kept
    prefect_api.cancel_run(stranger)  # nothing to cancel: no error


def test_only_http_addresses_are_opened(tmp_path: Any) -> None:
    """A file:// or custom scheme in a configured address is refused, never read (bandit B310)."""
    from zwgk.adapters.http import send_json

    secret = tmp_path / "secret.txt"
    secret.write_text("不应被读取")
    for url in (f"file://{secret}", "ftp://127.0.0.1/x", "gopher://x"):
        with pytest.raises(ValueError, match="http"):
            send_json("GET", url, timeout=1)


@pytest.mark.parametrize(("where", "text"), [
    ("profiles.toml", 'active = "office"\n[profiles.office]\nPREFECT_API_URL = "http://10.0.0.5:4200/api"\n'),
    (".env", "PREFECT_API_URL=http://10.0.0.5:4200/api\n"),
    ("prefect.toml", '[api]\nurl = "http://10.0.0.5:4200/api"\n'),
    ("pyproject.toml", '[tool.prefect.api]\nurl = "http://10.0.0.5:4200/api"\n'),
    ("PREFECT_PROFILE=local", ""),
])
def test_a_server_named_outside_the_environment_is_found(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                         where: str, text: str) -> None:
    """Without PREFECT_API_URL in the environment the settings are read from Prefect only when a
    profile or settings file could name a server; each of those is then honoured."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))  # no ~/.prefect of the machine's user
    assert not prefect_api._settings_beyond_environment()
    assert prefect_api.setting("PREFECT_API_URL") is None
    if where.startswith("PREFECT_PROFILE="):
        monkeypatch.setenv("PREFECT_PROFILE", where.split("=")[1])
    else:
        (home if where == "profiles.toml" else tmp_path).joinpath(where).write_text(text)
    assert prefect_api._settings_beyond_environment()
