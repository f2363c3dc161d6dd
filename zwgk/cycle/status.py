"""Where a cycle stands, as data: the report behind ``zwgk cycle status`` (printed by zwgk.cli.cycle)."""

from typing import Any

from sqlmodel import Session, select

from models.assessment import SelfCheckStatus, assessed_units
from models.cycle import get_cycle
from models.deadlines import Deadline
from models.documents import IssuedDocument
from models.stages import STAGE_LABELS, allowed_moves
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
    }


