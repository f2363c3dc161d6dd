"""Daily assessment (article 10(1)): problems the office finds during the year, archived as
deduction bases. They reach the annual score only through the group's score workbook, where
they are pre-filled as deductions (see zwgk.intake.score_workbook)."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.assessment import DailyMethod, DailyRecord
from models.audit import record as audit
from models.catalog import Criterion, CriterionKind
from models.cycle import get_cycle, scheme_points
from models.types import to_points
from models.units import Unit
from zwgk.core.errors import IntakeError
from zwgk.setup.categories import criterion_for
from zwgk.setup.units import assessed_unit


@dataclass(frozen=True)
class DailyRecordView:
    """A daily-assessment record as the office reads it."""

    id: int
    unit: str
    criterion_ref: str
    criterion_text: str
    points: Decimal
    method: str
    finding: str
    found_on: date
    recorded_by: str


def add_daily_record(
    session: Session, *, year: int, unit_name: str, criterion_ref: str, points: Decimal, method: str,
    finding: str, by: str, on: date,
) -> DailyRecord:
    """Archive a problem found on a unit (commits). Recording the same finding twice adds nothing.

    The criterion must be a regular criterion of the unit's category, the points between 0 and
    its points in the year's scheme, the method one of 随机抽查, 专项检查, 日常记录.
    """
    target = assessed_unit(session, year=year, unit_name=unit_name)
    criterion = criterion_for(session, target, criterion_ref, {CriterionKind.REGULAR})
    try:
        how = DailyMethod(method.strip())
    except ValueError:
        raise IntakeError(f"考核方式“{method}”不是第十条第（一）项的日常考核方式，应为："
                          + "、".join(m.value for m in DailyMethod)) from None
    value = to_points(points)
    limit = scheme_points(session, target.cycle.id)[criterion.ref]  # type: ignore[arg-type]
    if not Decimal(0) <= value <= limit:
        raise IntakeError(f"扣分 {value} 应在 0 至指标 {criterion.ref} 的分值 {limit} 之间")
    if not finding.strip() or not by.strip():
        raise IntakeError("须填写发现的问题和记录人 (finding and recorder are required)")
    # The key makes the same finding recorded twice (a repeated command) one row, even when two
    # processes record it at once: the unique constraint refuses the second insert.
    key = "daily:" + hashlib.sha256(
        f"{year}|{target.unit.id}|{criterion.ref}|{value}|{how.value}|{finding.strip()}|{on}".encode()
    ).hexdigest()[:32]
    existing = session.exec(select(DailyRecord).where(DailyRecord.source_key == key)).first()
    if existing is not None:
        return existing
    record = DailyRecord(year=year, unit_id=target.unit.id, criterion_id=criterion.id, points=value,  # type: ignore[arg-type]
                         method=how, finding=finding.strip(), found_on=on, recorded_by=by.strip(),
                         source_key=key)
    session.add(record)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return session.exec(select(DailyRecord).where(DailyRecord.source_key == key)).one()
    audit(session, actor=by.strip(), action="daily.add", cycle_id=target.cycle.id,
          detail={"unit": unit_name, "criterion": criterion.ref, "points": value, "method": how.value,
                  "finding": finding.strip(), "on": on})
    session.commit()
    return record


def list_daily_records(session: Session, *, year: int, unit_name: str | None = None) -> list[DailyRecordView]:
    """The year's daily-assessment records, optionally of one unit, in the order they were found."""
    get_cycle(session, year)
    query = (
        select(DailyRecord, Unit.name, Criterion.ref, Criterion.text)
        .join(Unit, Unit.id == DailyRecord.unit_id)  # type: ignore[arg-type]
        .outerjoin(Criterion, Criterion.id == DailyRecord.criterion_id)  # type: ignore[arg-type]
        .where(DailyRecord.year == year)
        .order_by(DailyRecord.found_on, DailyRecord.id)  # type: ignore[arg-type]
    )
    if unit_name is not None:
        query = query.where(Unit.id == assessed_unit(session, year=year, unit_name=unit_name).unit.id)
    return [
        DailyRecordView(id=r.id, unit=name, criterion_ref=ref or "", criterion_text=text or "",  # type: ignore[arg-type]
                        points=r.points, method=r.method.value, finding=r.finding, found_on=r.found_on,
                        recorded_by=r.recorded_by)
        for r, name, ref, text in session.exec(query)
    ]
