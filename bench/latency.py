"""Benchmark: what staff wait for. A fresh `zwgk cycle status` process; in embedded mode (no
Prefect server configured) `zwgk cycle start` and `zwgk approve`, each a fresh process that
carries the cycle on through this machine's shared local Prefect server (the first command of
the benchmark starts it, as the first command of the day would: that start is reported apart);
and with a Prefect server and the served deployments running, the time from `zwgk approve`
(scheme gate) to the next stage's documents in the register.

Usage: ``python bench/latency.py [--cycles 5]``. Progress on stderr, one JSON object on stdout
(see bench/README.md). Uses the demo district in a temporary folder and a Prefect server of its
own on a free loopback port.
"""

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ZWGK = str(Path(sys.executable).with_name("zwgk"))
FIRST_YEAR = 2021
LEADER = "张明远"  # the demo's leading-group head
OFFICE = "王晓岚"  # the demo's office head, who starts the cycles


def log(text: str) -> None:
    """Progress on stderr (stdout carries the JSON alone)."""
    print(text, file=sys.stderr, flush=True)


def zwgk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run one zwgk command as staff would, in a fresh process."""
    return subprocess.run([ZWGK, *args], env=env, capture_output=True, text=True, timeout=600, cwd=REPO)


def status_seconds(env: dict[str, str], year: int, repeat: int = 5) -> list[float]:
    """Wall seconds of ``repeat`` fresh `zwgk cycle status YEAR` processes."""
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        done = zwgk(env, "cycle", "status", str(year))
        times.append(time.perf_counter() - begin)
        assert done.returncode == 0, done.stderr
    return times


def waiting_for(db: Path, year: int) -> str | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT waiting_for FROM cycle WHERE year = ?", (year,)).fetchone()
    return row[0] if row else None


def next_stage_registered(db: Path, year: int) -> bool:
    """The documents that follow the scheme gate are in the register: the scheme notice, the
    self-check notice and every assessed unit's self-check form (issued last)."""
    with sqlite3.connect(db) as conn:
        return bool(conn.execute(
            "SELECT (SELECT count(*) FROM document_register d WHERE d.cycle_id = c.id "
            "AND d.doc_type = 'self_check_form') = (SELECT count(*) FROM assessment a WHERE a.cycle_id = c.id) "
            "FROM cycle c WHERE c.year = ?", (year,)).fetchone()[0])


