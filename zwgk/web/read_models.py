"""What the workbench pages show: a cycle, one unit, the group's view of the units.

Read-only views built from the tables; who may see which part is decided by
``zwgk.core.permissions``, not here.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from models.assessment import (
    SELF_CHECK_LABELS,
    Assessment,
    SelfCheckStatus,
    SelfScore,
    assessed_units,
)
from models.cycle import Cycle, Gate, get_cycle
from models.deadlines import (
    DEADLINE_LABELS,
    Deadline,
    DeadlineState,
    Reminder,
    ReminderStatus,
)
from models.documents import IssuedDocument
from models.rectification import RectificationItem, RectificationState
from models.reminders import ESCALATION
from models.stages import STAGE_LABELS, Stage
from models.units import Unit
from models.uploads import Upload, UploadKind
from zwgk.core.settings import get_settings
from zwgk.cycle import status
from zwgk.cycle.gates import GATE_STAGE
from zwgk.documents.issue.common import FOLDERS
from zwgk.documents.issue.review import ReviewDraft, review_draft
from zwgk.documents.issue.scheme import SchemeDraft, scheme_draft
from zwgk.documents.register import document_path
from zwgk.intake.forms import CriterionLine, regular_criteria
from zwgk.intake.self_check import FIRST_ROW
from zwgk.intake.uploads import uploads_of
from zwgk.rectification.lifecycle import STATE_LABELS
from zwgk.results.confirmation import confirmation_of, score_preview

# The articles of the measures behind each stage, for the timeline.
STAGE_ARTICLES: dict[Stage, str] = {
    Stage.DRAFT: "第八条、第十条（二）", Stage.SCHEME_APPROVED: "第八条", Stage.SELF_CHECK: "第十条（三）",
    Stage.GROUP_ASSESSMENT: "第十条（四）", Stage.OFFICE_REVIEW: "第十条（四）",
    Stage.LEADING_GROUP_APPROVAL: "第十条（四）", Stage.PUBLISHED: "第十二条", Stage.RECTIFICATION: "第十一条",
    Stage.CLOSED: "第十三条",
}
# The document each gate decides on, newest first when there are revisions.
GATE_DOCUMENTS: dict[Gate, tuple[str, ...]] = {
    Gate.SCHEME: ("scheme_notice",),
    Gate.OFFICE_REVIEW: ("review_request", "results_summary"),
    Gate.LEADING_GROUP: ("review_request", "results_summary"),
}
SENT = (ReminderStatus.SENT, ReminderStatus.NO_EMAIL, ReminderStatus.NO_SMTP)


@dataclass(frozen=True)
class DeadlineLine:
    unit: str
    label: str
    round: int
    due_on: date
    state: str
    reminders_sent: int
    escalated_on: date | None


@dataclass(frozen=True)
class DocumentLine:
    id: int
    number: str
    title: str
    issued_on: date
    doc_type: str
    unit_id: int | None
    has_pdf: bool
    withdrawn_on: date | None = None


@dataclass
class CriterionView:
    """One regular criterion of a unit with what the unit said about it."""

    line: CriterionLine
    form_row: int  # the row of the criterion in the unit's self-check form
    self_score: Decimal | None = None
    explanation: str = ""
    evidence: list[Upload] = field(default_factory=list)


def _timeline(stage: Stage) -> list[dict[str, Any]]:
    """The statutory stages in order, each done, current or to do; a withdrawn cycle shows its
    one step (拟定实施方案) and then 已撤销."""
    order = [s for s in Stage if s is not Stage.WITHDRAWN]
    if stage is Stage.WITHDRAWN:
        return [{"stage": s.value, "label": STAGE_LABELS[s], "article": STAGE_ARTICLES.get(s, ""),
                 "state": "done" if s is Stage.DRAFT else "current"} for s in (Stage.DRAFT, Stage.WITHDRAWN)]
    return [{"stage": s.value, "label": STAGE_LABELS[s], "article": STAGE_ARTICLES[s],
             "state": "done" if order.index(s) < order.index(stage) else
             "current" if s is stage else "todo"} for s in order]


def deadline_lines(session: Session, *, cycle_id: int, unit_id: int | None = None,
                   open_only: bool = True) -> list[DeadlineLine]:
    """Deadlines with the reminders sent about them (escalations not counted) and escalation."""
    query = select(Deadline, Unit.name).outerjoin(Unit, col(Unit.id) == Deadline.unit_id).where(
        Deadline.cycle_id == cycle_id)
    if open_only:
        query = query.where(col(Deadline.state).in_([DeadlineState.OPEN, DeadlineState.OVERDUE]))
    if unit_id is not None:
        query = query.where(Deadline.unit_id == unit_id)
    rows = session.exec(query.order_by(col(Deadline.due_on), col(Deadline.id))).all()
    sent = dict(session.exec(
        select(Reminder.deadline_id, func.count()).where(
            col(Reminder.deadline_id).in_([d.id for d, _ in rows]), col(Reminder.status).in_(SENT),
            Reminder.slot != ESCALATION).group_by(col(Reminder.deadline_id))).all())
    return [DeadlineLine(unit=name or "考核组", label=DEADLINE_LABELS[d.kind], round=d.round, due_on=d.due_on,
                         state=d.state.value, reminders_sent=sent.get(d.id, 0), escalated_on=d.escalated_on)
            for d, name in rows]


def document_lines(session: Session, *, cycle_id: int) -> list[DocumentLine]:
    """The register of the cycle, with whether a PDF copy was made."""
    docs = session.exec(select(IssuedDocument).where(IssuedDocument.cycle_id == cycle_id)
                        .order_by(col(IssuedDocument.id))).all()
    return [DocumentLine(id=d.id, number=d.number, title=d.title, issued_on=d.issued_on,  # type: ignore[arg-type]
                         doc_type=d.doc_type, unit_id=d.unit_id,
                         has_pdf=document_path(d).with_suffix(".pdf").is_file(),
                         withdrawn_on=d.withdrawn_on) for d in docs]


def public_page(year: int) -> Path:
    """Where the public results page of ``year`` is written."""
    return get_settings().out_dir / str(year) / FOLDERS["publish"] / f"{year}年度政务公开工作考核结果公示.html"


def cycle_overview(session: Session, year: int) -> dict[str, Any]:
    """The cycle page: stage on the timeline, what it waits for, missing units with their
    contacts, open deadlines, the register and the public page."""
    report = status.build(session, year)
    cycle = get_cycle(session, year)
    assert cycle.id is not None
    missing_names = set(report["self_check_missing"]) if cycle.stage is Stage.SELF_CHECK else set()
    rectifying = session.exec(
        select(Unit.name).join(Assessment, col(Assessment.unit_id) == Unit.id)
        .join(RectificationItem, col(RectificationItem.assessment_id) == Assessment.id)
        .where(Assessment.cycle_id == cycle.id, RectificationItem.state != RectificationState.VERIFIED)).all() \
        if cycle.stage is Stage.RECTIFICATION else []
    missing_names |= set(rectifying)
    missing = session.exec(select(Unit).where(col(Unit.name).in_(missing_names)).order_by(col(Unit.id))).all()
    gate = next((g for g, s in GATE_STAGE.items() if s is cycle.stage), None)
    return {**report, "timeline": _timeline(cycle.stage), "gate": gate,
            "missing": list(missing), "deadline_lines": deadline_lines(session, cycle_id=cycle.id),
            "document_lines": document_lines(session, cycle_id=cycle.id),
            "has_public_page": public_page(year).is_file()}


def gate_documents(session: Session, *, cycle_id: int, gate: Gate) -> list[DocumentLine]:
    """The documents under decision at ``gate``: the latest of each kind."""
    lines = document_lines(session, cycle_id=cycle_id)
    latest = {d.doc_type: d for d in lines if d.doc_type in GATE_DOCUMENTS[gate]}
    return [latest[t] for t in GATE_DOCUMENTS[gate] if t in latest]


def gate_material(session: Session, *, cycle_id: int, gate: Gate, today: date) -> SchemeDraft | ReviewDraft:
    """What is decided at ``gate``, to show on its page: the scheme as it would be issued today,
    or the results the review request proposes (ranks, scores and grades per category)."""
    if gate is Gate.SCHEME:
        return scheme_draft(session=session, cycle_id=cycle_id, on=today)
    return review_draft(session=session, cycle_id=cycle_id)


def criteria_views(session: Session, *, cycle_id: int, unit: Unit, assessment_id: int) -> list[CriterionView]:
    """The unit's regular criteria with its self-scores, explanations and evidence."""
    scores = {s.criterion_id: s for s in session.exec(
        select(SelfScore).where(SelfScore.assessment_id == assessment_id)).all()}
    evidence: dict[int | None, list[Upload]] = {}
    for upload in uploads_of(session, cycle_id=cycle_id, unit_id=unit.id, kind=UploadKind.EVIDENCE):
        evidence.setdefault(upload.criterion_id, []).append(upload)
    views = []
    for number, line in enumerate(regular_criteria(session, cycle_id)[unit.category]):
        score = scores.get(line.id)
        views.append(CriterionView(line=line, form_row=FIRST_ROW + number,
                                   self_score=score.points if score else None,
                                   explanation=score.explanation if score else "",
                                   evidence=evidence.get(line.id, [])))
    return views


