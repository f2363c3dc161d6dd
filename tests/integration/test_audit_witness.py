"""The audit witness outside the database: every committed audit write appends the chain's head
to an append-only file; `zwgk audit verify` names a cut tail, a rewritten chain or a witness that
does not match; several processes append at once; backups carry it; the public results page
prints the head the results were sealed with."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from models.audit import SEAL, AuditEntry, record
from models.cycle import Cycle
from tests.integration.test_audit_trail import published  # noqa: F401  (fixture)
from zwgk.adapters import witness
from zwgk.adapters.backup import backup, restore
from zwgk.adapters.db import get_engine
from zwgk.cli.app import app
from zwgk.documents.issue.publish import issue_results_circular, publish_results_page
from zwgk.results.sealing import verify_trail

REPO = Path(__file__).parents[2]


def heads(path: Path) -> list[tuple[int, str]]:
    seen = witness.read(path)
    assert seen is not None and seen.unreadable == 0
    return [(h.id, h.hash) for h in seen.heads]


def newest(session: Session, n: int = 1) -> list[AuditEntry]:
    session.expire_all()
    return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(n)).all())


def delete_newest(session: Session, n: int) -> None:
    """What a database editor does: delete the newest ``n`` audit rows (and every anchor)."""
    session.execute(text("DELETE FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - :n"), {"n": n})
    session.execute(text("DELETE FROM audit_anchor"))
    session.commit()


def test_every_commit_that_audits_appends_the_new_head(session: Session, demo_cycle: Cycle,
                                                       own_audit_witness: Path) -> None:
    before = heads(own_audit_witness)
    record(session, actor="李文", action="test.one")
    record(session, actor="李文", action="test.two")
    session.commit()
    [last] = newest(session)
    assert heads(own_audit_witness) == [*before, (last.id, last.hash)]  # one line a commit, its head
    record(session, actor="李文", action="test.undone")
    session.rollback()
    session.add(Cycle(year=2030))
    session.commit()  # a commit without an audit row
    assert heads(own_audit_witness) == [*before, (last.id, last.hash)]
    assert verify_trail(session) is None


@pytest.mark.parametrize("cut", [1, 10])
def test_a_cut_tail_is_named(session: Session, demo_cycle: Cycle, cut: int, db_url: str) -> None:
    for n in range(12):
        record(session, actor="李文", action=f"test.{n}")
        session.commit()
    last = newest(session)[0].id
    delete_newest(session, cut)
    problem = verify_trail(session)
    assert problem is not None and "截断" in problem and f"缺少 {cut} 条" in problem, problem
    result = CliRunner().invoke(app, ["audit", "verify", "--db", db_url])
    assert result.exit_code == 1 and f"链头是第 {last} 条" in result.output


def test_a_rewritten_tail_is_named(session: Session, demo_cycle: Cycle) -> None:
    """Rows deleted and the chain continued with new, correctly hashed rows: the chain checks,
    the witness does not."""
    for n in range(5):
        record(session, actor="李文", action=f"test.{n}")
        session.commit()
    delete_newest(session, 3)
    with Session(session.get_bind()) as forger:
        for n in range(3):
            record(forger, actor="李文", action=f"forged.{n}")
        forger.info.clear()  # the forger writes to the database only: no witness line for these rows
        forger.commit()
    session.expire_all()
    problem = verify_trail(session)
    assert problem is not None and "改写" in problem, problem


def test_a_missing_damaged_or_foreign_witness_is_named(session: Session, demo_cycle: Cycle,
                                                       own_audit_witness: Path, tmp_path: Path) -> None:
    assert verify_trail(session) is None
    kept = own_audit_witness.read_bytes()
    own_audit_witness.unlink()
    assert "不存在" in (verify_trail(session) or "")
    own_audit_witness.write_bytes(kept + b'{"chain": "x", "id": \n')
    assert "无法读取" in (verify_trail(session) or "")
    foreign = [json.dumps({"chain": "f" * 64, "id": 1, "hash": "f" * 64, "at": "2026-01-01T00:00:00+00:00"})]
    own_audit_witness.write_text("\n".join(foreign) + "\n")
    assert "没有本数据库审计链的记录" in (verify_trail(session) or "")


def test_processes_appending_at_once_leave_whole_lines(session: Session, demo_cycle: Cycle, db_url: str,
                                                        own_audit_witness: Path) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("one file database shared by the processes")
    before = len(heads(own_audit_witness))
    script = ("import sys\nfrom sqlmodel import Session\nfrom models.audit import record\n"
              "from zwgk.adapters.db import get_engine\n"
              "for n in range(25):\n"
              "    with Session(get_engine(sys.argv[1])) as s:\n"
              "        record(s, actor='进程' + sys.argv[2], action='test.parallel')\n"
              "        s.commit()\n")
    workers = [subprocess.Popen([sys.executable, "-c", script, db_url, str(n)], cwd=REPO, env=dict(os.environ))
               for n in range(4)]
    assert [w.wait(timeout=300) for w in workers] == [0, 0, 0, 0]
    written = heads(own_audit_witness)
    assert len(written) == before + 100 and len(set(written)) == len(written)
    assert verify_trail(session) is None


def test_backup_and_restore_carry_the_witness(engine: object, session: Session, demo_cycle: Cycle, db_url: str,
                                              own_audit_witness: Path, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite file round trip")
    target = tmp_path / "backups" / "zwgk.bak"
    manifest = backup(db_url, target, tmp_path / "out")
    assert manifest["witness"]["file"] == "zwgk.bak.witness.jsonl"
    record(session, actor="李文", action="test.after-backup")  # the backup will not hold this one
    session.commit()
    after_backup = own_audit_witness.read_bytes()
    fresh = f"sqlite:///{tmp_path / 'restored.db'}"
    report = restore(target, fresh, tmp_path / "out")
    assert report.witness_kept is not None and report.witness_kept.read_bytes() == after_backup
    assert own_audit_witness.read_bytes() == (target.parent / "zwgk.bak.witness.jsonl").read_bytes()
    with Session(get_engine(fresh)) as restored:
        assert verify_trail(restored) is None


def test_the_public_page_prints_the_sealed_head(session: Session, published: Cycle, tmp_path: Path) -> None:  # noqa: F811
    issue_results_circular(session=session, cycle_id=published.id, on=date(2026, 3, 2),  # type: ignore[arg-type]
                           out_dir=tmp_path)
    page = publish_results_page(session=session, cycle_id=published.id, out_dir=tmp_path)  # type: ignore[arg-type]
    seal = session.exec(select(AuditEntry).where(AuditEntry.action == SEAL)).one()
    html = page.read_text("utf-8")
    assert f"审计日志第 {seal.id} 条" in html and seal.hash in html
