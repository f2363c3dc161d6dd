"""The warm runner (zwgk.runner.warm): a command that carries a cycle on in embedded mode hands
its run to a process that has Prefect and the flows loaded, and never loads Prefect itself; it
trusts no process but the runner of its own state file, and a runner serves only its own code."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.flows.test_crash_safety import ZWGK
from zwgk.runner import warm
from zwgk.runner.local_server import read_state

LEADER, OFFICE = "张明远", "王晓岚"


def registered(db: Path, doc_type: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM document_register WHERE doc_type = ?", (doc_type,))
                   .fetchone()[0])


def test_a_command_hands_its_run_to_the_warm_runner_and_never_loads_prefect(tmp_path: Path) -> None:
    home, db = tmp_path / "prefect", tmp_path / "zwgk.db"
    env = dict(os.environ, PREFECT_HOME=str(home), ZWGK_DATABASE_URL=f"sqlite:///{db}",
               ZWGK_OUT_DIR=str(tmp_path / "out"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)

    def zwgk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([ZWGK, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                              check=False)

    assert zwgk("init", "--demo").returncode == 0
    started = zwgk("cycle", "start", "2025", "--today", "2026-01-05", "--by", OFFICE)
    assert started.returncode == 0 and "waiting:gate:scheme" in started.stdout, started.stderr
    # The first command ran its flow itself and started a runner for the next ones.
    state_name = f"zwgk-runner-{warm.code_fingerprint()[:16]}.json"
    deadline = time.monotonic() + 180
    while read_state(home, state_name) is None:
        assert time.monotonic() < deadline, (home / warm.LOG_FILE).read_text("utf-8", "replace")[-3000:]
        time.sleep(0.2)
    runner_pid = read_state(home, state_name)["pid"]  # type: ignore[index]
    code = ("import sys\nfrom zwgk.cli.app import app\n"
            f"app(['approve', '2025', 'scheme', '--decision', 'approve', '--by', '{LEADER}', "
            "'--today', '2026-01-07'], standalone_mode=False)\n"
            "print('prefect loaded:', 'prefect' in sys.modules)")
    approved = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=600, check=False)
    assert approved.returncode == 0, approved.stderr
    assert "状态：waiting:units:self_check" in approved.stdout and "prefect loaded: False" in approved.stdout
    assert registered(db, "self_check_notice") == 1  # the run carried on, dated as the command said
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT issued_on FROM document_register WHERE doc_type = 'self_check_notice'"
                            ).fetchone()[0] == "2026-01-07"
    assert read_state(home, state_name)["pid"] == runner_pid  # type: ignore[index]  # the same runner served


def test_a_stranger_on_the_runners_port_learns_nothing() -> None:
    """A stale state file whose port another program took: the command sends a challenge, gets
    no proof, and sends nothing else (not its environment, which holds the database's password)."""
    received = bytearray()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def stranger() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.settimeout(2)
                connection.sendall(b'{"proof": "0000"}\n')
                try:
                    while chunk := connection.recv(65536):
                        received.extend(chunk)
                except OSError:
                    pass

        thread = threading.Thread(target=stranger)
        thread.start()
        state = {"port": listener.getsockname()[1], "token": "the-real-runners-token", "pid": os.getpid()}
        assert warm._ask(state, {"year": 2025}) is None
        thread.join()
    lines = received.decode().splitlines()
    assert len(lines) == 1 and set(json.loads(lines[0])) == {"challenge"}
    assert "the-real-runners-token" not in received.decode()


def test_a_runner_serves_only_the_code_it_loaded(tmp_path: Path) -> None:
    package = tmp_path / "somecode"
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "more.py").write_text("OTHER = 2\n")
    first = warm.code_fingerprint(("somecode",), tmp_path)
    assert warm.code_fingerprint(("somecode",), tmp_path) == first
    (package / "more.py").write_text("OTHER = 3\n")  # same size, a new modification time
    os.utime(package / "more.py", ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert warm.code_fingerprint(("somecode",), tmp_path) != first
    assert warm.code_fingerprint() != warm.code_fingerprint(("somecode",), tmp_path)


def test_an_error_that_cannot_travel_is_sent_as_its_text() -> None:
    class Local(Exception):  # not importable by name: cannot be pickled
        pass

    sent = warm._portable(Local("单位名册为空"))
    assert isinstance(sent, RuntimeError) and "Local: 单位名册为空" in str(sent)
    kept = ValueError("不允许")
    assert warm._portable(kept) is kept
