"""What every ``zwgk`` command module shares: the --db and --json options, consoles, sessions."""

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlmodel import Session

from models.cycle import CycleNotFound
from models.text import clean_text
from zwgk.adapters.db import get_engine, init_schema
from zwgk.core.actors import operator
from zwgk.core.errors import ImportReport, IntakeError, shown_problems
from zwgk.core.settings import get_settings

console = Console()
err = Console(stderr=True, soft_wrap=True)

@dataclass(frozen=True)
class Changed:
    """What a command that changed something returns: the day it acted on (``--today``, ``--on``,
    ``--received``; None for today), so that the wake-up after it judges waiting runs by that
    same day. Read-only commands return None and wake nothing."""

    day: date | None = None


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


def by_option(help_text: str = "办理人姓名（记入审计日志）") -> Any:
    """The ``--by NAME`` option: the person acting, recorded in the audit log. Not given, it is
    ZWGK_ACTOR, else the system login name: the one way a command names who acts."""
    return typer.Option("--by", callback=lambda name: name or operator(), show_default="ZWGK_ACTOR 或系统登录名",
                        help=help_text)


By = Annotated[str, by_option()]


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


def parse_points_option(value: str | None) -> Decimal | None:
    """A --points value as a Decimal (None when not given); BadParameter when not a number."""
    if value is None:
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise typer.BadParameter(f"“{value}”不是数字 (not a number)") from None


Points = Annotated[str | None, typer.Option("--points", help="分值，最多一位小数")]


def print_report(report: ImportReport, as_json: bool, what: str) -> None:
    """Print an import's outcome (or its JSON) and exit 1 when the file was refused."""
    if as_json:
        print_json(report.to_dict())
    elif report.problems:
        err.print(f"[red]未导入：发现 {len(report.problems)} 处问题，全部文件均未导入（请改正后重新导入）[/red]")
        for line in shown_problems(report.problems):
            err.print(f"  - {line}", markup=False, highlight=False)
    else:
        console.print(f"已导入{what} {len(report.stored)} 个单位" + (
            "：" + "、".join(report.stored) if report.stored else "") + (
            f"；{len(report.unchanged)} 个单位的文件此前已导入、未变动：" + "、".join(report.unchanged)
            if report.unchanged else "") + "。", markup=False, highlight=False)
        for warning in report.warnings:
            console.print(f"[yellow]注意：{warning}[/yellow]")
        if report.late:
            console.print("逾期报送：" + "、".join(report.late))
        if report.unscored:
            console.print(f"[yellow]尚未评分（{len(report.unscored)} 个单位，评分表未选“评分结论”，不计分）："
                          + "、".join(report.unscored) + "[/yellow]")
    if report.problems:
        raise typer.Exit(1)


def say(text: str) -> None:
    """Print plain text (names may hold [brackets]; long lines wrap in the terminal, not here)."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)
