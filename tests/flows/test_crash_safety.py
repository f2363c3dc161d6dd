"""Crash safety and determinism of the whole cycle (`zwgk demo`).

A demo process is killed (SIGKILL, whole process group) at several points — early, inside
the task that issues the 37 self-check forms, and late in rectification — then `zwgk demo
--keep` carries on. Each ends in exactly the state of an uninterrupted run: the same rows,
the same document numbers, the same files with the same SHA-256 (which also shows that two
runs produce the same documents). The scenarios run side by side to keep the suite short.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ZWGK = str(Path(sys.executable).with_name("zwgk"))
TABLES = ("cycle", "assessment", "self_score", "deduction", "daily_record", "special_item",
          "gate_decision", "document_register", "deadline", "reminder", "rectification_item",
          "audit_log")
KILL_AFTER_DOCUMENTS = (2, 20, 140)


def demo_env(root: Path) -> dict[str, str]:
    return dict(os.environ, ZWGK_OUT_DIR=str(root / "out"), PREFECT_HOME=str(root / "prefect"),
                PREFECT_SERVER_ANALYTICS_ENABLED="false")


def documents_issued(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM document_register").fetchone()[0])
    except sqlite3.Error:
        return 0


def run_demo(root: Path, *args: str, kill_after: int | None = None) -> int:
    """Run `zwgk demo`; with ``kill_after``, SIGKILL it once that many documents exist."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "demo.log", "ab") as log:
        process = subprocess.Popen([ZWGK, "demo", *args], env=demo_env(root), cwd=root,
                                   stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 600
        while process.poll() is None and time.monotonic() < deadline:
            if kill_after is not None and documents_issued(root / "out" / "zwgk-demo.db") >= kill_after:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return -9
            time.sleep(0.05)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError(f"demo in {root} did not finish")
        return process.returncode


def final_state(root: Path) -> dict[str, object]:
    """Everything that must not differ between runs (ids and timestamps aside)."""
    db = root / "out" / "zwgk-demo.db"
    with sqlite3.connect(db) as conn:
        state: dict[str, object] = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                    for t in TABLES}
        state["register"] = conn.execute(
            "SELECT doc_key, number, title, path, sha256 FROM document_register ORDER BY doc_key").fetchall()
        state["stage"] = conn.execute("SELECT stage FROM cycle").fetchall()
        state["results"] = conn.execute(
            "SELECT unit_id, score, grade, rank, self_check_status FROM assessment ORDER BY unit_id").fetchall()
    state["files"] = sorted(str(p.relative_to(root / "out")) for p in (root / "out" / "2025").rglob("*.docx"))
    return state


def test_killed_runs_end_in_the_state_of_an_uninterrupted_run(tmp_path: Path) -> None:
    outcomes: dict[str, object] = {}

    def reference() -> None:
        outcomes["reference"] = run_demo(tmp_path / "reference")

    def crashed(after: int) -> None:
        root = tmp_path / f"killed-after-{after}"
        outcomes[f"kill-{after}"] = run_demo(root, kill_after=after)
        outcomes[f"resume-{after}"] = run_demo(root, "--keep")

    threads = [threading.Thread(target=reference)]
    threads += [threading.Thread(target=crashed, args=(n,)) for n in KILL_AFTER_DOCUMENTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes["reference"] == 0, (tmp_path / "reference" / "demo.log").read_text()[-3000:]
    expected = final_state(tmp_path / "reference")
    assert expected["stage"] == [("CLOSED",)]  # SQLAlchemy stores enum names
    for after in KILL_AFTER_DOCUMENTS:
        root = tmp_path / f"killed-after-{after}"
        assert outcomes[f"kill-{after}"] == -9, f"the run finished before {after} documents"
        assert outcomes[f"resume-{after}"] == 0, (root / "demo.log").read_text()[-3000:]
        actual = final_state(root)
        differing = {k: (expected[k], actual[k]) for k in expected if k != "register" and expected[k] != actual[k]}
        only_one = set(expected["register"]) ^ set(actual["register"])  # type: ignore[arg-type]
        assert not differing and not only_one, (
            f"after a kill at {after} documents: {differing}; register rows in one run only: "
            f"{sorted(only_one)[:6]}")
