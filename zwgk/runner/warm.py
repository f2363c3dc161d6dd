"""The annual flow run in embedded mode, in a process that has Prefect and the flows loaded.

A command that carries a cycle on in embedded mode spent most of its time loading: Prefect
(1–2 s, its settings models most of it) and the flows, before a run of about a second. So
beside this Prefect home's shared server (zwgk.runner.local_server) a warm runner waits with
everything loaded; for each run it forks a child, which takes the command's environment and
working folder, runs the flow exactly as the command would have, and sends back the outcome,
what the run printed, or its error. The command itself never loads Prefect.

- The runner is started by the first command that finds none (in the background: that command
  runs its flow itself) and stops after ``ZWGK_LOCAL_SERVER_IDLE_MIN`` minutes without a run.
- It serves the code it loaded, and only that: its state file is named after a fingerprint of
  the code (the interpreter, and every module of zwgk, models, tasks and flows with its size and
  time), so a changed or reinstalled zwgk starts a runner of its own instead of being served
  old code.
- Each side proves it knows the token of the state file before the other says anything of
  weight: the runner answers a random challenge with an HMAC before the command sends its
  environment, and the command's request carries the token; the answer is signed too. A
  stale file (a runner that died, its port reused) leads to nothing worse than running here.
- A command that stops (Ctrl-C, killed) stops its run: the child watches the connection and,
  when the command is gone, ends itself as a stopped command would (SIGTERM, which Prefect
  reports as a crash; SIGKILL after ``GRACE_SECONDS``). The database is left as its last commit
  left it, and the next command carries the cycle on.

Run as ``python -m zwgk.runner.warm HOME`` by ``run``, never by hand. Posix only: elsewhere, or
with ``ZWGK_WARM_RUNNER=false``, the flow runs in the command's own process.
"""

import contextlib
import hashlib
import hmac
import io
import json
import os
import pickle  # nosec B403 (only answers signed with the state file's token are read)
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from zwgk.core.settings import get_settings
from zwgk.runner.local_server import alive, detach, locked, prefect_home, read_state

PACKAGES = ("zwgk", "models", "tasks", "flows")
#: Where the packages are installed (side by side, as the wheel and the editable install put them).
CODE_ROOT = Path(__file__).resolve().parents[2]
LOG_FILE = "zwgk-runner.log"
GRACE_SECONDS = 3.0
#: The longest a line of the protocol may be (a request carries the command's environment).
MAX_LINE = 4 * 1024 * 1024


@dataclass(frozen=True)
class Ran:
    """A run of the annual flow: its id and where it stopped."""

    flow_run_id: str
    outcome: str


