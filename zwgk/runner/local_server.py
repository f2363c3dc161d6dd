"""One Prefect server per Prefect home on this machine, shared by every zwgk process that runs a
flow in embedded mode (no PREFECT_API_URL): the first process that needs it starts it, the others
find it, and it stops by itself after ``ZWGK_LOCAL_SERVER_IDLE_MIN`` minutes without a request.

Prefect's own temporary server is started anew by each process (4–5 s a command) and picks its
port by trying one that looks free: two processes starting at the same moment could pick the same
port, and one then sent its flow runs to the other's server, which also vanished when that
process ended. Here nothing can be mistaken:

- starting is serialised by a lock file in the Prefect home, so one process starts the server
  while the others wait for it;
- the server binds its own port (port 0: the system picks a free one) before anyone learns it,
  and only then writes the state file that names it;
- the state file carries a random token that the server answers at ``/api/zwgk-server``: a stale file
  (a server that died, its port reused) can never lead a client to a stranger's server;
- the server is a daemon (forked away, in a session of its own), so Ctrl-C or a killed command
  does not take it down while other processes use it.

Run as ``python -m zwgk.runner.local_server HOME`` by ``ensure_server``, never by hand.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from zwgk.core.settings import get_settings

STATE_FILE = "zwgk-server.json"
LOCK_FILE = "zwgk-server.lock"
LOG_FILE = "zwgk-server.log"
#: Answered by the API app itself (the root app serves everything else under "/" to the UI).
IDENTITY_PATH = "/api/zwgk-server"


def prefect_home() -> Path:
    """The Prefect home of this process (PREFECT_HOME, else ~/.prefect), where Prefect keeps its
    database and this module its server's state."""
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser().resolve()


@contextmanager
def locked(path: Path, *, wait: bool = True) -> Iterator[IO[bytes]]:
    """An exclusive lock on ``path`` between processes, held while the block runs (its open file
    is yielded). Without ``wait``, BlockingIOError when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        if os.name == "posix":
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover (Windows)
            import msvcrt

            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    if not wait:
                        raise BlockingIOError(str(path)) from None
                    time.sleep(0.1)
        try:
            yield handle
        finally:
            if os.name == "posix":
                import fcntl

                fcntl.flock(handle, fcntl.LOCK_UN)


def read_state(home: Path, name: str = STATE_FILE) -> dict[str, Any] | None:
    """The state file ``name`` in ``home`` if it names a port and a token, else None."""
    try:
        state = json.loads((home / name).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and {"port", "token"} <= state.keys() else None


def _answers(state: dict[str, Any]) -> bool:
    """Whether the server the state names is up and is the one that wrote it (its token)."""
    url = f"http://127.0.0.1:{int(state['port'])}{IDENTITY_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # nosec B310 (http on loopback, our own port)
            return bool(json.loads(response.read()).get("token") == state["token"])
    except (OSError, ValueError):
        return False


def api_url_of(state: dict[str, Any]) -> str:
    """The API address of the server a state file names."""
    return f"http://127.0.0.1:{int(state['port'])}/api"


def ensure_server(timeout: float = 180.0) -> str:
    """The API address of this Prefect home's shared server, started now if none answers.

    RuntimeError (naming the log file) when a new server does not come up within ``timeout``.
    """
    home = prefect_home()
    with locked(home / LOCK_FILE):
        state = read_state(home)
        if state is not None and _answers(state):
            return api_url_of(state)
        (home / STATE_FILE).unlink(missing_ok=True)
        return _start(home, timeout)


def _start(home: Path, timeout: float) -> str:
    """Start the server detached from this process (not its child: a Ctrl-C that stops this
    command's children leaves it running for the others) and wait until it answers."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_UI_ENABLED="0", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
    with (home / LOG_FILE).open("ab") as log:
        launcher = subprocess.run([sys.executable, "-P", "-m", "zwgk.runner.local_server", str(home)],  # noqa: S603
                                  env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                                  timeout=60, check=False)
    pid = int(launcher.stdout.strip() or 0)
    deadline = time.monotonic() + timeout
    while pid and time.monotonic() < deadline and alive(pid):
        state = read_state(home)
        if state is not None and state.get("pid") == pid and _answers(state):
            return api_url_of(state)
        time.sleep(0.1)
    if pid and alive(pid):
        os.kill(pid, signal.SIGTERM)
    tail = (home / LOG_FILE).read_text("utf-8", "replace")[-2000:]
    raise RuntimeError(f"本机 Prefect 服务器未能启动（日志：{home / LOG_FILE}）(local Prefect server did not "
                       f"start):\n{tail}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover (another user's process)
        return True
    return True


def detach(home: Path, log_name: str) -> None:
    """Become a daemon: fork, tell the launcher the daemon's pid on stdout and let it go; the
    daemon runs in a session of its own with its output in the log file ``log_name``."""
    log = (home / log_name).open("ab")
    pid = os.fork()
    if pid:
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()
        os._exit(0)
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)


def serve(home: Path) -> None:
    """The server process: bind a port, serve Prefect's API on it, write the state file once it
    answers, and stop after the idle time (or when the Prefect home is gone)."""
    import uvicorn
    from prefect.server.api.server import create_app
    from starlette.requests import Request
    from starlette.responses import JSONResponse

    token = secrets.token_hex(16)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(ephemeral=True, final=True)
    last_request = [time.monotonic()]

    @app.middleware("http")
    async def note_activity(request: Request, call_next: Any) -> Any:
        last_request[0] = time.monotonic()
        return await call_next(request)

    @app.api_app.get(IDENTITY_PATH.removeprefix("/api"), include_in_schema=False)
    async def identity() -> JSONResponse:
        return JSONResponse({"token": token})

    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="on"))
    idle = get_settings().local_server_idle_min * 60

    def watch() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        state = {"port": port, "token": token, "pid": os.getpid()}
        temp = home / f".{STATE_FILE}.{token}"
        temp.write_text(json.dumps(state), "utf-8")
        os.replace(temp, home / STATE_FILE)
        while not server.should_exit:
            time.sleep(1)
            if time.monotonic() - last_request[0] > idle or not home.is_dir():
                server.should_exit = True

    threading.Thread(target=watch, name="zwgk-server-watch", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        with suppress(OSError):
            if (read_state(home) or {}).get("token") == token:
                (home / STATE_FILE).unlink()


if __name__ == "__main__":
    if os.name == "posix":
        detach(Path(sys.argv[1]), LOG_FILE)
    else:  # pragma: no cover (Windows: the launcher's child serves)
        sys.stdout.write(f"{os.getpid()}\n")
        sys.stdout.flush()
    serve(Path(sys.argv[1]))
