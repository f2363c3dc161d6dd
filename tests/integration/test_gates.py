"""Decisions at the gates: who may decide, where a return sends the cycle, nothing applied twice."""

import pytest
from sqlmodel import Session, select

from models.assessment import Assessment
from models.audit import AuditEntry
from models.cycle import Cycle, Gate, GateDecision, transition
from models.stages import Stage
from zwgk.cycle.gates import Decision, GateRefused, decide


def move_to(session: Session, cycle: Cycle, *stages: Stage) -> None:
    for stage in stages:
        transition(session=session, cycle_id=cycle.id, to=stage, actor="测试")


def counts(session: Session) -> tuple[int, int]:
    return (len(session.exec(select(GateDecision)).all()), len(session.exec(select(AuditEntry)).all()))


def test_leading_group_member_approves_the_scheme(session: Session, demo_cycle: Cycle) -> None:
    row = decide(session, cycle_id=demo_cycle.id, decision=Decision(Gate.SCHEME, "approve", "张明远", "同意"))
    assert (row.decided_by, row.decision) == ("张明远", "approve")
    assert session.get(Cycle, demo_cycle.id).stage is Stage.SCHEME_APPROVED


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (Decision(Gate.SCHEME, "approve", "路人甲"), "不在领导小组名单"),
        (Decision(Gate.SCHEME, "approve", "陈思源"), "不在领导小组名单"),  # office staff only
        (Decision(Gate.OFFICE_REVIEW, "approve", "王晓岚"), "不在"),  # not at that gate
        (Decision(Gate.SCHEME, "maybe", "张明远"), "approve"),
    ],
)
def test_refused_decision_changes_nothing(session: Session, demo_cycle: Cycle, decision: Decision,
                                          message: str) -> None:
    before = counts(session)
    with pytest.raises(GateRefused, match=message):
        decide(session, cycle_id=demo_cycle.id, decision=decision)
    assert counts(session) == before
    assert session.get(Cycle, demo_cycle.id).stage is Stage.DRAFT


def test_office_review_needs_office_staff_and_return_resets_scores(session: Session, demo_cycle: Cycle) -> None:
    move_to(session, demo_cycle, Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT,
            Stage.OFFICE_REVIEW)
    for a in session.exec(select(Assessment)).all():
        a.scored = True
        session.add(a)
    session.commit()
    with pytest.raises(GateRefused, match="办公室工作人员"):
        decide(session, cycle_id=demo_cycle.id, decision=Decision(Gate.OFFICE_REVIEW, "return", "张明远"))
    decide(session, cycle_id=demo_cycle.id,
           decision=Decision(Gate.OFFICE_REVIEW, "return", "王晓岚", "扣分依据不足"))
    assert session.get(Cycle, demo_cycle.id).stage is Stage.GROUP_ASSESSMENT
    assert not any(a.scored for a in session.exec(select(Assessment)).all())


@pytest.mark.parametrize(("target", "stage"), [(None, Stage.OFFICE_REVIEW),
                                               (Stage.GROUP_ASSESSMENT, Stage.GROUP_ASSESSMENT)])
def test_leading_group_returns_to_office_or_group(session: Session, demo_cycle: Cycle,
                                                  target: Stage | None, stage: Stage) -> None:
    move_to(session, demo_cycle, Stage.SCHEME_APPROVED, Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT,
            Stage.OFFICE_REVIEW, Stage.LEADING_GROUP_APPROVAL)
    decide(session, cycle_id=demo_cycle.id,
           decision=Decision(Gate.LEADING_GROUP, "return", "李文清", return_to=target))
    assert session.get(Cycle, demo_cycle.id).stage is stage


def test_the_same_decision_given_again_is_not_applied_twice(session: Session, demo_cycle: Cycle) -> None:
    decision = Decision(Gate.SCHEME, "approve", "张明远")
    first = decide(session, cycle_id=demo_cycle.id, decision=decision)
    before = counts(session)
    # A resumed run receives the input `zwgk approve` already applied.
    assert decide(session, cycle_id=demo_cycle.id, decision=decision).id == first.id
    assert counts(session) == before
