"""`zwgk backup` / `zwgk restore`: the same rows come back into an empty database, a non-empty
or mismatched target is refused, a damaged backup is refused, changed output files are named."""

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from models.audit import AuditAnchor
from models.cycle import Cycle
from zwgk.adapters.backup import BackupError, backup, manifest_path, restore
from zwgk.adapters.db import get_engine, init_schema
from zwgk.cli.app import app
from zwgk.documents.issue.scheme import issue_scheme_notice


def _dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {name: sorted(conn.execute(select(table)).all(), key=repr) for name, table in meta.tables.items()}


@pytest.fixture
def issued(session: Session, demo_cycle: Cycle, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    issue_scheme_notice(session=session, cycle_id=demo_cycle.id, on=date(2026, 1, 7), out_dir=out)  # type: ignore[arg-type]
    return out


def _empty_url(db_url: str, tmp_path: Path) -> str:
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    pytest.skip("the PostgreSQL round trip needs a second database (run by test_backup_postgres)")


def test_round_trip_gives_the_same_rows_and_names_changed_files(
        engine: Engine, db_url: str, issued: Path, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "zwgk.bak"
    manifest = backup(db_url, target, issued)
    assert manifest["files"] and manifest["audit_head"]["id"] > 0
    restored_url = _empty_url(db_url, tmp_path)
    [changed] = list(manifest["files"])[:1]
    (issued / changed).write_bytes(b"tampered")
    report = restore(target, restored_url, issued)
    assert _dump(get_engine(restored_url)) == _dump(engine)
    assert report.changed_files == [changed] and report.missing_files == []
    with Session(get_engine(restored_url)) as restored:
        assert restored.exec(select(AuditAnchor).where(AuditAnchor.source == "backup")).first() is not None


def test_restore_refuses_a_database_with_rows_and_a_damaged_backup(
        engine: Engine, db_url: str, issued: Path, tmp_path: Path) -> None:
    target = tmp_path / "zwgk.bak"
    backup(db_url, target, issued)
    with pytest.raises(BackupError, match="不是空库"):
        restore(target, db_url, issued)
    with pytest.raises(BackupError, match="已存在"):
        backup(db_url, target, issued)
    target.write_bytes(target.read_bytes()[:-1] + b"\0")
    with pytest.raises(BackupError, match="已损坏"):
        restore(target, _empty_url(db_url, tmp_path), issued)


def test_cli_round_trip(engine: Engine, db_url: str, issued: Path, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite file round trip")
    runner = CliRunner()
    target = tmp_path / "cli.bak"
    result = runner.invoke(app, ["backup", str(target), "--out", str(issued), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert manifest_path(target).is_file()
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    init_schema(get_engine(fresh))  # an initialised but empty database is fine
    result = runner.invoke(app, ["restore", str(target), "--db", fresh, "--out", str(issued)])
    assert result.exit_code == 0, result.output
    assert "与备份清单一致" in result.output


@pytest.mark.skipif(not os.environ.get("ZWGK_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_backup_postgres(engine: Engine, db_url: str, issued: Path, tmp_path: Path) -> None:
    import uuid

    from sqlalchemy import create_engine, text

    name = f"zwgk_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(os.environ["ZWGK_TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    restored_url = db_url.rsplit("/", 1)[0] + "/" + name
    try:
        target = tmp_path / "pg.bak"
        backup(db_url, target, issued)
        restore(target, restored_url, issued)
        assert _dump(get_engine(restored_url))["assessment"] == _dump(engine)["assessment"]
    finally:
        get_engine(restored_url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
