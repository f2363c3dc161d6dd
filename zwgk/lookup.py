"""Finding a year's assessed units and their criteria by the names office staff type."""

from dataclasses import dataclass

from sqlmodel import Session, select

from models.assessment import Assessment
from models.catalog import Criterion, CriterionKind
from models.cycle import Cycle, get_cycle
from models.units import Unit, category_labels


class IntakeError(ValueError):
    """Input the office entered that the measures or the register do not allow (message in Chinese)."""


@dataclass(frozen=True)
class AssessedUnit:
    """A unit assessed in a cycle: the ids and names the intake functions need."""

    cycle: Cycle
    assessment: Assessment
    unit: Unit


def assessed_units(session: Session, cycle_id: int) -> dict[str, tuple[Assessment, Unit]]:
    """Every unit assessed in the cycle, by unit name, in register order."""
    rows = session.exec(
        select(Assessment, Unit).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle_id).order_by(Unit.id)
    ).all()
    return {unit.name: (assessment, unit) for assessment, unit in rows}


def assessed_unit(session: Session, *, year: int, unit_name: str) -> AssessedUnit:
    """The unit called ``unit_name`` as assessed in ``year``, or IntakeError saying why not."""
    cycle = get_cycle(session, year)
    name = unit_name.strip()
    row = session.exec(
        select(Assessment, Unit).join(Unit, Unit.id == Assessment.unit_id)  # type: ignore[arg-type]
        .where(Assessment.cycle_id == cycle.id, Unit.name == name)
    ).first()
    if row is None:
        known = session.exec(select(Unit.id).where(Unit.name == name)).first()
        why = "不是本年度被考核单位" if known else "不在单位名册中"
        raise IntakeError(f"单位“{name}”{why} (unit not assessed in {year})；"
                          f"请用 zwgk units list 查看单位名称")
    return AssessedUnit(cycle=cycle, assessment=row[0], unit=row[1])


def criterion_for(session: Session, target: AssessedUnit, ref: str, kinds: set[CriterionKind]) -> Criterion:
    """The criterion ``ref`` of the unit's category, of one of ``kinds``, or IntakeError."""
    criterion = session.exec(select(Criterion).where(Criterion.ref == ref.strip().upper())).first()
    category = target.unit.category
    if criterion is None or criterion.category != category or criterion.kind not in kinds:
        raise IntakeError(
            f"指标编号“{ref}”不是{category_labels(session)[category]}类可用于此处的指标 "
            f"(criterion {ref} does not apply here)；请用 zwgk catalog show --category {category} 查看")
    return criterion
