"""The annual flow as a served deployment against a real Prefect server: it suspends at the
scheme gate, `zwgk approve` resumes it, a refused approval changes nothing."""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.flows.conftest import REPO, wait_until

ZWGK = str(Path(sys.executable).with_name("zwgk"))


def zwgk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ZWGK, *args], env=env, capture_output=True, text=True, timeout=300,
                          cwd=REPO)


def status(env: dict[str, str]) -> dict:
    result = zwgk(env, "cycle", "status", "2025", "--json")
    return json.loads(result.stdout) if result.returncode == 0 else {}


def run_state(env: dict[str, str], run_id: str) -> str:
    with urllib.request.urlopen(f"{env['PREFECT_API_URL']}/flow_runs/{run_id}", timeout=10) as r:
        return json.load(r)["state"]["name"]


def snapshot(db: Path) -> tuple:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return tuple(conn.execute(f"SELECT * FROM {t}").fetchall()
                     for t in ("cycle", "gate_decision", "audit_log"))


@pytest.fixture
def served(prefect_server: dict[str, str], tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "zwgk.db"
    env = dict(prefect_server, ZWGK_DATABASE_URL=f"sqlite:///{db}", ZWGK_OUT_DIR=str(tmp_path / "out"))
    assert zwgk(env, "init", "--demo").returncode == 0
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    server = subprocess.Popen([sys.executable, "-c",
                               "from zwgk.runner.serve import serve_deployments; serve_deployments()"],
                              env=env, cwd=REPO, stdout=log, stderr=log)
    yield env, db
    server.terminate()
    server.wait(timeout=30)
    log.close()


def start_until_scheme_gate(env: dict[str, str]) -> str:
    """Start the 2025 run through the deployment; its id once it is suspended at the scheme gate."""
    wait_until(lambda: zwgk(env, "cycle", "start", "2025", "--today", "2026-01-05",
                            "--by", "王晓岚").returncode == 0,
               timeout=120, interval=3, what="deployment registered and run started")
    report = wait_until(lambda: (s := status(env)) and s["waiting_for"] == "gate:scheme" and s,
                        timeout=180, what="the run to wait at the scheme gate")
    run_id = report["flow_run_id"]
    wait_until(lambda: run_state(env, run_id) == "Suspended", timeout=60, what="run suspended")
    return str(run_id)


def test_suspends_at_gate_and_zwgk_approve_resumes(served) -> None:  # type: ignore[no-untyped-def]
    env, db = served
    run_id = start_until_scheme_gate(env)

    before = snapshot(db)
    wrong_person = zwgk(env, "approve", "2025", "scheme", "--decision", "approve", "--by", "路人甲")
    assert wrong_person.returncode == 2 and "领导小组名单" in wrong_person.stderr
    wrong_gate = zwgk(env, "approve", "2025", "office-review", "--decision", "approve", "--by", "王晓岚")
    assert wrong_gate.returncode == 2 and "不在" in wrong_gate.stderr
    assert snapshot(db) == before
    assert run_state(env, run_id) == "Suspended"

    approved = zwgk(env, "approve", "2025", "scheme", "--decision", "approve", "--by", "张明远",
                    "--comment", "同意印发")
    assert approved.returncode == 0, approved.stderr
    moved = wait_until(lambda: (s := status(env)) and s["stage"] == "self_check"
                       and s["waiting_for"] == "units:self_check" and s,
                       timeout=180, what="the resumed run to open the self-check stage")
    assert any("实施方案" in d["title"] for d in moved["documents"])
    wait_until(lambda: run_state(env, run_id) == "Suspended", timeout=60,
               what="run suspended again, waiting for units")
    # The office's dashboard in the Prefect UI: the self-check table and the documents issued.
    assert {"zwgk-2025-self-check", "zwgk-2025-documents"} <= artifact_keys(env)


def artifact_keys(env: dict[str, str]) -> set[str]:
    request = urllib.request.Request(f"{env['PREFECT_API_URL']}/artifacts/filter", data=b"{}",
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return {a["key"] for a in json.load(response) if a.get("key")}
