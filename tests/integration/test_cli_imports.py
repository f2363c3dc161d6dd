"""Commands that run no flow start without Prefect or python-docx (each costs a fresh process
most of a second): the CLI imports them only inside the commands that need them."""

import subprocess
import sys

from sqlmodel import Session

from zwgk.adapters.db import get_engine, init_schema
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo

HEAVY = ("prefect", "docx", "docxtpl", "openpyxl")


def loaded_after(*args: str) -> list[str]:
    """The heavy packages a fresh process has loaded after running ``zwgk ARGS``."""
    code = ("import sys\nfrom zwgk.cli.app import app\n"
            f"app({list(args)!r}, standalone_mode=False)\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 (our own printed list)


def test_importing_the_cli_loads_neither_prefect_nor_docx() -> None:
    done = subprocess.run([sys.executable, "-c", "import sys, zwgk.cli\n"
                           f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[]", done.stderr


def test_read_only_commands_load_neither_prefect_nor_docx(db_url: str) -> None:
    engine = get_engine(db_url)
    init_schema(engine)
    with Session(engine) as session:
        load_demo(session)
        start_cycle(session=session, year=2025, actor="测试")
    for command in (["units", "list"], ["cycle", "status", "2025"], ["documents", "list", "2025"], ["--help"]):
        assert loaded_after(*command, *(["--db", db_url] if command != ["--help"] else [])) == [], command
