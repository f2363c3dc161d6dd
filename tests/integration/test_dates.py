"""Dates staff give for a cycle: in the future, outside the cycle's years, or before the cycle
started, refused with the reason, and nothing recorded or issued."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.audit import AuditEntry
from models.cycle import Cycle, GateDecision
from models.documents import IssuedDocument
from zwgk.cli.app import app
from zwgk.core.clock import office_today
from zwgk.core.dates import DateRefused, check_day
from zwgk.cycle.steps import start_cycle
from zwgk.demo.district import load_demo

STARTED = date(2026, 1, 5)


@pytest.fixture
def started(session: Session) -> Cycle:
    load_demo(session)
    return start_cycle(session=session, year=2025, actor="测试", started_on=STARTED)


@pytest.mark.parametrize(("day", "reason"), [
    (date(2025, 12, 31), "早于 2025 年度考核的启动日期 2026-01-05"),
    (date(2024, 12, 31), "不在 2025 年度考核的时间范围（2025-01-01 至 2026-12-31）内"),
])
def test_a_procedure_date_before_the_start_or_outside_the_years_is_refused(
        session: Session, started: Cycle, day: date, reason: str) -> None:
    with pytest.raises(DateRefused, match=reason):
        check_day(session, day, option="--today", year=2025)


def test_a_date_in_the_future_is_refused_and_today_accepted(session: Session, started: Cycle) -> None:
    with pytest.raises(DateRefused, match="晚于今天"):
        check_day(session, office_today() + timedelta(days=30), option="--on", year=None)
    assert check_day(session, STARTED, option="--today", year=2025) == STARTED


def test_daily_findings_of_the_assessed_year_predate_the_start(session: Session, started: Cycle) -> None:
    assert check_day(session, date(2025, 5, 14), option="--on", year=2025, procedure=False) == date(2025, 5, 14)
    with pytest.raises(DateRefused, match="时间范围"):
        check_day(session, date(2024, 5, 14), option="--on", year=2025, procedure=False)


def test_the_sweep_checks_against_every_open_cycle(session: Session, started: Cycle) -> None:
    with pytest.raises(DateRefused, match="早于 2025 年度考核的启动日期"):
        check_day(session, date(2025, 11, 1), option="--today", year=None)


def test_a_year_typo_on_the_command_line_issues_nothing(session: Session, started: Cycle, db_url: str,
                                                        tmp_path: Path) -> None:
    before = len(session.exec(select(AuditEntry)).all())
    runner = CliRunner()
    for args in (["approve", "2025", "scheme", "--decision", "approve", "--by", "张明远", "--today", "2025-01-06"],
                 ["documents", "issue", "2025", "scheme-notice", "--on", "2025-01-06", "--out", str(tmp_path)],
                 ["sweep", "--today", "2025-01-06"]):
        result = runner.invoke(app, [*args, "--db", db_url])
        assert isinstance(result.exception, DateRefused), result.output
        assert "2025-01-06" in str(result.exception)
    session.expire_all()
    assert session.exec(select(GateDecision)).all() == []
    assert session.exec(select(IssuedDocument)).all() == []
    assert len(session.exec(select(AuditEntry)).all()) == before
