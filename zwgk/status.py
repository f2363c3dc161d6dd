"""Where a cycle stands: the report behind ``zwgk cycle status``."""

from typing import Any

from rich.console import Console
from rich.table import Table
from sqlmodel import Session, select

from models.assessment import Assessment, SelfCheckStatus
from models.cycle import get_cycle
from models.deadlines import Deadline
from models.documents import IssuedDocument
from models.stages import STAGE_LABELS, allowed_moves
from models.units import Unit
from zwgk.gates import GATE_LABELS

# The people's report shows the latest documents; `documents list` and --json give them all.
LATEST_DOCUMENTS = 10
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
    rows = session.exec(
        select(Unit.name, Assessment.self_check_status, Assessment.scored)
        .join(Assessment, Assessment.unit_id == Unit.id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle.id)
        .order_by(Unit.id)
    ).all()
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


def render(report: dict[str, Any], console: Console) -> None:
    """Print a status report for people."""
    console.print(f"[bold]{report['year']} 年度政务公开工作考核[/bold]")
    console.print(f"阶段：{report['stage_label']}（{report['stage']}）")
    if report["waiting_for"]:
        console.print(f"等待：{report['waiting_label'] or report['waiting_for']}")
    console.print(f"被考核单位：{report['units']} 个")
    if report["self_check_missing"] and report["stage"] in ("self_check", "group_assessment"):
        console.print("未报送自查材料：" + "、".join(report["self_check_missing"]))
    if report["not_scored"] and report["stage"] == "group_assessment":
        console.print(f"尚未评分：{len(report['not_scored'])} 个单位")
    if report["deadlines"]:
        console.print("期限：" + "，".join(f"{k} {v}" for k, v in report["deadlines"].items()))
    documents = report["documents"]
    shown = documents[-LATEST_DOCUMENTS:]
    cut = len(shown) < len(documents)
    count = f"{len(documents)} 件" + (f"，最近 {len(shown)} 件" if cut else "")
    table = Table(title=f"已发文件（{count}）")
    for col in ("文号", "标题", "日期", "文件"):
        table.add_column(col, overflow="fold")
    for d in shown:
        table.add_row(d["number"] or "—", d["title"], d["issued_on"], d["path"])
    console.print(table)
    if cut:
        console.print(f"全部文件：zwgk documents list {report['year']}（--json 为完整清单）")
