"""Many zwgk processes on one machine share one local Prefect server per Prefect home, and never
reach another's: started once under a lock, found by a token no stale file can fake, gone by
itself when idle."""

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from zwgk.runner.local_server import STATE_FILE, ensure_server

FIND = "from zwgk.runner.local_server import ensure_server; print(ensure_server())"


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return {**env, "PREFECT_HOME": str(home), **extra}


def state_of(home: Path) -> dict[str, object]:
    return json.loads((home / STATE_FILE).read_text("utf-8"))


def gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def test_processes_starting_at_once_share_one_server(tmp_path: Path) -> None:
    home = tmp_path / "prefect"
    finders = [subprocess.Popen([sys.executable, "-c", FIND], env=env_for(home), stdout=subprocess.PIPE,
                                text=True) for _ in range(4)]
    urls = {finder.communicate(timeout=300)[0].strip() for finder in finders}
    assert len(urls) == 1 and next(iter(urls)).startswith("http://127.0.0.1:")
    pid = int(state_of(home)["pid"])  # type: ignore[call-overload]
    # Not a child of any command: it outlives them all, and Ctrl-C in one of them leaves it.
    assert all(finder.returncode == 0 for finder in finders)
    assert not gone(pid, 0.5)
    os.kill(pid, 15)
    assert gone(pid, 30)


class Stranger(BaseHTTPRequestHandler):
    """Another server on the port a stale state file names: healthy, but not ours."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = json.dumps({"token": "not-the-token"} if self.path.endswith("zwgk-server") else True).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_a_stale_state_file_never_leads_to_a_strangers_server(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "prefect"
    home.mkdir()
    stranger = HTTPServer(("127.0.0.1", 0), Stranger)
    threading.Thread(target=stranger.serve_forever, daemon=True).start()
    (home / STATE_FILE).write_text(json.dumps({"port": stranger.server_port, "token": "ours",
                                               "pid": os.getpid()}), "utf-8")
    monkeypatch.setenv("PREFECT_HOME", str(home))
    monkeypatch.setenv("ZWGK_LOCAL_SERVER_IDLE_MIN", "0.1")
    url = ensure_server()
    stranger.shutdown()
    assert f":{stranger.server_port}/" not in url
    state = state_of(home)
    assert state["token"] != "ours" and url == f"http://127.0.0.1:{state['port']}/api"
    # Left alone, the server stops by itself after its idle time and removes its state file.
    assert gone(int(state["pid"]), 90)  # type: ignore[call-overload]
    assert not (home / STATE_FILE).exists()