def unit_overview(session: Session, *, cycle: Cycle, unit: Unit) -> dict[str, Any]:
    """The unit page: its assessment, deadlines, documents, criteria and uploads."""
    assert cycle.id is not None and unit.id is not None
    assessment = session.exec(select(Assessment).where(Assessment.cycle_id == cycle.id,
                                                       Assessment.unit_id == unit.id)).one()
    item = session.exec(select(RectificationItem).where(RectificationItem.assessment_id == assessment.id)).first()
    documents = [d for d in document_lines(session, cycle_id=cycle.id) if d.unit_id in (None, unit.id)]
    return {
        "cycle": cycle, "unit": unit, "assessment": assessment,
        "stage_label": STAGE_LABELS[cycle.stage],
        "self_check_label": SELF_CHECK_LABELS[assessment.self_check_status],
        "deadlines": deadline_lines(session, cycle_id=cycle.id, unit_id=unit.id, open_only=False),
        "documents": documents,
        "criteria": criteria_views(session, cycle_id=cycle.id, unit=unit, assessment_id=assessment.id),  # type: ignore[arg-type]
        "rectification": item, "rectification_label": STATE_LABELS[item.state] if item else "",
        "uploads": [u for u in uploads_of(session, cycle_id=cycle.id, unit_id=unit.id)
                    if u.kind is not UploadKind.EVIDENCE],
        "self_check_open": cycle.stage in (Stage.SELF_CHECK, Stage.GROUP_ASSESSMENT),
    }


