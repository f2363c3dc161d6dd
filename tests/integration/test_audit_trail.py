"""The audit trail, complete and sealed: state-changing actions leave one row naming the
person; the figures the leading group approves are sealed; `zwgk audit verify` finds a changed
score (stored or recomputed), a cut tail and an altered row, naming the first problem."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.assessment import Assessment, Deduction, GroupMethod, SpecialKind
from models.audit import AuditAnchor, AuditEntry
from models.catalog import Criterion
from models.cycle import Cycle, Gate, transition
from models.stages import Stage
from models.units import Unit
from zwgk.assessment.daily_records import add_daily_record
from zwgk.assessment.special_items import add_special_item
from zwgk.cli.app import app
from zwgk.cycle.gates import Decision, decide
from zwgk.documents.issue.scheme import issue_scheme_notice
from zwgk.results.ranking import compute_results
from zwgk.results.sealing import SEAL, verify_trail

BAILU = "白鹭乡（演示）"


def _actions(session: Session) -> list[tuple[str, str]]:
    return [(e.actor, e.action) for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


@pytest.fixture
def published(session: Session, demo_cycle: Cycle) -> Cycle:
    """Scores computed (白鹭乡 with one deduction) and approved by the leading group."""
    assessment = session.exec(select(Assessment).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
                              .where(Unit.name == BAILU)).one()
    criterion = session.exec(select(Criterion.id).where(Criterion.ref == "T001")).one()
    session.add(Deduction(assessment_id=assessment.id, criterion_id=criterion, points=Decimal("1.0"),  # type: ignore[arg-type]
                          reason="栏目未更新", method=GroupMethod.ON_SITE, recorded_by="考核组"))
    session.commit()
    compute_results(session, cycle_id=demo_cycle.id)  # type: ignore[arg-type]
    for stage in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT, Stage.OFFICE_REVIEW,
                  Stage.LEADING_GROUP_APPROVAL):
        transition(session=session, cycle_id=demo_cycle.id, to=stage, actor="测试")  # type: ignore[arg-type]
    decide(session, cycle_id=demo_cycle.id, decision=Decision(Gate.LEADING_GROUP, "approve", "张明远"))  # type: ignore[arg-type]
    return demo_cycle


def test_approval_seals_every_units_figures(session: Session, published: Cycle) -> None:
    seal = session.exec(select(AuditEntry).where(AuditEntry.action == SEAL)).one()
    figures = json.loads(seal.comment)["units"]
    assert seal.actor == "张明远"
    assert figures[BAILU] == ["99.0", "优秀", figures[BAILU][2]] and len(figures) == 40
    assert verify_trail(session) is None


def test_a_score_changed_in_the_database_is_named(session: Session, published: Cycle) -> None:
    session.execute(text("UPDATE assessment SET score = 1000 WHERE unit_id = "  # tenths
                         "(SELECT id FROM unit WHERE name = :n)"), {"n": BAILU})
    session.commit()
    assert verify_trail(session) == (f"2025 年度 {BAILU} 的得分（score）：封存为 “99.0”，数据库中为 “100.0” "
                                     "(sealed figure differs)")


def test_a_deleted_deduction_is_found_by_recomputing(session: Session, published: Cycle) -> None:
    session.execute(text("DELETE FROM deduction"))
    session.commit()
    problem = verify_trail(session)
    assert problem is not None and BAILU in problem and "按评分记录重新计算为 “100.0”" in problem


def test_a_cut_tail_is_detected_by_the_register_anchor(session: Session, published: Cycle, tmp_path: Path) -> None:
    issue_scheme_notice(session=session, cycle_id=published.id, on=date(2026, 1, 7), out_dir=tmp_path)  # type: ignore[arg-type]
    anchor = session.exec(select(AuditAnchor).where(AuditAnchor.source == "register")).one()
    last = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert anchor.audit_id == last.id  # type: ignore[union-attr]
    session.execute(text("DELETE FROM audit_log WHERE id >= :id"), {"id": anchor.audit_id - 1})
    session.commit()
    problem = verify_trail(session)
    assert problem is not None and f"链头是第 {anchor.audit_id} 条" in problem


def test_a_falsification_after_publication_reseals(session: Session, published: Cycle) -> None:
    add_special_item(session, year=2025, unit_name=BAILU, kind=SpecialKind.FALSIFICATION, points=None,
                     reason="自查材料倒签日期", evidence="", by="王晓岚")
    seals = session.exec(select(AuditEntry).where(AuditEntry.action == SEAL).order_by(AuditEntry.id)).all()
    assert len(seals) == 2 and json.loads(seals[-1].comment)["units"][BAILU][:2] == ["0.0", "不合格"]
    assert verify_trail(session) is None


def test_actions_are_audited_with_the_person(session: Session, demo_cycle: Cycle) -> None:
    add_daily_record(session, year=2025, unit_name=BAILU, criterion_ref="T033", points=Decimal("0.5"),
                     method="随机抽查", finding="未公开年报", by="李文", on=date(2025, 5, 14))
    add_special_item(session, year=2025, unit_name=BAILU, kind=SpecialKind.BONUS, points=Decimal("1"),
                     reason="典型案例", evidence="案例材料", by="王晓岚")
    assert _actions(session)[-2:] == [("李文", "daily.add"), ("王晓岚", "special.bonus")]


def test_verify_command_exits_non_zero_naming_the_problem(session: Session, published: Cycle, db_url: str) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["audit", "verify", "--db", db_url]).exit_code == 0
    session.execute(text("UPDATE assessment SET grade = '良好' WHERE unit_id = "
                         "(SELECT id FROM unit WHERE name = :n)"), {"n": BAILU})
    session.commit()
    result = runner.invoke(app, ["audit", "verify", "--db", db_url])
    assert result.exit_code == 1
    assert f"{BAILU} 的等次（grade）：封存为 “优秀”，数据库中为 “良好”" in result.output
