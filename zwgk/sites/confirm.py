"""Findings the office confirms into daily-assessment records (article 10(1), method 日常监测).

A confirmed finding becomes one ``DailyRecord`` of the year it was first seen, against the
criterion of the unit's category that its rule concerns (found by the criterion's text, or
named by the office), with the page's address and the evidence's SHA-256 in the record's text;
the finding keeps the record's id, so it is confirmed once. The record then reaches the annual
score like any daily record: pre-filled in the group's score workbook.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from models.assessment import DailyMethod
from models.audit import record as audit
from models.catalog import Criterion, CriterionKind
from models.sites import FindingRule, SiteFinding
from zwgk.assessment.daily_records import add_daily_record
from zwgk.core.errors import IntakeError
from zwgk.core.permissions import Actor
from zwgk.setup.units import AssessedUnit, assessed_unit
from zwgk.sites.findings import FindingView, list_findings
from zwgk.sites.staff import require_monitor

_CONTENT = ("网站内容保障", "门户网站建设及内容保障", "内容保障")
# Words of the criterion a rule concerns, most specific first (annex 1: T045, T068, T085;
# annex 2: 网站内容保障, 政策解读…相互链接, 网站意见箱或专栏落实专人管理).
CRITERION_WORDS: dict[FindingRule, tuple[str, ...]] = {
    FindingRule.UNREACHABLE: _CONTENT,
    FindingRule.HOMEPAGE_STALE: _CONTENT,
    FindingRule.COLUMN_STALE: _CONTENT,
    FindingRule.BLANK_COLUMN: _CONTENT,
    FindingRule.DEAD_LINK: _CONTENT,
    FindingRule.INTERPRETATION_UNLINKED: ("相互链接", "政策解读专栏"),
    FindingRule.MESSAGE_UNANSWERED: ("网站意见箱", "意见箱", "领导信箱", "信箱"),
}


@dataclass(frozen=True)
class Confirmed:
    """A finding recorded as a daily-assessment record."""

    finding_id: int
    record_id: int
    unit: str
    year: int
    criterion: str
    points: Decimal


def criterion_for_rule(session: Session, target: AssessedUnit, rule: FindingRule) -> Criterion | None:
    """The regular criterion of the unit's category whose text names what ``rule`` checks."""
    criteria = session.exec(select(Criterion).where(
        Criterion.category == target.unit.category, Criterion.kind == CriterionKind.REGULAR)
        .order_by(col(Criterion.seq))).all()
    return next((c for word in CRITERION_WORDS[rule] for c in criteria if word in c.text), None)


def record_text(view: FindingView) -> str:
    """The daily record's finding: what, where, and the evidence kept."""
    evidence = f"；证据：网页快照 SHA-256 {view.evidence_sha256}" if view.evidence_sha256 else ""
    return (f"网站日常监测：{view.rule_label}（{view.severity_label}）。{view.detail}。网址：{view.url}"
            f"{evidence}；{view.first_seen} 首次发现")


def confirm_findings(session: Session, *, ids: list[int], points: Decimal, actor: Actor,
                     criterion_ref: str | None = None) -> list[Confirmed]:
    """Record each finding of ``ids`` as a daily-assessment record of ``points`` (commits each).

    Every finding is looked at first — it exists, is not confirmed yet, its unit is assessed in
    the year it was first seen, a criterion applies — and nothing is recorded unless all pass.
    """
    require_monitor(actor)
    views = list_findings(session, ids=ids)
    missing = sorted(set(ids) - {v.id for v in views})
    if missing:
        raise IntakeError(f"没有编号为 {'、'.join(map(str, missing))} 的监测问题 (no such finding)；"
                          "请用 zwgk sites findings 查看编号")
    done = [str(v.id) for v in views if v.daily_record_id is not None]
    if done:
        raise IntakeError(f"监测问题 {'、'.join(done)} 已确认为日常考核记录，不再重复确认 (already confirmed)")
    plan = []
    for view in views:
        target = assessed_unit(session, year=view.first_seen.year, unit_name=view.unit)
        criterion = criterion_ref or getattr(criterion_for_rule(session, target, view.rule), "ref", None)
        if criterion is None:
            raise IntakeError(f"{view.unit}所属类别的考核内容中没有与“{view.rule_label}”对应的指标，"
                              f"请用 --criterion 指定指标编号 (no criterion for rule {view.rule.value})")
        plan.append((view, target, criterion))
    confirmed = []
    for view, target, criterion in plan:
        daily = add_daily_record(session, year=target.cycle.year, unit_name=view.unit, criterion_ref=criterion,
                                 points=points, method=DailyMethod.MONITORING.value, finding=record_text(view),
                                 by=actor.name, on=view.first_seen)
        row = session.get(SiteFinding, view.id)
        assert row is not None and daily.id is not None
        row.daily_record_id = daily.id
        session.add(row)
        audit(session, actor=actor.name, action="sites.confirm", cycle_id=target.cycle.id,
              detail={"finding": view.id, "daily_record": daily.id, "unit": view.unit, "rule": view.rule.value,
                      "criterion": criterion, "points": daily.points, "evidence": view.evidence_sha256})
        session.commit()
        confirmed.append(Confirmed(view.id, daily.id, view.unit, target.cycle.year, criterion.upper(), daily.points))
    return confirmed