def wait(predicate: Any, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(what)


def embedded_commands(env: dict[str, str], db: Path, cycles: int) -> dict[str, list[float]]:
    """Wall seconds of fresh `zwgk cycle start YEAR` and `zwgk approve YEAR scheme` processes in
    embedded mode, for ``cycles`` years after a first command that starts the local server.

    Each year on a copy of the demo district as set up (``db``), as an office meets them: one
    cycle at a time. On one database the years' runs would wait side by side, and the start of
    a year, dated a year after the one before, would also carry the year before on (its
    self-check period over by that date): two flow runs measured as one command."""
    home = Path(env["ZWGK_OUT_DIR"]).parent / "embedded-prefect-home"
    times: dict[str, list[float]] = {"first_start": [], "start": [], "approve": []}
    for n, year in enumerate(range(FIRST_YEAR - 10, FIRST_YEAR - 10 + cycles + 1)):
        own = db.with_name(f"embedded-{year}.db")
        shutil.copyfile(db, own)
        embedded = dict(env, PREFECT_HOME=str(home), ZWGK_DATABASE_URL=f"sqlite:///{own}")
        begin = time.perf_counter()
        done = zwgk(embedded, "cycle", "start", str(year), "--today", f"{year + 1}-01-05", "--by", OFFICE)
        assert done.returncode == 0, done.stderr
        times["first_start" if n == 0 else "start"].append(time.perf_counter() - begin)
        begin = time.perf_counter()
        done = zwgk(embedded, "approve", str(year), "scheme", "--decision", "approve", "--by", LEADER,
                    "--today", f"{year + 1}-01-07")
        assert done.returncode == 0, done.stderr
        times["approve"].append(time.perf_counter() - begin)
        log(f"  embedded {year}: start {times['first_start' if n == 0 else 'start'][-1]:.2f} s, "
            f"approve {times['approve'][-1]:.2f} s")
    return times


def served_approvals(env: dict[str, str], db: Path, cycles: int) -> list[float]:
    """For ``cycles`` years: start the deployment, wait at the scheme gate, then time `zwgk
    approve` until the next stage's documents are registered."""
    from tests.flows.conftest import free_port
    from zwgk.runner.serve import wait_for_server

    port = free_port()
    home = Path(env["ZWGK_OUT_DIR"]).parent / "prefect-home"
    served_env = dict(env, PREFECT_HOME=str(home), PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
                      PREFECT_SERVER_ANALYTICS_ENABLED="false")
    logs = open(home.with_suffix(".log"), "wb")  # noqa: SIM115 (kept open while the processes run)
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=served_env, stdout=logs, stderr=logs)
    serving = None
    try:
        wait_for_server(served_env["PREFECT_API_URL"], timeout=180)
        serving = subprocess.Popen([sys.executable, "-c", "from zwgk.runner.serve import serve_deployments; "
                                    "serve_deployments()"], env=served_env, cwd=REPO, stdout=logs, stderr=logs)
        times = []
        for year in range(FIRST_YEAR, FIRST_YEAR + cycles):
            started = time.monotonic()
            while (done := zwgk(served_env, "cycle", "start", str(year), "--today", f"{year + 1}-01-05",
                                "--by", OFFICE)).returncode:
                if time.monotonic() - started > 180:
                    raise TimeoutError(f"deployment never registered: {done.stderr}")
                time.sleep(2)
            wait(lambda: waiting_for(db, year) == "gate:scheme", 180, "run waiting at the scheme gate")
            time.sleep(3)  # let the run reach its suspension
            begin = time.perf_counter()
            done = zwgk(served_env, "approve", str(year), "scheme", "--decision", "approve", "--by", LEADER)
            assert done.returncode == 0, done.stderr
            wait(lambda: next_stage_registered(db, year), 120, "the next stage's documents")
            times.append(time.perf_counter() - begin)
            log(f"  {year}: approve → next stage's documents registered in {times[-1]:.2f} s")
        return times
    finally:
        for process in (serving, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        logs.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(prefix="zwgk-latency-") as temp:
        db = Path(temp) / "zwgk.db"
        env = dict(os.environ, ZWGK_DATABASE_URL=f"sqlite:///{db}", ZWGK_OUT_DIR=str(Path(temp) / "out"))
        env.pop("PREFECT_API_URL", None)
        assert zwgk(env, "init", "--demo").returncode == 0
        subprocess.run([sys.executable, "-c", "from zwgk.adapters.db import session_scope\n"
                        "from zwgk.cycle.steps import start_cycle\nwith session_scope() as s:\n"
                        f"    start_cycle(session=s, year={FIRST_YEAR - 1}, actor='基准')"],
                       env=env, check=True, cwd=REPO)
        pristine = db.with_name("pristine.db")
        shutil.copyfile(db, pristine)
        status = status_seconds(env, FIRST_YEAR - 1)
        log(f"fresh `zwgk cycle status`: {', '.join(f'{t:.2f}' for t in status)} s")
        embedded = embedded_commands(env, pristine, args.cycles)
        approvals = served_approvals(env, db, args.cycles)
    print(json.dumps({
        "status_s_median": round(statistics.median(status), 3),
        "status_s": [round(t, 3) for t in status],
        "embedded_first_start_s": round(embedded["first_start"][0], 2),
        "embedded_start_s_median": round(statistics.median(embedded["start"]), 2),
        "embedded_approve_s_median": round(statistics.median(embedded["approve"][1:]), 2),
        "embedded_start_s": [round(t, 2) for t in embedded["start"]],
        "embedded_approve_s": [round(t, 2) for t in embedded["approve"]],
        "approve_to_documents_s_median": round(statistics.median(approvals), 2),
        "approve_to_documents_s_worst": round(max(approvals), 2),
        "approve_to_documents_s": [round(t, 2) for t in approvals],
    }, indent=2))


if __name__ == "__main__":
    main()
