"""With a Prefect server, a leading-group member's decision on the workbench resumes the
suspended deployment run, as `zwgk approve` does."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx

from tests.flows.conftest import REPO, free_port, wait_until
from tests.flows.test_served_deployment import served, start_until_scheme_gate, status  # noqa: F401 (served: a fixture)
from tests.web.conftest import csrf_of

PASSWORD = "served-pass-1"


def test_web_decision_resumes_the_suspended_run(served, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    env, db = served
    run_id = start_until_scheme_gate(env)
    created = subprocess.run([str(Path(sys.executable).with_name("zwgk")), "accounts", "create", "leader",
                              "--person", "张明远", "--password-stdin", "--by", "王晓岚"],
                             input=PASSWORD + "\n", env=env,
                             capture_output=True, text=True, timeout=120, cwd=REPO)
    assert created.returncode == 0, created.stderr

    port = free_port()
    log = (tmp_path / "web.log").open("wb")
    web = subprocess.Popen([sys.executable, "-c", "from zwgk.cli.app import main; main()", "web", "--port", str(port)],
                           env=env, cwd=REPO, stdout=log, stderr=log)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            login_page = wait_until(lambda: _get(client, "/login"), timeout=120, what="the workbench")
            response = client.post("/login", data={"username": "leader", "password": PASSWORD,
                                                   "csrf_token": csrf_of(login_page)})
            assert response.status_code == 303, response.text
            gate = client.get("/cycles/2025/gates/scheme")
            assert "实施方案（送审稿）" in gate.text
            response = client.post("/cycles/2025/gates/scheme", data={
                "decision": "approve", "comment": "同意印发", "csrf_token": csrf_of(gate.text)})
            assert response.status_code == 303, response.text
            assert "年度考核已恢复运行" in client.get("/cycles/2025").text
    finally:
        web.terminate()
        web.wait(timeout=30)
        log.close()
    moved = wait_until(lambda: (s := status(env)) and s["stage"] == "self_check"
                       and s["waiting_for"] == "units:self_check" and s,
                       timeout=180, what="the resumed run to open the self-check stage")
    assert moved["flow_run_id"] == run_id  # the same run, resumed; not a new one
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT decided_by, decision FROM gate_decision").fetchall() == [("张明远", "approve")]


def _get(client: httpx.Client, path: str) -> str | None:
    try:
        return client.get(path).text
    except httpx.TransportError:
        return None
