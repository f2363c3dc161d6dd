"""On the demo's database, `zwgk audit verify` finds what a database editor did: the newest audit
row deleted, the newest ten deleted, or the newest row rewritten with a hash that fits the chain
(which the database alone cannot tell)."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, col, create_engine, select

from models.audit import AuditEntry, _digest

from tests.flows.test_crash_safety import ZWGK, demo_env, run_demo


def edit(db: Path, sql: str) -> None:
    """Change the database as an editor would: with the sqlite3 shell when there is one."""
    if shutil.which("sqlite3"):
        subprocess.run(["sqlite3", str(db), sql], check=True)
    else:
        with sqlite3.connect(db) as conn:
            conn.executescript(sql)


def rewrite_newest(db: Path) -> None:
    """Replace the newest row's text and recompute its hash the way models.audit does (whoever
    can read the code can), writing the database directly."""
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
        assert entry is not None
        entry.comment = "（已删改）"
        forged = _digest(entry)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_log SET comment = ?, hash = ? WHERE id = ?", ("（已删改）", forged, entry.id))
    engine.dispose()


@pytest.mark.parametrize("attack", ["newest", "newest ten", "rewritten"])
def test_verify_finds_a_cut_or_rewritten_tail_of_the_demo(tmp_path_factory: pytest.TempPathFactory,
                                                          attack: str) -> None:
    root = demo(tmp_path_factory)
    db = root / f"{attack}.db"
    with sqlite3.connect(root / "out" / "zwgk-demo.db") as source, sqlite3.connect(db) as copy:
        source.backup(copy)  # the file alone would lack what is still in its write-ahead log
    env = witnessed_env(root)
    before = subprocess.run([ZWGK, "audit", "verify", "--db", f"sqlite:///{db}"], env=env, cwd=root,
                            capture_output=True, text=True)
    assert before.returncode == 0, before.stdout + before.stderr
    if attack == "rewritten":
        rewrite_newest(db)
    else:
        edit(db, "DELETE FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - "
                 f"{1 if attack == 'newest' else 10}; DELETE FROM audit_anchor;")
    after = subprocess.run([ZWGK, "audit", "verify", "--db", f"sqlite:///{db}"], env=env, cwd=root,
                           capture_output=True, text=True)
    assert after.returncode == 1, after.stdout
    said = after.stdout + after.stderr
    if attack == "rewritten":
        assert "改写" in said, said  # the chain itself still checks: only the witness knows
    else:
        assert f"缺少 {1 if attack == 'newest' else 10} 条" in said, said


_DEMO: dict[str, Path] = {}


def witnessed_env(root: Path) -> dict[str, str]:
    """The demo's environment, its audit witness where `zwgk demo` puts it: beside out/."""
    return {k: v for k, v in demo_env(root).items() if k != "ZWGK_AUDIT_WITNESS"}


def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One `zwgk demo` for the three attacks."""
    if "root" not in _DEMO:
        root = tmp_path_factory.mktemp("demo")
        own = os.environ.pop("ZWGK_AUDIT_WITNESS", None)  # each test's own: not the demo's
        try:
            assert run_demo(root) == 0, (root / "demo.log").read_text()[-3000:]
        finally:
            if own is not None:
                os.environ["ZWGK_AUDIT_WITNESS"] = own
        assert (root / "out.audit-witness.jsonl").is_file()
        _DEMO["root"] = root
    return _DEMO["root"]
