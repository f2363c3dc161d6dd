"""Special items of the annex tables (特别项) and the falsification finding of article 14.

Special deductions name one of the five kinds of the unit's annex; the zero item and a
falsification finding zero the score and set the grade to 不合格; the bonus needs its typical
case as evidence and is capped by the bonus item's points when results are computed.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, select

from models.assessment import Assessment, SpecialItem, SpecialKind
from models.audit import record
from models.catalog import Criterion, CriterionKind
from models.cycle import scheme_points
from models.documents import IssuedDocument
from models.scoring import FAIL_GRADE, ZERO
from models.types import to_points
from zwgk.core.errors import IntakeError
from zwgk.documents.issue.publish import issue_criticism
from zwgk.results.sealing import reseal_if_sealed
from zwgk.setup.categories import criterion_for
from zwgk.setup.units import assessed_unit

KIND_LABELS = {
    SpecialKind.SPECIAL_DEDUCTION: "特别减分",
    SpecialKind.ZERO: "直接归零",
    SpecialKind.BONUS: "特别加分",
    SpecialKind.FALSIFICATION: "弄虚作假（第十四条）",
}
# The annex item each kind is recorded against.
CRITERION_KINDS = {
    SpecialKind.SPECIAL_DEDUCTION: CriterionKind.SPECIAL_DEDUCTION,
    SpecialKind.ZERO: CriterionKind.ZERO,
    SpecialKind.BONUS: CriterionKind.BONUS,
    SpecialKind.FALSIFICATION: CriterionKind.ZERO,
}


def add_special_item(
    session: Session, *, year: int, unit_name: str, kind: SpecialKind | str, points: Decimal | None, reason: str,
    evidence: str, by: str, criterion_ref: str | None = None,
) -> SpecialItem:
    """Record a special item on a unit (commits); entering the same item again adds nothing.

    - special_deduction: ``criterion_ref`` names one of the five special-deduction items of the
      unit's annex; points default to that item's points and may not exceed them.
    - zero / falsification: the score becomes 0 and the grade 不合格 at once and after every
      recomputation (the criticism notice of article 14 is record_falsification's).
    - bonus: points above 0 up to the bonus item's points, with the typical case as evidence.
    A reason and the recorder's name are always required.
    """
    kind = _kind(kind)
    if not reason.strip():
        raise IntakeError(f"{KIND_LABELS[kind]}须填写理由 (reason required)")
    if not by.strip():
        raise IntakeError(f"{KIND_LABELS[kind]}须填写记录人姓名 (name of the person recording it required)")
    target = assessed_unit(session, year=year, unit_name=unit_name)
    wanted = CRITERION_KINDS[kind]
    if kind is SpecialKind.SPECIAL_DEDUCTION and not criterion_ref:
        raise IntakeError("特别减分须用 --criterion 指明五类特别减分项中的哪一项（如乡镇 T092、区直部门 D099），"
                          "可用 zwgk catalog show 查看")
    ref = criterion_ref or _only_item(session, target.unit.category, wanted)
    criterion = criterion_for(session, target, ref, {wanted})
    limit = scheme_points(session, target.cycle.id)[criterion.ref]  # type: ignore[arg-type]
    value = _points(kind, points, limit)
    if kind is SpecialKind.BONUS and not evidence.strip():
        raise IntakeError("特别加分须提供典型案例等佐证材料（--evidence）")
    existing = session.exec(select(SpecialItem).where(
        SpecialItem.assessment_id == target.assessment.id, SpecialItem.kind == kind,
        SpecialItem.criterion_id == criterion.id, SpecialItem.points == value,
        SpecialItem.reason == reason.strip())).first()
    if existing is not None:
        return existing
    item = SpecialItem(assessment_id=target.assessment.id, criterion_id=criterion.id, kind=kind,  # type: ignore[arg-type]
                       points=value, reason=reason.strip(), evidence=evidence.strip(), recorded_by=by.strip())
    session.add(item)
    if kind in (SpecialKind.ZERO, SpecialKind.FALSIFICATION):
        # Effective at once, not only at the next computation of results.
        session.execute(update(Assessment).where(Assessment.id == target.assessment.id)  # type: ignore[arg-type]
                        .values(score=ZERO, grade=FAIL_GRADE,
                                falsified=target.assessment.falsified or kind is SpecialKind.FALSIFICATION))
    session.flush()
    record(session, actor=by.strip(), action=f"special.{kind.value}", cycle_id=target.cycle.id,
           detail={"unit": unit_name, "criterion": criterion.ref, "points": value, "reason": reason.strip(),
                   "evidence": evidence.strip()})
    reseal_if_sealed(session, cycle_id=target.cycle.id, actor=by.strip())  # type: ignore[arg-type]
    session.commit()
    return item


def record_falsification(
    session: Session, *, year: int, unit_name: str, reason: str, by: str, evidence: str = "", on: date,
    out_dir: Path | None = None,
) -> tuple[SpecialItem, IssuedDocument]:
    """Record a falsification finding (article 14) and issue the criticism notice (通报批评).

    The unit's grade becomes 不合格 and stays so. Idempotent: the same finding gives the same
    item and the same notice. ``out_dir`` overrides the configured output folder.
    """
    item = add_special_item(session, year=year, unit_name=unit_name, kind=SpecialKind.FALSIFICATION,
                            points=None, reason=reason, evidence=evidence, by=by)
    assert item.id is not None
    return item, issue_criticism(session=session, special_item_id=item.id, on=on, out_dir=out_dir)


def _kind(kind: SpecialKind | str) -> SpecialKind:
    try:
        return SpecialKind(kind)
    except ValueError:
        raise IntakeError(f"特别项类型“{kind}”无效，应为：" + "、".join(
            f"{k.value}（{label}）" for k, label in KIND_LABELS.items())) from None


def _only_item(session: Session, category: str, kind: CriterionKind) -> str:
    ref = session.exec(select(Criterion.ref).where(Criterion.category == category, Criterion.kind == kind)).first()
    if ref is None:
        raise IntakeError(f"{category} 类考核内容明细表没有“{kind.value}”项 (the catalog has no such item)")
    return ref


def _points(kind: SpecialKind, points: Decimal | None, limit: Decimal) -> Decimal:
    if kind in (SpecialKind.ZERO, SpecialKind.FALSIFICATION):
        return ZERO
    value = limit if points is None and kind is SpecialKind.SPECIAL_DEDUCTION else points
    if value is None:
        raise IntakeError("特别加分须用 --points 填写加分分值")
    value = to_points(value)
    if not ZERO < value <= limit:
        raise IntakeError(f"{KIND_LABELS[kind]}分值 {value} 应大于 0 且不超过该项分值 {limit}")
    return value
