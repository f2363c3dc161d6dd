"""What every ``zwgk`` command module shares: the --db and --json options, consoles, sessions."""

import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlmodel import Session

from models.cycle import CycleNotFound
from models.text import clean_text
from zwgk.db import get_engine, init_schema
from zwgk.lookup import IntakeError
from zwgk.settings import get_settings

console = Console()
err = Console(stderr=True, soft_wrap=True)

Db = Annotated[
    str | None,
    typer.Option("--db", help="数据库 URL，覆盖 ZWGK_DATABASE_URL（如 postgresql+psycopg://…）"),
]
AsJson = Annotated[bool, typer.Option("--json", help="输出稳定的 JSON 文档")]
Year = Annotated[int, typer.Argument(help="考核年度，如 2025")]


def date_option(help_text: str, *flags: str) -> Any:
    """A YYYY-MM-DD option (typer has no plain-date type)."""
    return typer.Option(*flags, parser=date.fromisoformat, metavar="YYYY-MM-DD", help=help_text)


Today = Annotated[date | None, date_option("按此日期办理（默认今天，北京时间）", "--today")]
On = Annotated[date | None, date_option("日期（默认今天，北京时间）", "--on")]


def operator() -> str:
    """Who runs this command, for the audit log: ZWGK_ACTOR, else the system login name."""
    return os.environ.get("ZWGK_ACTOR") or getpass.getuser()


By = Annotated[str, typer.Option("--by", default_factory=operator, show_default="ZWGK_ACTOR 或系统登录名",
                                 help="办理人姓名（记入审计日志）")]


def clean_arguments(args: list[str]) -> list[str]:
    """Every command-line argument normalised (NFC, trimmed); one with an invisible control or
    direction character is refused (models.text.TextRefused) naming the option it was given to."""
    cleaned = []
    for i, arg in enumerate(args):
        flag = arg.split("=", 1)[0] if arg.startswith("--") else args[i - 1] if i and args[i - 1].startswith("--") else ""
        cleaned.append(clean_text(arg, where=f"命令行参数 {flag or f'第 {i + 1} 个'}"))
    return cleaned


def use_database(db: str | None) -> None:
    """Make ``db`` the database of everything this process runs, flows included."""
    if db:
        os.environ["ZWGK_DATABASE_URL"] = db
        get_settings.cache_clear()


def open_session(db: str | None) -> Session:
    """A session on ``db`` (or the configured database), with the schema in place.

    ``db`` becomes this process's database, so flows run from the same command use it too.
    """
    use_database(db)
    engine = get_engine(db)
    init_schema(engine)
    return Session(engine, expire_on_commit=False)


@contextmanager
def refusals() -> Iterator[None]:
    """Print what the office entered wrong in Chinese and exit 1, instead of a traceback."""
    try:
        yield
    except (IntakeError, CycleNotFound) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    """Print ``data`` as indented UTF-8 JSON (Chinese kept readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
