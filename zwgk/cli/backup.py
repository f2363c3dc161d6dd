"""``zwgk backup`` and ``zwgk restore`` (registered by zwgk.cli)."""

from pathlib import Path
from typing import Annotated

import typer

from zwgk.adapters import backup as backups
from zwgk.cli.common import Db, console, err, use_database
from zwgk.core.settings import get_settings

OutDir = Annotated[Path | None, typer.Option("--out", help="公文输出文件夹（默认 ZWGK_OUT_DIR）")]


def backup(
    file: Annotated[Path, typer.Argument(help="备份文件（不得已存在）；清单写在旁边的 FILE.manifest.json")],
    out: OutDir = None,
    db: Db = None,
) -> None:
    """备份数据库（SQLite 在线备份 / PostgreSQL pg_dump）和审计见证文件，并记录输出文件夹各文件的 SHA-256
    / back up the database and the audit witness."""
    use_database(db)
    manifest = backups.backup(get_settings().database_url, file, out or get_settings().out_dir)
    console.print(f"已备份到 {file}：{sum(manifest['rows'].values())} 行数据，{len(manifest['files'])} 个文件；"
                  f"清单 {backups.manifest_path(file)}", markup=False, highlight=False)


def restore(
    file: Annotated[Path, typer.Argument(help="zwgk backup 写出的备份文件")],
    db: Annotated[str, typer.Option("--db", help="要恢复到的空数据库 URL")],
    out: OutDir = None,
) -> None:
    """把备份恢复到空数据库，放回备份时的审计见证文件，并核对输出文件夹中的文件 / restore into an empty database."""
    use_database(db)
    report = backups.restore(file, db, out or get_settings().out_dir)
    console.print(f"已恢复：{sum(report.rows.values())} 行数据，与备份清单一致。", markup=False)
    if report.witness_kept is not None:
        console.print(f"审计见证文件已换为备份时的见证；原见证文件（记录了备份之后的审计）保留为 {report.witness_kept}",
                      markup=False, highlight=False)
    for label, paths in (("缺少的文件", report.missing_files), ("与备份时不同的文件", report.changed_files)):
        if paths:
            err.print(f"{label}（{len(paths)}）：" + "、".join(paths), markup=False, highlight=False)
    if report.missing_files or report.changed_files:
        raise typer.Exit(1)
