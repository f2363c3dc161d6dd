"""The group's confirmation of its scores (article 10(4)): a preview of every unit's total, grade
and rank with the flags worth a second look, and the group's confirmation of exactly those
figures. The group stage finishes only when every assessed unit is scored and the figures as
they stand were confirmed by an assessor: a workbook half filled in never publishes anything."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, func, select

from models.assessment import Assessment, Deduction, ScoreConfirmation, assessed_units
from models.audit import record
from models.cycle import cycle_by_id, returns_to_group
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.units import category_labels
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Action, require
from zwgk.deadlines.rows import mark_met
from zwgk.results.ranking import computed_results

#: A difference from the self-score larger than this is flagged on the preview.
SELF_SCORE_GAP = Decimal(10)
FLAG_ABOVE_SELF = "考核组得分高于自评分"
FLAG_NO_DEDUCTION = "未扣任何分"
FLAG_FAR_FROM_SELF = f"与自评分相差超过{SELF_SCORE_GAP}分"
FLAG_UNSCORED = "尚未评分"


@dataclass(frozen=True)
class PreviewLine:
    """One unit on the preview: its figures as the records give them, and its flags."""

    unit_id: int
    unit: str
    category: str
    self_score: Decimal | None
    score: Decimal | None  # None while the unit is not scored
    grade: str
    rank: int | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Preview:
    """What the group confirms: every unit's line, in category and rank order."""

    year: int
    revision: int
    lines: list[PreviewLine]
    digest: str

    @property
    def unscored(self) -> list[str]:
        """Units the group has not scored yet (their sheet left without a conclusion)."""
        return [line.unit for line in self.lines if line.score is None]


def score_preview(session: Session, *, cycle_id: int) -> Preview:
    """The figures the group's records give now (nothing stored), with the flags."""
    cycle = cycle_by_id(session, cycle_id)
    values = computed_results(session, cycle_id=cycle_id)
    labels = category_labels(session)
    deducted = set(session.exec(select(Deduction.assessment_id).join(
        Assessment, col(Assessment.id) == Deduction.assessment_id).where(Assessment.cycle_id == cycle_id)).all())
    lines = []
    for assessment, unit in assessed_units(session, cycle_id):
        assert assessment.id is not None and unit.id is not None
        figures = values.get(assessment.id, {})
        score = figures.get("score") if assessment.scored else None
        lines.append(PreviewLine(
            unit_id=unit.id, unit=unit.name, category=labels[unit.category], self_score=assessment.self_score,
            score=score, grade=figures.get("grade", "") if score is not None else "",
            rank=figures.get("rank") if score is not None else None,
            flags=_flags(score, assessment.self_score, assessment.id in deducted)))
    lines.sort(key=lambda x: (x.category, x.rank is None, x.rank or 0, x.unit_id))
    digest = hashlib.sha256(json.dumps(
        [[x.unit_id, str(x.score), x.grade, x.rank] for x in lines], ensure_ascii=False).encode()).hexdigest()
    return Preview(year=cycle.year, revision=returns_to_group(session, cycle_id=cycle_id), lines=lines,
                   digest=digest)


def _flags(score: Decimal | None, self_score: Decimal | None, deducted: bool) -> tuple[str, ...]:
    if score is None:
        return (FLAG_UNSCORED,)
    flags = [] if deducted else [FLAG_NO_DEDUCTION]
    if self_score is not None and score > self_score:
        flags.append(FLAG_ABOVE_SELF)
    if self_score is not None and abs(score - self_score) > SELF_SCORE_GAP:
        flags.append(FLAG_FAR_FROM_SELF)
    return tuple(flags)


def confirm_scores(session: Session, *, cycle_id: int, by: str, on: date,
                   digest: str | None = None) -> ScoreConfirmation:
    """Record an assessor's confirmation of the figures as they stand (audited; commits) and mark
    the group's scoring deadline met. Refused unless ``by`` is an assessor (NotAllowed), every
    unit is scored (IntakeError), and, with ``digest``, the figures are still those the assessor saw."""
    require(session, by, Action.SCORE)
    preview = score_preview(session, cycle_id=cycle_id)
    if preview.unscored:
        raise IntakeError(f"还有 {len(preview.unscored)} 个单位尚未评分（评分表未选“评分结论”）："
                          f"{'、'.join(preview.unscored)}；全部评分后才能确认 (units still unscored)")
    if digest is not None and digest != preview.digest:
        raise IntakeError("评分在您查看之后又有变动，请重新查看预览后再确认 (the scores changed since the preview)")
    existing = confirmation_of(session, cycle_id, preview)
    if existing is not None:
        return existing
    row = ScoreConfirmation(cycle_id=cycle_id, revision=preview.revision, digest=preview.digest,
                            confirmed_by=by.strip())
    session.add(row)
    record(session, actor=by.strip(), action="scores.confirm", cycle_id=cycle_id,
           detail={"revision": preview.revision, "digest": preview.digest, "units": len(preview.lines), "on": on})
    session.commit()
    # The group's scoring deadline (every round) is met: its work is done.
    for deadline in session.exec(select(Deadline).where(
            Deadline.cycle_id == cycle_id, Deadline.kind == DeadlineKind.GROUP_SCORING,
            col(Deadline.state).in_([DeadlineState.OPEN, DeadlineState.OVERDUE]))).all():
        mark_met(session, deadline_id=deadline.id, on=on)  # type: ignore[arg-type]
    return row


def confirmation_of(session: Session, cycle_id: int, preview: Preview) -> ScoreConfirmation | None:
    """The group's confirmation of exactly the figures of ``preview``, if it was given."""
    return session.exec(select(ScoreConfirmation).where(
        ScoreConfirmation.cycle_id == cycle_id, ScoreConfirmation.revision == preview.revision,
        ScoreConfirmation.digest == preview.digest)).first()


def scores_ready(session: Session, *, cycle_id: int) -> bool:
    """Every assessed unit is scored and the group confirmed the figures as they stand now."""
    unscored = session.exec(select(func.count()).select_from(Assessment).where(
        Assessment.cycle_id == cycle_id, col(Assessment.scored).is_(False))).one()
    if unscored:
        return False
    return confirmation_of(session, cycle_id, score_preview(session, cycle_id=cycle_id)) is not None
