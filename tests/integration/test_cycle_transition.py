"""The one transition function: checks, audits, commits; and the audit chain detects tampering."""

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from models.audit import AuditEntry, verify_chain
from models.cycle import Cycle, StageConflict, get_cycle, transition
from models.stages import IllegalTransition, Stage


def test_transition_moves_stage_and_audits(session: Session, demo_cycle: Cycle) -> None:
    transition(session=session, cycle_id=demo_cycle.id, to=Stage.SCHEME_APPROVED, actor="张明远",
               comment="同意")
    assert get_cycle(session, 2025).stage is Stage.SCHEME_APPROVED
    last = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (last.actor, last.from_stage, last.to_stage, last.comment) == (
        "张明远", "draft", "scheme_approved", "同意")


def test_illegal_transition_changes_nothing(session: Session, demo_cycle: Cycle) -> None:
    before = session.exec(select(AuditEntry)).all()
    with pytest.raises(IllegalTransition, match="draft"):
        transition(session=session, cycle_id=demo_cycle.id, to=Stage.PUBLISHED, actor="某人")
    assert get_cycle(session, 2025).stage is Stage.DRAFT
    assert len(session.exec(select(AuditEntry)).all()) == len(before)


def test_stale_writer_loses_the_race(engine, demo_cycle: Cycle) -> None:
    with Session(engine) as first, Session(engine) as second:
        stale = second.get(Cycle, demo_cycle.id)
        assert stale.stage is Stage.DRAFT
        transition(session=first, cycle_id=demo_cycle.id, to=Stage.SCHEME_APPROVED, actor="甲")
        # `second` read draft earlier; its conditional update must now fail or re-read.
        with pytest.raises((StageConflict, IllegalTransition)):
            transition(session=second, cycle_id=demo_cycle.id, to=Stage.SCHEME_APPROVED, actor="乙")


def test_audit_chain_intact_then_tampering_detected(session: Session, demo_cycle: Cycle) -> None:
    for to in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT):
        transition(session=session, cycle_id=demo_cycle.id, to=to, actor="王晓岚")
    assert verify_chain(session) is None
    ids = session.exec(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    session.execute(text("UPDATE audit_log SET actor = '伪造' WHERE id = :id"), {"id": ids[1]})
    session.commit()
    assert verify_chain(session).id == ids[1]


def test_deleted_audit_row_is_detected(session: Session, demo_cycle: Cycle) -> None:
    for to in (Stage.SCHEME_APPROVED, Stage.SELF_CHECK):
        transition(session=session, cycle_id=demo_cycle.id, to=to, actor="王晓岚")
    ids = session.exec(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[1]})
    session.commit()
    assert verify_chain(session).id == ids[2]
