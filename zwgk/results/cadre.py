"""Article 13(3): the results for the cadre department and the discipline inspection organ.

They take the assessment as a reference for evaluating the units' leading cadres and for
holding them accountable, so what they receive is per unit: the result (score, grade, rank),
the problems found, where their rectification stands and any falsification finding (article
14), in a spreadsheet, with a covering letter (函) from the office in the register.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import xlsxwriter
from sqlmodel import Session, col, select

from models.assessment import Assessment, SpecialItem, SpecialKind
from models.audit import record
from models.cycle import get_cycle
from models.documents import IssuedDocument
from models.rectification import RectificationItem, RectificationState
from models.stages import STAGE_LABELS, Stage
from models.units import Unit, category_labels
from zwgk.core.errors import IntakeError
from zwgk.documents.contexts import CadreRow, cn_date, pts
from zwgk.documents.issue.use import issue_cadre_letter
from zwgk.rectification.lifecycle import list_items
from zwgk.results.ranking import results_table

#: Stages in which the leading group has approved the results (article 10(4)): only approved
#: results go to the cadre department.
APPROVED_STAGES = (Stage.PUBLISHED, Stage.RECTIFICATION, Stage.CLOSED)

HEADERS = ["类别", "名次", "单位", "分管领导", "考核得分", "等次", "发现的问题", "整改情况", "弄虚作假认定"]
WIDTHS = [22, 6, 28, 10, 9, 8, 60, 30, 40]
NO_PROBLEMS = "无"
NO_RECTIFICATION = "无需整改"


@dataclass(frozen=True)
class CadreLine:
    """One unit as the cadre department reads it."""

    category: str
    rank: int | None
    unit: str
    leader: str
    score: str
    grade: str
    problems: str
    rectification: str
    rectifying: bool  # a rectification not verified yet
    falsification: str


@dataclass(frozen=True)
class CadreExport:
    """The spreadsheet written and the covering letter issued."""

    path: Path
    letter: IssuedDocument
    lines: list[CadreLine]


def cadre_lines(session: Session, *, year: int) -> list[CadreLine]:
    """Every assessed unit's line, by category and rank; IntakeError before the leading group
    has approved the year's results."""
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    if cycle.stage not in APPROVED_STAGES:
        raise IntakeError(f"{year} 年度考核结果尚未经领导小组审定（当前阶段：{STAGE_LABELS[cycle.stage]}），"
                          "不能函送干部主管部门 (results not approved yet)")
    leaders = dict(session.exec(select(Unit.id, Unit.openness_leader)).all())
    labels = category_labels(session)
    problems = dict(session.exec(
        select(Assessment.unit_id, RectificationItem.problems)
        .join(RectificationItem, col(RectificationItem.assessment_id) == Assessment.id)
        .where(Assessment.cycle_id == cycle.id)).all())
    rectifying = {r.unit for r in list_items(session, year=year) if r.state is not RectificationState.VERIFIED}
    states = {r.unit: r.state_label + (f"（第{r.round}轮）" if r.round > 1 else "") + (
        f"，期限{cn_date(r.next_due_on)}" + ("，已逾期" if r.next_due_state == "overdue" else "")
        if r.next_due_on and r.state is not RectificationState.VERIFIED else "")
        for r in list_items(session, year=year)}
    findings: dict[int, list[str]] = {}
    for unit_id, reason, number in session.exec(
        select(Assessment.unit_id, SpecialItem.reason, IssuedDocument.number)
        .join(SpecialItem, col(SpecialItem.assessment_id) == Assessment.id)
        .outerjoin(IssuedDocument, (col(IssuedDocument.doc_type) == "criticism")
                   & (col(IssuedDocument.unit_id) == Assessment.unit_id)
                   & (col(IssuedDocument.cycle_id) == Assessment.cycle_id))
        .where(Assessment.cycle_id == cycle.id, SpecialItem.kind == SpecialKind.FALSIFICATION)
        .order_by(col(SpecialItem.id))
    ):
        findings.setdefault(unit_id, []).append(f"{reason}（已通报批评{'，' + number if number else ''}）")
    return [
        CadreLine(category=labels[r.category], rank=r.rank, unit=r.unit,
                  leader=leaders.get(r.unit_id) or "", score=pts(r.score), grade=r.grade,
                  problems="\n".join(f"{i}. {p}" for i, p in enumerate(
                      problems.get(r.unit_id, "").splitlines(), start=1)) or NO_PROBLEMS,
                  rectification=states.get(r.unit, NO_RECTIFICATION), rectifying=r.unit in rectifying,
                  falsification="；".join(findings.get(r.unit_id, [])))
        for r in results_table(session, cycle_id=cycle.id)
    ]


def write_cadre_workbook(lines: list[CadreLine], *, year: int, path: Path) -> Path:
    """The spreadsheet of ``lines`` (every text written as text, never as a formula)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                  "align": "center", "valign": "vcenter"})
    text = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    number = workbook.add_format({"border": 1, "valign": "top", "num_format": "0.0"})
    sheet = workbook.add_worksheet(f"{year}年度考核结果")
    for column, (title, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, title, header)
    for row, line in enumerate(lines, start=1):
        cells = [line.category, "" if line.rank is None else str(line.rank), line.unit, line.leader,
                 line.score, line.grade, line.problems, line.rectification, line.falsification]
        for column, value in enumerate(cells):
            if column == HEADERS.index("考核得分") and value:
                sheet.write_number(row, column, float(value), number)
            else:
                sheet.write_string(row, column, value, text)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return path


def export_cadre(session: Session, *, year: int, path: Path, on: date, by: str,
                 out_dir: Path | None = None) -> CadreExport:
    """Write the spreadsheet for the cadre department and the discipline inspection organ and
    issue the covering letter (audited when first issued; run again, the same letter and number)."""
    lines = cadre_lines(session, year=year)
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    write_cadre_workbook(lines, year=year, path=path)
    issued_before = session.exec(select(IssuedDocument.id).where(
        IssuedDocument.cycle_id == cycle.id, IssuedDocument.doc_type == "cadre_letter")).first()
    letter = issue_cadre_letter(
        session=session, cycle_id=cycle.id, on=on, rectifying=sum(x.rectifying for x in lines),
        out_dir=out_dir,
        rows=[CadreRow(category=x.category, unit=x.unit, score=x.score, grade=x.grade,
                       rank="" if x.rank is None else str(x.rank), falsification=x.falsification)
              for x in lines])
    if issued_before is None:
        record(session, actor=by, action="export.cadre", cycle_id=cycle.id,
               detail=f"{letter.number} {letter.title}")
        session.commit()
    return CadreExport(path=path, letter=letter, lines=lines)

