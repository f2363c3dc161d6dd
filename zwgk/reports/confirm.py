"""Findings the office confirms become daily-assessment records (article 10(1)) against the
criterion of the unit's category that assesses the annual report (编制、发布并及时更新政府信息公开指南、
目录及年报), found by 专项检查: the year's review of the reports is a special inspection.

The points default to 0: as with an escalated deadline, the record is the *basis* of a deduction
and the assessment group sets the amount against the year's indicator points; the office may
give points (at most the criterion's). A unit whose report the sweep already escalated (missing,
or late since) has that record; the finding is linked to it rather than recorded twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from models.assessment import DailyMethod, DailyRecord
from models.audit import record
from models.cycle import get_cycle
from models.deadlines import DeadlineKind
from models.reports import ReportFinding, ReportRule
from models.types import utcnow
from models.units import Unit, category_labels
from zwgk.assessment.daily_records import add_daily_record
from zwgk.core.errors import IntakeError
from zwgk.deadlines.rows import find_deadline
from zwgk.reports.due import report_criterion


@dataclass(frozen=True)
class Confirmed:
    """A finding and the daily record it is now (``already``: it was confirmed before)."""

    finding: ReportFinding
    unit: str
    daily_record_id: int
    already: bool = False


def confirm_findings(session: Session, *, year: int, finding_ids: Sequence[int], by: str, on: date,
                     points: Decimal = Decimal(0), criterion_ref: str | None = None) -> list[Confirmed]:
    """Record each finding as a daily-assessment record (commits each). IntakeError when a finding
    is not one of the year's current findings, or the unit's category has no 年报 criterion and no
    ``criterion_ref`` is given; the findings before it stay confirmed."""
    cycle = get_cycle(session, year)
    done = []
    for finding_id in dict.fromkeys(finding_ids):
        finding = session.get(ReportFinding, finding_id)
        if finding is None or finding.year != year:
            raise IntakeError(f"{year} 年度没有编号为 {finding_id} 的年报问题 (no such finding)；"
                              f"请用 zwgk reports findings {year} 查看编号")
        unit = session.get(Unit, finding.unit_id)
        assert unit is not None
        if finding.daily_record_id is not None:
            done.append(Confirmed(finding, unit.name, finding.daily_record_id, already=True))
            continue
        if not finding.current:
            raise IntakeError(f"年报问题 {finding_id}（{unit.name}）在最新一版报告中已不存在，无需确认 "
                              "(finding no longer current)")
        daily = _escalated(session, cycle.id, finding, unit) or _record(  # type: ignore[arg-type]
            session, year=year, unit=unit, finding=finding, by=by, on=on, points=points, criterion_ref=criterion_ref)
        finding.daily_record_id, finding.confirmed_by, finding.confirmed_at = daily.id, by, utcnow()
        session.add(finding)
        record(session, actor=by, action="reports.confirm", cycle_id=cycle.id,
               detail={"finding": finding_id, "unit": unit.name, "rule": finding.rule.value,
                       "daily_record": daily.id})
        session.commit()
        done.append(Confirmed(finding, unit.name, daily.id))  # type: ignore[arg-type]
    return done


def _record(session: Session, *, year: int, unit: Unit, finding: ReportFinding, by: str, on: date,
            points: Decimal, criterion_ref: str | None) -> DailyRecord:
    ref = criterion_ref
    if ref is None:
        criterion = report_criterion(session, unit.category)
        if criterion is None:
            label = category_labels(session).get(unit.category, unit.category)
            raise IntakeError(f"“{label}”类的考核内容明细表中没有关于年报的指标，请用 --criterion 指定指标编号 "
                              "(no annual-report criterion in the unit's catalog)")
        ref = criterion.ref
    return add_daily_record(session, year=year, unit_name=unit.name, criterion_ref=ref, points=points,
                            method=DailyMethod.SPECIAL_INSPECTION.value, by=by, on=on,
                            finding=f"政府信息公开工作年度报告：{finding.detail}")


def _escalated(session: Session, cycle_id: int, finding: ReportFinding, unit: Unit) -> DailyRecord | None:
    """The record the sweep made when it escalated the unit's report, missing then (and perhaps
    late now), if it did."""
    if finding.rule not in (ReportRule.MISSING, ReportRule.LATE):
        return None
    deadline = find_deadline(session, cycle_id=cycle_id, unit_id=unit.id, kind=DeadlineKind.ANNUAL_REPORT)
    if deadline is None:
        return None
    return session.exec(select(DailyRecord).where(
        DailyRecord.source_key == f"deadline:{deadline.id}:escalation")).first()
