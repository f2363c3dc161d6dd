"""Where a cycle stands, as data: the report behind ``zwgk cycle status`` (printed by zwgk.cli.cycle)."""

from typing import Any

from sqlmodel import Session, or_, select

from models.assessment import SelfCheckStatus, assessed_units
from models.audit import AuditEntry
from models.cycle import GateDecision, GateOpinion, get_cycle
from models.deadlines import Deadline
from models.documents import IssuedDocument
from models.stages import STAGE_LABELS, Stage, allowed_moves
from zwgk.core.clock import office_time
from zwgk.cycle.gates import GATE_LABELS

WAITING_LABELS = {
    **{f"gate:{gate.value}": f"等待{label}（zwgk approve YEAR {gate.value} …）"
       for gate, label in GATE_LABELS.items()},
    "units:self_check": "等待各单位报送自查材料",
    "units:scores": "等待考核组完成评分",
    "units:rectification": "等待各单位完成整改",
}


def build(session: Session, year: int) -> dict[str, Any]:
    """The status of the cycle of ``year`` as a JSON-ready dict with stable keys."""
    cycle = get_cycle(session, year)
    rows = [(u.name, a.self_check_status, a.scored) for a, u in assessed_units(session, cycle.id)]  # type: ignore[arg-type]
    docs = session.exec(
        select(IssuedDocument).where(IssuedDocument.cycle_id == cycle.id).order_by(IssuedDocument.id)  # type: ignore[arg-type]
    ).all()
    deadlines = session.exec(select(Deadline).where(Deadline.cycle_id == cycle.id)).all()
    return {
        "year": year,
        "stage": cycle.stage.value,
        "stage_label": STAGE_LABELS[cycle.stage],
        "waiting_for": cycle.waiting_for,
        "waiting_label": WAITING_LABELS.get(cycle.waiting_for, ""),
        "allowed_moves": [s.value for s in allowed_moves(cycle.stage)],
        "flow_run_id": cycle.flow_run_id,
        "units": len(rows),
        "self_check_missing": [n for n, s, _ in rows
                               if s in (SelfCheckStatus.PENDING, SelfCheckStatus.MISSING)],
        "not_scored": [n for n, _, scored in rows if not scored],
        "deadlines": {state: sum(1 for d in deadlines if d.state == state)
                      for state in sorted({d.state.value for d in deadlines})},
        "documents": [{"number": d.number, "title": d.title, "issued_on": d.issued_on.isoformat(),
                       "path": d.path} for d in docs],
        "decisions": decision_history(session, cycle.id),  # type: ignore[arg-type]
    }


def decision_history(session: Session, cycle_id: int) -> list[dict[str, Any]]:
    """Every decision and opinion taken at the cycle's gates, and every withdrawal or restart of
    the cycle, oldest first: the gate, who, when (Beijing time), what, the comment, and where a
    return sent the cycle."""
    decisions = session.exec(select(GateDecision).where(GateDecision.cycle_id == cycle_id)).all()
    opinions = session.exec(select(GateOpinion).where(GateOpinion.cycle_id == cycle_id)).all()
    rows = [{"gate": d.gate.value, "gate_label": GATE_LABELS[d.gate], "by": d.decided_by, "at": d.decided_at,
             "kind": "decision", "label": "同意" if d.decision == "approve" else "退回", "comment": d.comment,
             "return_to": STAGE_LABELS[Stage(d.return_to)] if d.return_to else ""} for d in decisions]
    rows += [{"gate": o.gate.value, "gate_label": GATE_LABELS[o.gate], "by": o.given_by, "at": o.given_at,
              "kind": "opinion", "label": "意见", "comment": o.comment, "return_to": ""} for o in opinions]
    moves = session.exec(select(AuditEntry).where(
        AuditEntry.cycle_id == cycle_id, or_(AuditEntry.to_stage == Stage.WITHDRAWN.value,
                                             AuditEntry.from_stage == Stage.WITHDRAWN.value))).all()
    rows += [{"gate": "", "gate_label": "撤销年度考核" if m.to_stage == Stage.WITHDRAWN.value else "重新启动",
              "by": m.actor, "at": m.at, "kind": "withdrawal", "label": "撤销" if m.to_stage == Stage.WITHDRAWN.value
              else "重新启动", "comment": m.comment, "return_to": ""} for m in moves]
    rows.sort(key=lambda row: row["at"])
    return [{**row, "at": office_time(row["at"])} for row in rows]
