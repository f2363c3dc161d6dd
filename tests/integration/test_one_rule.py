"""One permission rule: every command that changes something asks zwgk.core.permissions, and an
outsider (nobody on the roster, or a person without the role) is refused by each with nothing
changed. The commands are found from the command line itself (those that return Changed), so a
new command without an entry here fails the test."""

import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner

from models.cycle import Cycle
from zwgk.cli.app import app
from zwgk.cli.common import Changed

UNIT = "青岚镇（演示）"
# The system's own work, run by the scheduler as the office (no person to name), and no one's
# decision: resuming a run whose wait is over, probing and checking the registered pages.
SYSTEM = {"cycle resume", "sites probe", "sites check"}
# Every changing command with arguments that would pass but for the person: {file} is an existing file.
ARGUMENTS: dict[str, list[str]] = {
    "approve": ["2025", "scheme", "--decision", "approve"],
    "catalog import": ["{file}", "--category", "township", "--label", "乡镇"],
    "units rename": [UNIT, "青岚镇（改名）"],
    "units retire": [UNIT],
    "units import": ["{file}"],
    "people import": ["{file}"],
    "people remove": ["刘静怡"],
    "district import": ["{file}"],
    "cycle start": ["2026", "--today", "2026-01-05"],
    "cycle withdraw": ["2025", "--reason", "误启动"],
    "cycle opinion": ["2025", "scheme", "--comment", "同意"],
    "accounts create": ["someone", "--person", "刘静怡"],
    "accounts reset": ["someone"],
    "accounts disable": ["someone"],
    "calendar import": ["{file}"],
    "documents issue": ["2025", "scheme-notice"],
    "self-check forms": ["2025", "--out", "{dir}"],
    "self-check import": ["2025", "{file}"],
    "scores import": ["2025", "{file}"],
    "scores confirm": ["2025", "--yes"],
    "daily add": ["2025", UNIT, "--criterion", "T001", "--points", "0.5", "--method", "随机抽查", "--finding", "x"],
    "special add": ["2025", UNIT, "--kind", "bonus", "--reason", "x", "--points", "1"],
    "export cadre": ["2025", "--out", "{dir}/cadre.xlsx"],
    "group record": ["2025", UNIT, "--kind", "symposium"],
    "evaluations import": ["2025", "{file}", "--source", "第三方评估"],
    "evaluations weight": ["2025", "--source", "第三方评估", "--weight", "10"],
    "rectification plan": ["2025", UNIT, "{file}"],
    "rectification report": ["2025", UNIT, "{file}"],
    "rectification verify": ["2025", UNIT],
    "reports import": ["2025", UNIT, "{file}"],
    "reports open": ["2025"],
    "reports confirm": ["2025", "1"],
    "reports circular": ["2025"],
    "sites import": ["{file}"],
    "sites confirm": ["1", "--points", "0.5"],
    "sites report": ["--month", "2025-06"],
}
# Outsiders: nobody on the roster; a leading-group member and assessor who is not office staff and
# does not decide; office staff only, for the group's and the leading group's own work.
NOBODY, MEMBER, OFFICE_ONLY = "路人甲", "周海宁", "刘静怡"
OUTSIDERS = {"scores import": [NOBODY, OFFICE_ONLY], "scores confirm": [NOBODY, OFFICE_ONLY],
             "group record": [NOBODY, OFFICE_ONLY], "cycle opinion": [NOBODY, OFFICE_ONLY]}


def changing_commands() -> Iterator[str]:
    """Every command of `zwgk` whose function returns Changed, as its words ("scores import")."""
    def walk(command: Any, words: list[str]) -> Iterator[tuple[list[str], Any]]:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, [*words, name])
        else:
            yield words, command

    for words, command in walk(typer.main.get_command(app), []):
        returns = typing.get_type_hints(command.callback).get("return")
        if returns is not None and Changed in (typing.get_args(returns) or (returns,)):
            yield " ".join(words)


def counts(session: Session) -> dict[str, int]:
    """Rows per table: what any change would alter."""
    session.expire_all()
    return {name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()}


def test_the_table_names_every_changing_command() -> None:
    assert set(changing_commands()) - SYSTEM == set(ARGUMENTS)


@pytest.mark.parametrize("command", sorted(ARGUMENTS))
def test_an_outsider_is_refused_by_every_changing_command(command: str, session: Session, demo_cycle: Cycle,
                                                          db_url: str, tmp_path: Path) -> None:
    (tmp_path / "input.xlsx").write_bytes(b"PK\x03\x04 not read: the person is refused first")
    before = counts(session)
    words = [a.format(file=tmp_path / "input.xlsx", dir=tmp_path) for a in ARGUMENTS[command]]
    for outsider in OUTSIDERS.get(command, [NOBODY, MEMBER]):
        result = CliRunner().invoke(app, [*command.split(), *words, "--by", outsider, "--db", db_url])
        said = f"{result.output} {result.exception}"
        # The rule's own words, or a gate's and the group's (they ask the same rule).
        refused = any(words in said for words in ("无权", "不在领导小组名单中", "不是领导小组成员", "不是考核组成员",
                                                  "may give an opinion, not decide"))
        assert result.exit_code != 0 and refused, (command, outsider, said)
        assert counts(session) == before, (command, outsider)
