"""Decisions at the three gates: who may decide, what each decision does to the cycle."""

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from models.assessment import Assessment
from models.audit import record
from models.cycle import Cycle, Gate, GateDecision, GateOpinion, cycle_by_id, transition
from models.district import district_profile
from models.stages import Stage
from zwgk.core.permissions import Action, may, person
from zwgk.results.sealing import seal_results

GATE_STAGE: dict[Gate, Stage] = {
    Gate.SCHEME: Stage.DRAFT,
    Gate.OFFICE_REVIEW: Stage.OFFICE_REVIEW,
    Gate.LEADING_GROUP: Stage.LEADING_GROUP_APPROVAL,
}
GATE_LABELS: dict[Gate, str] = {
    Gate.SCHEME: "领导小组审定实施方案",
    Gate.OFFICE_REVIEW: "办公室审核考核结果",
    Gate.LEADING_GROUP: "领导小组审定考核结果",
}
APPROVE_TO: dict[Gate, Stage] = {
    Gate.SCHEME: Stage.SCHEME_APPROVED,
    Gate.OFFICE_REVIEW: Stage.LEADING_GROUP_APPROVAL,
    Gate.LEADING_GROUP: Stage.PUBLISHED,
}
#: The one spelling of where a return sends the cycle, as ``zwgk approve --to``, the workbench's
#: form and the Prefect UI's form all take it, with the stage each name means.
RETURN_TARGETS: dict[str, Stage] = {"office-review": Stage.OFFICE_REVIEW, "group": Stage.GROUP_ASSESSMENT}
# Where a "return" may send the cycle; the first entry is the default.
RETURN_TO: dict[Gate, tuple[Stage, ...]] = {
    Gate.SCHEME: (Stage.DRAFT,),
    Gate.OFFICE_REVIEW: (Stage.GROUP_ASSESSMENT,),
    Gate.LEADING_GROUP: (Stage.OFFICE_REVIEW, Stage.GROUP_ASSESSMENT),
}


class GateRefused(ValueError):
    """A decision that may not be taken: wrong person, wrong gate, or a bad target."""


def return_stage(target: str | None) -> Stage | None:
    """The stage a return target names (None when none was given); GateRefused naming the
    targets when it names none."""
    if not target:
        return None
    if target not in RETURN_TARGETS:
        raise GateRefused(f"退回去向只能是 {' 或 '.join(RETURN_TARGETS)}，收到“{target}” (unknown return target)")
    return RETURN_TARGETS[target]


def return_target(stage: Stage | None) -> str:
    """The name of the stage a return sends the cycle to ('' for none), as the forms spell it."""
    return next((name for name, named in RETURN_TARGETS.items() if named == stage), "")


@dataclass(frozen=True)
class Decision:
    """A decision as given by a person (from the CLI or the Prefect UI form)."""

    gate: Gate
    decision: str  # approve | return
    by: str
    comment: str = ""
    return_to: Stage | None = None


def check_decision(session: Session, cycle: Cycle, decision: Decision) -> Stage:
    """Validate ``decision`` against the roster and the cycle; return the stage it leads to."""
    gate = Gate(decision.gate)
    if cycle.stage != GATE_STAGE[gate]:
        raise GateRefused(
            f"{cycle.year} 年度考核当前处于 {cycle.stage}，不在“{GATE_LABELS[gate]}”环节，"
            f"不能对该环节作出决定 (the cycle is not waiting at gate {gate.value})"
        )
    actor = person(session, decision.by)
    if not may(actor, Action.DECIDE, gate):
        if gate is Gate.OFFICE_REVIEW:
            raise GateRefused(f"{decision.by} 不是领导小组办公室工作人员，不能审核考核结果 "
                              f"({decision.by} is not office staff)")
        if actor.leading_group:
            deciders = "、".join(district_profile(session).deciders)
            raise GateRefused(f"领导小组由{deciders}作出审定决定，{decision.by} 可提出意见（zwgk cycle opinion {cycle.year} "
                              f"{gate.value} --comment …），供作出决定的人参阅 ({decision.by} may give an opinion, not decide)")
        raise GateRefused(f"{decision.by} 不在领导小组名单中，不能审定 "
                          f"({decision.by} is not on the leading-group roster)")
    if decision.decision == "approve":
        return APPROVE_TO[gate]
    if decision.decision != "return":
        raise GateRefused(f"决定只能是 approve（同意）或 return（退回），收到 “{decision.decision}”")
    target = decision.return_to or RETURN_TO[gate][0]
    if target not in RETURN_TO[gate]:
        allowed = "、".join(RETURN_TO[gate])
        raise GateRefused(f"“{GATE_LABELS[gate]}”只能退回到 {allowed} (cannot return to {target})")
    return target


