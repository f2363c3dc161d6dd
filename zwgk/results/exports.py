"""Use of results (article 13): the target-performance export and the commendation proposal."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from models.assessment import Assessment
from models.cycle import get_cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.rectification import RectificationItem, RectificationState
from models.scoring import performance_contribution
from models.units import category_labels
from zwgk.adapters.spreadsheets.xlsx import (
    CELL,
    HEADER,
    add_styles,
    new_workbook,
    set_widths,
    write_styled,
)
from zwgk.core.errors import IntakeError
from zwgk.results.ranking import ResultRow, results_table

TARGET_HEADERS = ["单位", "类别", "考核得分", "等次", "名次（分类别）", "权重（%）", "计入目标绩效考核分值"]


def _computed(session: Session, year: int) -> tuple[int, list[ResultRow]]:
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    rows = results_table(session, cycle_id=cycle.id)
    if not rows or any(r.score is None for r in rows):
        raise IntakeError(f"{year} 年度考核结果尚未计算，须在考核组评分完成后再导出 (results not computed yet)")
    return cycle.id, rows


def export_target_performance(session: Session, *, year: int, path: Path) -> Path:
    """Write the .xlsx the target-performance assessment takes in: unit, category, score, grade,
    rank, the scheme's weight (at least 4%) and the score's contribution at that weight."""
    _, rows = _computed(session, year)
    weight = get_cycle(session, year).scheme.performance_weight
    labels = category_labels(session)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = new_workbook(path)
    styles = add_styles(workbook)
    sheet = workbook.add_worksheet(f"{year}年度政务公开考核")
    write_styled(sheet, 0, TARGET_HEADERS, [styles[HEADER]] * len(TARGET_HEADERS))
    set_widths(sheet, [30, 28, 10, 8, 12, 10, 20])
    for number, r in enumerate(rows, start=1):
        assert r.score is not None
        write_styled(sheet, number, [r.unit, labels[r.category], r.score, r.grade, r.rank, weight,
                                     performance_contribution(r.score, weight)],
                     [styles[CELL]] * len(TARGET_HEADERS))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return path


@dataclass(frozen=True)
class Candidate:
    """A unit of the top grade, proposed as an advanced unit or held back with the reason."""

    unit: str
    category: str
    score: Decimal
    rank: int | None
    proposed: bool
    held_back_because: str = ""


def propose_commendation(session: Session, *, year: int) -> list[Candidate]:
    """Units of the top grade, by category and rank, proposed for commendation unless they
    falsified (article 14) or have a rectification overdue and not verified (article 11).

    A proposal for the office to confirm, not a decision.
    """
    cycle_id, rows = _computed(session, year)
    top = get_cycle(session, year).scheme.grade_bands[0].grade
    overdue = set(session.exec(
        select(Assessment.unit_id)
        .join(RectificationItem, RectificationItem.assessment_id == Assessment.id)  # type: ignore[arg-type]
        .join(Deadline, (Deadline.unit_id == Assessment.unit_id) & (Deadline.cycle_id == Assessment.cycle_id))  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle_id, RectificationItem.state != RectificationState.VERIFIED,
               Deadline.kind == DeadlineKind.RECTIFICATION_DONE, Deadline.state == DeadlineState.OVERDUE)
    ).all())
    candidates = []
    for r in rows:
        if r.grade != top:
            continue
        why = "弄虚作假（第十四条）" if r.falsified else "整改逾期未完成（第十一条）" if r.unit_id in overdue else ""
        assert r.score is not None
        candidates.append(Candidate(unit=r.unit, category=r.category, score=r.score, rank=r.rank,
                                    proposed=not why, held_back_because=why))
    return candidates
