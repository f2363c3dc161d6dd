"""Ctrl-C and SIGTERM during a command: the process is gone within 5 s with its children, the
database is consistent (integrity, audit trail), and the interrupted cycle carries on with the
next command. A run left waiting after its condition is met is resumed by any next command."""

import os
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session
from typer.testing import CliRunner

from models.assessment import Assessment
from models.cycle import Cycle, transition
from models.stages import Stage
from tests.flows.test_crash_safety import ZWGK, demo_env, documents_issued, run_demo
from zwgk.adapters.db import get_engine
from zwgk.cli.app import app
from zwgk.cycle.steps import set_waiting
from zwgk.results.confirmation import confirm_scores
from zwgk.results.sealing import verify_trail
from zwgk.runner import runs

EXIT_WITHIN = 5.0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def interrupt_demo(root: Path, how: str) -> tuple[float, int]:
    """Run `zwgk demo` until it has issued 20 documents, interrupt it; seconds to exit, code."""
    root.mkdir(parents=True)
    with open(root / "demo.log", "ab") as log:
        process = subprocess.Popen([ZWGK, "demo"], env=demo_env(root), cwd=root, stdout=log, stderr=log,
                                   start_new_session=True)
        deadline = time.monotonic() + 300
        while documents_issued(root / "out" / "zwgk-demo.db") < 20 and time.monotonic() < deadline:
            assert process.poll() is None, "the demo ended before it could be interrupted"
            time.sleep(0.05)
        sent = time.monotonic()
        if how == "ctrl-c":  # the terminal sends SIGINT to the whole foreground group
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        took = time.monotonic() - sent
        gone = time.monotonic() + 5
        while _group_alive(process.pid) and time.monotonic() < gone:
            time.sleep(0.1)
        assert not _group_alive(process.pid), "a child process (the temporary Prefect server) was left running"
    return took, code


def interrupted_and_resumed(root: Path, how: str) -> dict[str, object]:
    """Interrupt a demo, check what it left, let `zwgk demo --keep` finish it; what was seen."""
    took, code = interrupt_demo(root, how)
    db = root / "out" / "zwgk-demo.db"
    with sqlite3.connect(db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()
    with Session(get_engine(f"sqlite:///{db}")) as session:
        trail = verify_trail(session)
    resumed = run_demo(root, "--keep")
    with sqlite3.connect(db) as conn:
        stage = conn.execute("SELECT stage FROM cycle").fetchall()
    return {"took": took, "code": code, "integrity": integrity, "trail": trail, "resumed": resumed,
            "stage": stage, "log": (root / "demo.log").read_text()[-2000:]}


def test_an_interrupted_command_exits_fast_and_leaves_a_consistent_database(tmp_path: Path) -> None:
    seen: dict[str, dict[str, object]] = {}
    threads = [threading.Thread(target=lambda how=how: seen.update({how: interrupted_and_resumed(tmp_path / how, how)}))
               for how in ("ctrl-c", "sigterm")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for how, got in seen.items():
        assert got["took"] < EXIT_WITHIN and got["code"] != 0, (how, got)  # type: ignore[operator]
        assert got["integrity"] == ("ok",) and got["trail"] is None, (how, got)
        assert got["resumed"] == 0 and got["stage"] == [("CLOSED",)], (how, got)
    assert set(seen) == {"ctrl-c", "sigterm"}


def test_the_next_command_resumes_a_run_whose_wait_is_over(session: Session, demo_cycle: Cycle, db_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT):
        transition(session=session, cycle_id=demo_cycle.id, to=stage, actor="测试")  # type: ignore[arg-type]
    session.execute(update(Assessment).values(scored=True))  # all scored and confirmed: the wait is over
    session.commit()
    confirm_scores(session, cycle_id=demo_cycle.id, by="周海宁", on=date(2026, 2, 5))  # type: ignore[arg-type]
    set_waiting(session=session, cycle_id=demo_cycle.id, waiting_for="units:scores")  # type: ignore[arg-type]
    resumed: list[int] = []
    monkeypatch.setattr(runs, "resume", lambda _s, year, **_k: resumed.append(year) or runs.RunInfo(None, None, "x"))
    # A read-only command wakes nothing (it must not move a cycle); the next command that changes
    # something does.
    assert CliRunner().invoke(app, ["units", "list", "--json", "--db", db_url]).exit_code == 0
    assert resumed == []
    result = CliRunner().invoke(app, ["units", "rename", "青岚镇（演示）", "青岚镇（演示）", "--by", "王晓岚",
                                      "--db", db_url])
    assert result.exit_code == 0, result.output
    assert resumed == [2025]

