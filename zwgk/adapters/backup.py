"""Backups of the database with a manifest of the output folder, and restoring them.

SQLite is copied with its online backup API (consistent while other processes write);
PostgreSQL with pg_dump's custom format, restored by pg_restore. Beside the backup file goes
a manifest: the rows per table, the audit chain's head (also kept as an anchor, so a log cut
after the backup shows) and the SHA-256 of every file under the output folder, so that a
restore can say which documents on disk differ from the ones the database registered. The
audit witness (zwgk.adapters.witness) goes beside it too, copied just before the database so
that it names no head the backup lacks; a restore puts it back, keeping the witness it
replaces (which names what happened after the backup) under another name.
"""

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL, Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from models.audit import anchor_head
from models.types import utcnow
from models.units import Category, UnitCategory
from zwgk.adapters import witness
from zwgk.adapters.db import get_engine
from zwgk.adapters.files import file_sha256
from zwgk.core.settings import get_settings


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class RestoreReport:
    """What a restore gave back: rows per table, and the files that differ from the manifest."""

    rows: dict[str, int]
    missing_files: list[str]
    changed_files: list[str]
    witness_kept: Path | None = None  # the witness found before the restore, renamed


def witness_copy_path(backup: Path) -> Path:
    """The copy of the audit witness written beside a backup file."""
    return backup.with_name(backup.name + ".witness.jsonl")


def manifest_path(backup: Path) -> Path:
    """The manifest written beside a backup file."""
    return backup.with_name(backup.name + ".manifest.json")


def folder_hashes(out_dir: Path) -> dict[str, str]:
    """SHA-256 of every file under ``out_dir`` by POSIX path relative to it (none when absent)."""
    if not out_dir.is_dir():
        return {}
    return {p.relative_to(out_dir).as_posix(): file_sha256(p) for p in sorted(out_dir.rglob("*")) if p.is_file()}


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in each of zwgk's tables that exist in the database."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in sorted(SQLModel.metadata.tables.items()) if name in present}


def backup(url: str, target: Path, out_dir: Path) -> dict[str, Any]:
    """Back up the database at ``url`` to ``target`` and write the manifest; return the manifest."""
    if target.exists():
        raise BackupError(f"{target} 已存在，请指定新的备份文件名 (backup file exists)")
    engine = get_engine(url)
    with Session(engine) as session:
        anchor = anchor_head(session, source="backup")
        session.commit()
        head = {"id": anchor.audit_id, "hash": anchor.hash} if anchor else None
    target.parent.mkdir(parents=True, exist_ok=True)
    witnessed = _keep_witness(target)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _copy_sqlite(_sqlite_path(parsed), target)
        # Counted in the copy itself, read-only (no pragma may touch the file's bytes).
        rows = row_counts(create_engine(f"sqlite:///file:{target.resolve()}?mode=ro&uri=true"))
    else:
        # Counted just before the dump; a write in between shows as a difference on restore.
        rows = row_counts(engine)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(parsed)])
    manifest = {"created_at": utcnow().isoformat(), "database": parsed.get_backend_name(),
                "backup_sha256": file_sha256(target), "audit_head": head, "rows": rows, "witness": witnessed,
                "out_dir": str(out_dir), "files": folder_hashes(out_dir)}
    manifest_path(target).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def restore(source: Path, url: str, out_dir: Path) -> RestoreReport:
    """Restore ``source`` (a file written by ``backup``) into the empty database at ``url``; check
    its rows against the manifest and list the output files that differ from it."""
    manifest_file = manifest_path(source)
    if not source.is_file() or not manifest_file.is_file():
        raise BackupError(f"找不到备份文件 {source} 或其清单 {manifest_file.name} (backup or manifest missing)")
    manifest = json.loads(manifest_file.read_text("utf-8"))
    if file_sha256(source) != manifest["backup_sha256"]:
        raise BackupError(f"{source.name} 与清单记录的 SHA-256 不一致，备份文件已损坏或被改动 (backup damaged)")
    parsed = make_url(url)
    if parsed.get_backend_name() != manifest["database"]:
        raise BackupError(f"{source.name} 是 {manifest['database']} 备份，不能恢复到 {parsed.get_backend_name()} 数据库")
    engine = get_engine(url)
    # init_schema seeds the statutory categories: a database holding only them is still empty.
    seeded = {UnitCategory.__tablename__: len(Category)}
    filled = {name: n for name, n in row_counts(engine).items() if n and seeded.get(name) != n}
    if filled:
        raise BackupError("目标数据库不是空库（" + "、".join(f"{t} {n} 行" for t, n in filled.items())
                          + "），只能恢复到空数据库 (target database not empty)")
    if parsed.get_backend_name() == "sqlite":
        engine.dispose()  # the copy replaces the file's pages; no connection may hold them
        _copy_sqlite(source, _sqlite_path(parsed))
    else:
        _run(["pg_restore", "--no-owner", "--clean", "--if-exists", f"--dbname={_libpq_url(parsed)}", str(source)])
    rows = row_counts(engine)
    if rows != manifest["rows"]:
        raise BackupError(f"恢复后的行数与清单不一致 (row counts differ): {rows} ≠ {manifest['rows']}")
    now = folder_hashes(out_dir)
    return RestoreReport(rows=rows,
                         missing_files=[p for p in manifest["files"] if p not in now],
                         changed_files=[p for p, h in manifest["files"].items() if p in now and now[p] != h],
                         witness_kept=_restore_witness(source, manifest.get("witness")))


def _keep_witness(target: Path) -> dict[str, str] | None:
    """Copy the audit witness beside the backup ``target``; its name and SHA-256 for the manifest."""
    live = get_settings().witness_path
    if not live.is_file():
        return None
    copy = witness_copy_path(target)
    witness.copy(live, copy)
    return {"file": copy.name, "sha256": file_sha256(copy)}


def _restore_witness(source: Path, kept: dict[str, str] | None) -> Path | None:
    """Put the backup's witness in place; the witness it replaces, renamed, or None."""
    if kept is None:
        return None
    copy = source.with_name(kept["file"])
    if not copy.is_file() or file_sha256(copy) != kept["sha256"]:
        raise BackupError(f"备份的审计见证文件 {copy.name} 缺失或与清单不一致 (witness copy damaged)")
    live = get_settings().witness_path
    before = None
    if live.exists():
        before = live.with_name(f"{live.name}.before-restore-{utcnow():%Y%m%dT%H%M%S}")
        live.rename(before)
    live.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(copy, live)
    return before


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("只能备份或恢复 SQLite 文件数据库 (only file databases)")
    return Path(url.database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database with the online backup API (a consistent snapshot)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _libpq_url(url: URL) -> str:
    """The URL as pg_dump/pg_restore take it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"未安装 {command[0]}（PostgreSQL 客户端工具），无法备份或恢复 PostgreSQL 数据库")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode}")
