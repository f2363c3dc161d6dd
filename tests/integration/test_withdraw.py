"""A cycle is started only for a year that can be due, and a cycle started by mistake is taken
back before its scheme is approved: audited, its deadlines closed, its documents marked withdrawn
with their numbers never used again."""

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from models.audit import AuditEntry
from models.cycle import Cycle, transition
from models.deadlines import Deadline, DeadlineState
from models.documents import IssuedDocument
from models.stages import Stage
from zwgk.cli.app import app
from zwgk.core.settings import get_settings
from zwgk.cycle.steps import CycleRefused, check_startable, start_cycle
from zwgk.deadlines.rows import open_self_check_deadlines
from zwgk.documents.issue.scheme import issue_scheme_notice
from zwgk.documents.register import WITHDRAWN_FOLDER, document_path
from zwgk.runner import runs

OFFICE = "王晓岚"


def cli(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--db", db_url])
    return result.exit_code, f"{result.output} {result.exception or ''}"


def test_only_last_year_or_this_year_can_be_started() -> None:
    check_startable(2025, date(2026, 1, 5))
    check_startable(2026, date(2026, 12, 6))
    check_startable(2023, date(2024, 3, 1))  # catch-up work, with --today in that time
    for year, day in ((2099, date(2026, 12, 6)), (2024, date(2026, 1, 5)), (2027, date(2026, 12, 31))):
        with pytest.raises(CycleRefused, match=f"{year} 年度考核不能在 {day} 启动"):
            check_startable(year, day)


def test_a_mistyped_year_is_refused_before_anything_is_created(session: Session, demo_cycle: Cycle,
                                                               db_url: str) -> None:
    code, said = cli(db_url, "cycle", "start", "2099", "--by", OFFICE)
    assert code != 0 and "只能启动上一年度" in said
    assert session.exec(select(Cycle.year)).all() == [2025]
    with pytest.raises(CycleRefused):
        runs.ensure_ready(2024, today=date(2026, 3, 2))


def test_withdrawn_before_approval_then_started_again_under_new_numbers(
        session: Session, demo_cycle: Cycle, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZWGK_OUT_DIR", str(tmp_path / "out"))
    get_settings.cache_clear()
    assert demo_cycle.id is not None
    first = issue_scheme_notice(session=session, cycle_id=demo_cycle.id, on=date(2026, 1, 5))
    open_self_check_deadlines(session, cycle_id=demo_cycle.id, notice_on=date(2026, 1, 5))
    assert document_path(first).is_file()

    code, said = cli(db_url, "cycle", "withdraw", "2025", "--reason", "  ", "--by", OFFICE)
    assert code != 0 and "须写明理由" in said
    code, said = cli(db_url, "cycle", "withdraw", "2025", "--reason", "年度输错", "--by", OFFICE, "--on", "2026-01-06")
    assert code == 0, said
    session.expire_all()
    assert session.get(Cycle, demo_cycle.id).stage is Stage.WITHDRAWN  # type: ignore[union-attr]
    assert {d.state for d in session.exec(select(Deadline))} == {DeadlineState.WAIVED}
    kept = session.get(IssuedDocument, first.id)
    assert kept is not None and (kept.number, kept.withdrawn_on, kept.withdrawn_reason) == (
        first.number, date(2026, 1, 6), "年度输错")
    assert f"/{WITHDRAWN_FOLDER}/" in kept.path and document_path(kept).is_file()
    entry = session.exec(select(AuditEntry).where(AuditEntry.to_stage == Stage.WITHDRAWN.value)).one()
    assert (entry.actor, entry.comment) == (OFFICE, "年度输错")
    assert "已撤销" in cli(db_url, "documents", "list", "2025")[1]
    assert "撤销年度考核：王晓岚 撤销（年度输错）" in cli(db_url, "cycle", "status", "2025")[1]

    again = start_cycle(session=session, year=2025, actor=OFFICE)  # a deliberate start of the same year
    assert again.id == demo_cycle.id and again.stage is Stage.DRAFT
    second = issue_scheme_notice(session=session, cycle_id=demo_cycle.id, on=date(2026, 1, 8))
    assert second.id != first.id and second.seq == first.seq + 1  # the withdrawn number is not used again  # type: ignore[operator]
    assert document_path(second).is_file() and document_path(kept).is_file()

    transition(session=session, cycle_id=demo_cycle.id, to=Stage.SCHEME_APPROVED, actor="测试")
    code, said = cli(db_url, "cycle", "withdraw", "2025", "--reason", "误操作", "--by", OFFICE)
    assert code != 0 and "不能再撤销" in said
    assert session.exec(select(IssuedDocument).where(col(IssuedDocument.withdrawn_on).is_not(None))).all() == [kept]
    get_settings.cache_clear()