def decide(session: Session, *, cycle_id: int, decision: Decision) -> GateDecision:
    """Record a gate decision and move the cycle accordingly (commits).

    A decision that was already recorded (the same gate, person and decision, with the
    cycle already moved on) is returned as it is, so a resumed run that receives the
    input the CLI already applied does not apply it twice. A return to the group
    invalidates the group's scores: every unit must be scored again.
    """
    cycle = cycle_by_id(session, cycle_id)
    session.refresh(cycle)
    if cycle.stage != GATE_STAGE[Gate(decision.gate)]:
        previous = latest_decision(session, cycle_id=cycle_id, gate=Gate(decision.gate))
        if previous and (previous.decided_by, previous.decision) == (decision.by, decision.decision):
            return previous
    target = check_decision(session, cycle, decision)
    row = GateDecision(cycle_id=cycle_id, gate=Gate(decision.gate), decision=decision.decision,
                       return_to=target if decision.decision == "return" else "",
                       decided_by=decision.by, comment=decision.comment)
    session.add(row)
    if target is Stage.GROUP_ASSESSMENT:
        session.execute(update(Assessment).where(Assessment.cycle_id == cycle_id).values(scored=False))  # type: ignore[arg-type]
    cycle.waiting_for = ""
    session.add(cycle)
    session.flush()
    if target is Stage.PUBLISHED:
        seal_results(session, cycle_id=cycle_id, actor=decision.by)
    verb = "同意" if decision.decision == "approve" else "退回"
    note = f"{GATE_LABELS[Gate(decision.gate)]}：{verb}" + (f"。{decision.comment}" if decision.comment else "")
    transition(session=session, cycle_id=cycle_id, to=target, actor=decision.by, comment=note)
    session.refresh(row)
    return row


def latest_decision(session: Session, *, cycle_id: int, gate: Gate) -> GateDecision | None:
    """The most recent decision at ``gate`` for the cycle, if any."""
    return session.exec(
        select(GateDecision)
        .where(GateDecision.cycle_id == cycle_id, GateDecision.gate == gate)
        .order_by(GateDecision.id.desc())  # type: ignore[union-attr]
    ).first()


def decision_ids(session: Session, *, cycle_id: int, gate: Gate) -> list[int]:
    """Ids of the decisions taken at ``gate`` so far, oldest first."""
    return list(session.exec(
        select(GateDecision.id).where(GateDecision.cycle_id == cycle_id, GateDecision.gate == gate)
        .order_by(GateDecision.id)  # type: ignore[arg-type]
    ).all())


def add_opinion(session: Session, *, cycle_id: int, gate: Gate, by: str, comment: str) -> GateOpinion:
    """Record a leading-group member's opinion at ``gate`` while the cycle waits there, for whoever
    decides to read before deciding (audited; commits). The same opinion again changes nothing."""
    cycle = cycle_by_id(session, cycle_id)
    if cycle.stage != GATE_STAGE[gate]:
        raise GateRefused(f"{cycle.year} 年度考核当前不在“{GATE_LABELS[gate]}”环节，不能提出意见 "
                          f"(the cycle is not waiting at gate {gate.value})")
    if not may(person(session, by), Action.GIVE_OPINION, gate):
        raise GateRefused(f"{by} 不是领导小组成员，不能对“{GATE_LABELS[gate]}”提出意见 "
                          f"({by} is not on the leading group)")
    text = comment.strip()
    if not text:
        raise GateRefused("意见不能为空 (the opinion is empty)")
    round_ = len(decision_ids(session, cycle_id=cycle_id, gate=gate))
    existing = session.exec(select(GateOpinion).where(
        GateOpinion.cycle_id == cycle_id, GateOpinion.gate == gate, GateOpinion.round == round_,
        GateOpinion.given_by == by, GateOpinion.comment == text)).first()
    if existing is not None:
        return existing
    row = GateOpinion(cycle_id=cycle_id, gate=gate, round=round_, given_by=by, comment=text)
    session.add(row)
    record(session, actor=by, action="gate.opinion", cycle_id=cycle_id,
           detail={"gate": gate.value, "round": round_, "comment": text})
    session.commit()
    return row
