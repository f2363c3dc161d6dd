"""One date per command: a read-only command changes nothing and moves no cycle, even when a
waiting cycle's due date has passed by the real day; a command that changes something wakes
waiting runs as of its own date."""

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.cycle import Cycle, transition
from models.stages import Stage
from zwgk.cli.app import app
from zwgk.cycle.steps import attach_run, set_waiting
from zwgk.deadlines.rows import open_self_check_deadlines
from zwgk.runner import runs
from zwgk.runner.wake import wake_ready_runs

NOTICE_ON = date(2026, 1, 7)  # the self-check is due in January 2026: long past by the real day
READ_ONLY = [
    ["check", "2025", "--today", "2026-01-08"],
    ["catalog", "show", "--category", "township", "--year", "2025"],
    ["units", "list"], ["units", "list", "--json"],
    ["people", "list"], ["district", "show"],
    ["cycle", "status", "2025"], ["cycle", "status", "2025", "--json"],
    ["audit", "verify"],
    ["accounts", "list"],
    ["calendar", "show", "2026"], ["calendar", "add-workdays", "2026-01-07", "10"],
    ["documents", "list", "2025"], ["documents", "list", "2025", "--json"],
    ["scores", "show", "2025"], ["scores", "show", "2025", "--json"],
    ["daily", "list", "2025"], ["group", "list", "2025"], ["rectification", "list", "2025"],
    ["export", "commendation", "2025"],
    ["reports", "findings", "2025"], ["reports", "findings", "2025", "--json"], ["reports", "list", "2025"],
    ["reports", "show", "2025", "青岚镇（演示）"],
    ["sites", "list"], ["sites", "findings"], ["sites", "findings", "--json"],
]


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return list(connection.iterdump())


@pytest.fixture
def overdue_wait(session: Session, demo_cycle: Cycle, db_url: str) -> str:
    """The demo cycle waiting for self-checks whose due date (January 2026) has passed."""
    if not db_url.startswith("sqlite"):
        pytest.skip("compares SQLite dumps")
    assert demo_cycle.id is not None
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK):
        transition(session=session, cycle_id=demo_cycle.id, to=stage, actor="测试")
    open_self_check_deadlines(session, cycle_id=demo_cycle.id, notice_on=NOTICE_ON)
    set_waiting(session=session, cycle_id=demo_cycle.id, waiting_for="units:self_check")
    return db_url


def test_read_only_commands_change_nothing_and_move_no_cycle(overdue_wait: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    resumed: list[int] = []
    monkeypatch.setattr(runs, "resume", lambda _s, year, **_k: resumed.append(year))
    db = Path(overdue_wait.removeprefix("sqlite:///"))
    before = dump(db)
    for command in READ_ONLY:
        result = CliRunner().invoke(app, [*command, "--db", overdue_wait])
        assert result.exit_code in (0, 1), (command, result.output)  # check exits 1 when something is missing
        assert resumed == [], command
        assert dump(db) == before, command


def test_a_changing_command_wakes_runs_as_of_its_own_date(overdue_wait: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    woken: list[tuple[int, date | None]] = []
    monkeypatch.setattr(runs, "resume", lambda _s, year, today=None, **_k:
                        woken.append((year, today)) or runs.RunInfo(None, None, "x"))
    calendar = tmp_path / "holidays-2027.csv"
    calendar.write_text("date,type,name\n2027-01-01,holiday,元旦\n", encoding="utf-8")
    on_time = ["calendar", "import", str(calendar), "--by", "王晓岚", "--db", overdue_wait]
    # A daily record dated before the due date: as of that day the self-check is still open.
    record = ["daily", "add", "2025", "青岚镇（演示）", "--criterion", "T001", "--points", "0",
              "--method", "随机抽查", "--finding", "栏目未更新", "--on", "2026-01-08", "--by", "王晓岚",
              "--db", overdue_wait]
    assert CliRunner().invoke(app, record).exit_code == 0
    assert woken == []
    # Without a date the command acts as of today, when the due date has long passed.
    assert CliRunner().invoke(app, on_time).exit_code == 0
    assert woken == [(2025, None)]


def test_a_deployed_run_is_woken_without_another_command_s_date(overdue_wait: str, session: Session,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployed run keeps the date it was started with: a command dated for another year's
    catch-up work (its --today) wakes it without that date instead of being refused."""
    cycle = session.exec(select(Cycle)).one()
    attach_run(session=session, cycle_id=cycle.id, flow_run_id="run-of-2025", run_day=None)  # type: ignore[arg-type]
    woken: list[tuple[int, date | None]] = []
    monkeypatch.setattr(runs, "server_configured", lambda: True)
    monkeypatch.setattr(runs, "resume", lambda _s, year, today=None, **_k:
                        woken.append((year, today)) or runs.RunInfo("run-of-2025", None, "resumed"))
    wake_ready_runs(session, today=date(2026, 3, 2))
    assert woken == [(2025, None)]