def group_overview(session: Session, year: int) -> dict[str, Any]:
    """The assessment group's page: every unit's self-check status, self-score and evidence count;
    while the group scores, the preview of its figures and whether it confirmed them."""
    cycle = get_cycle(session, year)
    evidence = dict(session.exec(
        select(Upload.unit_id, func.count()).where(Upload.cycle_id == cycle.id, Upload.kind == UploadKind.EVIDENCE)
        .group_by(col(Upload.unit_id))).all())
    rows = sorted(assessed_units(session, cycle.id), key=lambda pair: pair[1].category)  # type: ignore[arg-type]
    units = [{"unit": u, "status": SELF_CHECK_LABELS[a.self_check_status], "self_score": a.self_score,
              "scored": a.scored, "evidence": evidence.get(u.id, 0),
              "sent": a.self_check_status in (SelfCheckStatus.RECEIVED, SelfCheckStatus.LATE)} for a, u in rows]
    scoring_open = cycle.stage is Stage.GROUP_ASSESSMENT
    preview = score_preview(session, cycle_id=cycle.id) if scoring_open else None  # type: ignore[arg-type]
    return {"cycle": cycle, "stage_label": STAGE_LABELS[cycle.stage], "units": units,
            "scoring_open": scoring_open, "preview": preview,
            "confirmed": confirmation_of(session, cycle.id, preview) if preview else None}  # type: ignore[arg-type]


def cycles_newest_first(session: Session) -> list[Cycle]:
    """Every cycle, the latest year first (the home page's list)."""
    return list(session.exec(select(Cycle).order_by(col(Cycle.year).desc())).all())