def run_here(api: str, year: int, today: date | None, started_by: str) -> Ran:
    """Run the annual flow in this process against the Prefect server at ``api``."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    from flows.annual import CycleOptions, annual_assessment

    # No heartbeat thread: a run that lives only as long as its command needs none to be found
    # crashed, and joining it at the end cost the command up to a second (it sleeps in 1 s steps).
    with temporary_settings({PREFECT_API_URL: api, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        state = annual_assessment(year, CycleOptions(today=today, started_by=started_by), return_state=True)
        outcome = state.result()
    return Ran(str(state.state_details.flow_run_id), str(outcome))


def run(api: str, year: int, today: date | None, started_by: str) -> Ran:
    """Run the annual flow in this Prefect home's warm runner if one serves this code, else
    here (starting a runner in the background for the commands that follow)."""
    if os.name != "posix" or not get_settings().warm_runner:  # no fork, or switched off
        return run_here(api, year, today, started_by)
    home, code = prefect_home(), code_fingerprint()
    state = read_state(home, _state_name(code))
    if state is not None:
        answer = _ask(state, {"api": api, "year": year, "today": today.isoformat() if today else None,
                              "started_by": started_by})
        if answer is not None:
            ran, output, error = answer
            sys.stderr.write(output)
            if error is not None:
                raise error
            assert ran is not None
            return ran
    _launch(home)
    return run_here(api, year, today, started_by)


def code_fingerprint(packages: tuple[str, ...] = PACKAGES, root: Path = CODE_ROOT) -> str:
    """What identifies the code a runner has loaded (see the module's docstring). The packages
    are installed side by side, so they are looked for beside this one's, never on the path of
    the process asking (a test run, a folder with a ``flows`` of its own)."""
    digest = hashlib.sha256(f"{sys.executable}\n{sys.version}\n".encode())
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path}\n{stat.st_size}\n{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _state_name(code: str) -> str:
    return f"zwgk-runner-{code[:16]}.json"


def _mac(token: str, data: bytes) -> str:
    return hmac.new(token.encode(), data, hashlib.sha256).hexdigest()


def _line(sock: socket.socket) -> dict[str, Any]:
    """One JSON line from ``sock`` (ValueError when the other side closed or sent nonsense)."""
    buffer = bytearray()
    while not buffer.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk or len(buffer) > MAX_LINE:
            raise ValueError("connection closed")
        buffer += chunk
    value = json.loads(buffer)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def _send(sock: socket.socket, value: dict[str, Any]) -> None:
    sock.sendall(json.dumps(value).encode() + b"\n")


def _ask(state: dict[str, Any], request: dict[str, Any]) -> tuple[Ran | None, str, BaseException | None] | None:
    """The runner's answer to ``request``; None when no runner of this state file answers, and
    then nothing of the request has been sent. RuntimeError when the runner took the request
    but its run ended without an answer."""
    token = str(state["token"])
    try:
        sock = socket.create_connection(("127.0.0.1", int(state["port"])), timeout=5)
    except OSError:
        return None
    with sock:
        try:
            challenge = secrets.token_hex(16)
            _send(sock, {"challenge": challenge})
            if not hmac.compare_digest(str(_line(sock).get("proof", "")), _mac(token, challenge.encode())):
                return None
        except (OSError, ValueError):
            return None
        sock.settimeout(None)  # a run takes as long as it takes; the command may be stopped
        try:
            _send(sock, {**request, "token": token, "env": dict(os.environ), "cwd": os.getcwd()})
            answer = _line(sock)
            body = bytes.fromhex(str(answer.get("body", "")))
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"年度考核运行意外中断，请查看 {prefect_home() / LOG_FILE} 后重试 "
                               f"(the warm runner's run ended without an answer: {exc})") from exc
    if not hmac.compare_digest(str(answer.get("mac", "")), _mac(token, body)):
        raise RuntimeError("年度考核运行的答复未通过校验 (the warm runner's answer is not signed with its token)")
    return pickle.loads(body)  # type: ignore[no-any-return]  # nosec B301 (signed by the runner)


def _launch(home: Path) -> None:
    """Start a runner for this code in the background (a second one started at the same moment
    sees the first holding the lock and leaves); forget the state files of runners gone."""
    for stale in home.glob("zwgk-runner-*.json"):
        pid = int((read_state(home, stale.name) or {}).get("pid", 0))
        if not pid or not alive(pid):
            stale.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    with (home / LOG_FILE).open("ab") as log:
        # -P: not the command's folder on the path, where a folder called models or tasks would do
        subprocess.run([sys.executable, "-P", "-m", "zwgk.runner.warm", str(home)],  # nosec B603
                       env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, timeout=60,
                       check=False)


def serve(home: Path) -> None:
    """The runner process: load everything, listen on a loopback port, name it in the state
    file, and fork a child for each run until idle for ``ZWGK_LOCAL_SERVER_IDLE_MIN`` minutes."""
    code = code_fingerprint()
    with contextlib.ExitStack() as stack:
        try:
            lock = stack.enter_context(locked(home / f"zwgk-runner-{code[:16]}.lock", wait=False))
        except BlockingIOError:
            return  # another runner of this code is starting or serving
        import prefect.settings  # noqa: F401

        import flows.annual  # noqa: F401  (loaded once here, for every child)

        token = secrets.token_hex(16)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.settimeout(1.0)
        state_file = home / _state_name(code)
        temp = home / f".{state_file.name}.{token}"
        temp.write_text(json.dumps({"port": listener.getsockname()[1], "token": token, "pid": os.getpid()}), "utf-8")
        os.replace(temp, state_file)
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
        idle, last = get_settings().local_server_idle_min * 60, time.monotonic()
        try:
            while time.monotonic() - last < idle and home.is_dir():
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    continue
                last = time.monotonic()
                if os.fork() == 0:
                    # The child keeps neither the listener nor the lock (which would outlive the runner).
                    listener.close()
                    os.close(lock.fileno())
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    try:
                        _serve_one(connection, token)
                    finally:
                        os._exit(0)
                connection.close()
        finally:
            with contextlib.suppress(OSError):
                if (read_state(home, state_file.name) or {}).get("token") == token:
                    state_file.unlink()


def _serve_one(connection: socket.socket, token: str) -> None:
    """A child: prove the token, take the command's request, run it, answer."""
    with connection:
        connection.settimeout(30)
        try:
            _send(connection, {"proof": _mac(token, str(_line(connection).get("challenge", "")).encode())})
            connection.settimeout(None)
            request = _line(connection)
        except (OSError, ValueError):
            return
        if not hmac.compare_digest(str(request.get("token", "")), token):
            return
        threading.Thread(target=_stop_with_the_command, args=(connection,), daemon=True).start()
        answer = _run_request(request)
        body = pickle.dumps(answer)
        _send(connection, {"mac": _mac(token, body), "body": body.hex()})


def _run_request(request: dict[str, Any]) -> tuple[Ran | None, str, BaseException | None]:
    """Run the request as the command would have (its environment, its folder); what it printed
    is captured and sent back with the outcome or the error."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    get_settings.cache_clear()
    from prefect.context import refresh_global_settings_context

    refresh_global_settings_context()
    ran: Ran | None = None
    error: BaseException | None = None
    with tempfile.TemporaryFile() as captured:
        for fd in (1, 2):
            os.dup2(captured.fileno(), fd)
        try:
            today = date.fromisoformat(request["today"]) if request["today"] else None
            ran = run_here(str(request["api"]), int(request["year"]), today, str(request["started_by"]))
        except BaseException as exc:  # noqa: BLE001 (every error goes back to the command)
            error = _portable(exc)
        sys.stdout.flush()
        sys.stderr.flush()
        captured.seek(0)
        output = io.TextIOWrapper(captured, "utf-8", "replace").read()
    return ran, output, error


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives the trip to the command, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(exc))  # nosec B301 (our own bytes)
    except Exception:  # noqa: BLE001 (any failure to pickle or rebuild)
        return RuntimeError("".join(traceback.format_exception(exc)))
    return exc


def _stop_with_the_command(connection: socket.socket) -> None:
    """End this child when its command is gone: the command sends nothing more, so a read
    returns only when the connection closes."""
    with contextlib.suppress(OSError):
        connection.recv(1)
    timer = threading.Timer(GRACE_SECONDS, lambda: os.kill(os.getpid(), signal.SIGKILL))
    timer.daemon = True
    timer.start()
    os.kill(os.getpid(), signal.SIGTERM)


if __name__ == "__main__":
    # Served from the module under its own name, not as __main__: the outcomes it pickles must
    # name classes the commands can find (zwgk.runner.warm.Ran).
    from zwgk.runner import warm  # noqa: PLW0406 (as said above)

    detach(Path(sys.argv[1]), LOG_FILE)
    warm.serve(Path(sys.argv[1]))
