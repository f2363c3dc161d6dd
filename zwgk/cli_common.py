"""What every ``zwgk`` command module shares: the --db and --json options, consoles, sessions."""

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlmodel import Session

from zwgk.db import get_engine, init_schema

console = Console()
err = Console(stderr=True, soft_wrap=True)

Db = Annotated[
    str | None,
    typer.Option("--db", help="数据库 URL，覆盖 ZWGK_DATABASE_URL（如 postgresql+psycopg://…）"),
]
AsJson = Annotated[bool, typer.Option("--json", help="输出稳定的 JSON 文档")]


def open_session(db: str | None) -> Session:
    """A session on ``db`` (or the configured database), with the schema in place."""
    engine = get_engine(db)
    init_schema(engine)
    return Session(engine, expire_on_commit=False)


def print_json(data: Any) -> None:
    """Print ``data`` as indented UTF-8 JSON (Chinese kept readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
