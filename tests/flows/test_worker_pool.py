"""Beyond one machine (README, running mode 3): a Prefect server on PostgreSQL, the deployments
of prefect.yaml created by `prefect deploy --all`, a process worker that finds the code through
ZWGK_CODE_DIR, and zwgk's data on PostgreSQL. A cycle started with `zwgk cycle start` waits at
the scheme gate, `zwgk approve` resumes it on the worker, and it opens the self-check stage.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, password from ZWGK_TEST_PG_PASSWORD, default
the CI's zwgk-ci), as .ci/run starts it; skipped when it is not reachable.
"""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.flows.conftest import REPO, free_port, wait_until
from zwgk.runner.serve import wait_for_server

ZWGK = str(Path(sys.executable).with_name("zwgk"))
PREFECT = str(Path(sys.executable).with_name("prefect"))
PG = f"postgres:{os.environ.get('ZWGK_TEST_PG_PASSWORD', 'zwgk-ci')}@127.0.0.1:5432"


def _admin():  # type: ignore[no-untyped-def]
    return create_engine(f"postgresql+psycopg://{PG}/postgres", isolation_level="AUTOCOMMIT")


def _reachable() -> bool:
    try:
        with _admin().connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except (OperationalError, ImportError):
        return False


pytestmark = pytest.mark.skipif(not _reachable(), reason="PostgreSQL 不可用（127.0.0.1:5432），跳过工作池测试")


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """Two fresh PostgreSQL databases: Prefect's and zwgk's; their names."""
    names = (f"zwgk_prefect_{uuid.uuid4().hex[:8]}", f"zwgk_data_{uuid.uuid4().hex[:8]}")
    admin = _admin()
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield names
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pool(databases: tuple[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """A Prefect server on PostgreSQL, the deployments, one process worker; the env to use them."""
    prefect_db, zwgk_db = databases
    port = free_port()
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
               PREFECT_API_DATABASE_CONNECTION_URL=f"postgresql+asyncpg://{PG}/{prefect_db}",
               ZWGK_DATABASE_URL=f"postgresql+psycopg://{PG}/{zwgk_db}",
               ZWGK_OUT_DIR=str(tmp_path / "shared-out"), ZWGK_CODE_DIR=str(REPO))
    logs = open(tmp_path / "pool.log", "wb")  # noqa: SIM115 (kept open while the processes run)
    processes = [subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=logs, stderr=logs)]
    try:
        wait_for_server(env["PREFECT_API_URL"], timeout=180)
        for command in (["work-pool", "create", "zwgk-office", "--type", "process"], ["deploy", "--all"]):
            done = subprocess.run([PREFECT, *command], env=env, cwd=REPO, capture_output=True, text=True,
                                  timeout=300)
            assert done.returncode == 0, done.stdout + done.stderr
        # The worker runs elsewhere than the deploy: the pull step finds the code by ZWGK_CODE_DIR.
        elsewhere = tmp_path / "worker-machine"
        elsewhere.mkdir()
        processes.append(subprocess.Popen([PREFECT, "worker", "start", "--pool", "zwgk-office"], env=env,
                                          cwd=elsewhere, stdout=logs, stderr=logs))
        yield env
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()


def _zwgk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ZWGK, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)


def _status(env: dict[str, str]) -> dict:
    done = _zwgk(env, "cycle", "status", "2025", "--json")
    return json.loads(done.stdout) if done.returncode == 0 else {}


def test_a_cycle_runs_through_the_scheme_gate_on_a_worker_pool(pool: dict[str, str]) -> None:
    env = pool
    assert _zwgk(env, "init", "--demo").returncode == 0
    started = _zwgk(env, "cycle", "start", "2025", "--today", "2026-01-05", "--by", "王晓岚")
    assert started.returncode == 0, started.stderr
    wait_until(lambda: _status(env).get("waiting_for") == "gate:scheme", timeout=300, interval=2,
               what="the worker's run to wait at the scheme gate")
    refused = _zwgk(env, "approve", "2025", "scheme", "--decision", "approve", "--by", "张明远",
                    "--today", "2026-01-07")
    assert refused.returncode == 2 and "--today" in refused.stderr
    approved = wait_until(lambda: (done := _zwgk(env, "approve", "2025", "scheme", "--decision", "approve",
                                                  "--by", "张明远")).returncode == 0 and done,
                          timeout=120, interval=3, what="the approval")
    assert "resumed" in approved.stdout or "running" in approved.stdout
    moved = wait_until(lambda: (s := _status(env)) and s["stage"] == "self_check"
                       and s["waiting_for"] == "units:self_check" and s,
                       timeout=300, interval=2, what="the resumed run to open the self-check stage")
    documents = moved["documents"]  # written by the worker into the shared output folder
    assert any("自查" in d["title"] for d in documents)
    assert all((Path(env["ZWGK_OUT_DIR"]) / d["path"]).is_file() for d in documents)
