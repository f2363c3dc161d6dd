"""Findings in the database: opened when a round first sees a problem, kept up to date while it
is seen, closed when a later round that judged the same rule and page no longer sees it; and
listed for the office (CLI, workbench, circular) and for each unit."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from models.sites import (
    RULE_LABELS,
    SEVERITY_LABELS,
    FindingRule,
    Severity,
    SiteEvidence,
    SiteFinding,
)
from models.units import Unit
from zwgk.sites.rules import Finding, Judgement

SEVERITY_ORDER = {Severity.VETO: 0, Severity.WARNING: 1, Severity.PROBLEM: 2}
# The keys of ``zwgk sites findings --json``, in this order and no others.
JSON_KEYS = ("unit", "rule", "severity", "column", "url", "detail", "evidence_sha256", "first_seen")


@dataclass
class Changes:
    """What a round changed: finding ids opened, closed, and made graver (a warning now a veto)."""

    opened: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    graver: list[int] = field(default_factory=list)

    def __iadd__(self, other: "Changes") -> "Changes":
        self.opened += other.opened
        self.closed += other.closed
        self.graver += other.graver
        return self

    def __bool__(self) -> bool:
        return bool(self.opened or self.closed or self.graver)


def open_key(unit_id: int, finding: Finding) -> str:
    """The value of ``SiteFinding.open_key`` while the finding is open."""
    return f"{unit_id}|{finding.key}"


def apply_judgement(session: Session, *, unit_id: int, judgement: Judgement, day: date) -> Changes:
    """Bring one unit's findings in line with a round's judgement as of ``day`` (the caller commits)."""
    rows = {row.open_key: row for row in session.exec(
        select(SiteFinding).where(SiteFinding.unit_id == unit_id, col(SiteFinding.closed_on).is_(None)))}
    changes = Changes()
    found = {open_key(unit_id, f): f for f in judgement.findings}
    for key, finding in found.items():
        row = rows.get(key)
        if row is None:
            row = _open(session, unit_id, key, finding, day)
            if row is not None:
                changes.opened.append(row.id)  # type: ignore[arg-type]
            continue
        if SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[row.severity]:
            changes.graver.append(row.id)  # type: ignore[arg-type]
        row.severity, row.detail, row.column, row.last_seen = finding.severity, finding.detail, finding.column, day
        row.evidence_sha256 = finding.evidence or row.evidence_sha256
        session.add(row)
    for key, row in rows.items():
        if key in found or (row.rule, row.page_id) not in judgement.judged:
            continue
        if row.rule is FindingRule.DEAD_LINK and row.url in judgement.unknown_urls:
            continue  # not looked at this round
        row.closed_on, row.open_key = day, None
        session.add(row)
        changes.closed.append(row.id)  # type: ignore[arg-type]
    session.flush()
    return changes


def _open(session: Session, unit_id: int, key: str, finding: Finding, day: date) -> SiteFinding | None:
    """A new open finding; None when another round opened the same one at the same moment."""
    row = SiteFinding(unit_id=unit_id, page_id=finding.page_id, rule=finding.rule, severity=finding.severity,
                      column=finding.column, url=finding.url, detail=finding.detail,
                      evidence_sha256=finding.evidence, first_seen=day, last_seen=day, open_key=key)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def close_findings_of_page(session: Session, *, page_id: int, day: date) -> int:
    """Close every open finding of a page no longer monitored (the caller commits); how many."""
    rows = session.exec(select(SiteFinding).where(SiteFinding.page_id == page_id,
                                                  col(SiteFinding.closed_on).is_(None))).all()
    for row in rows:
        row.closed_on, row.open_key = day, None
        session.add(row)
    return len(rows)


@dataclass(frozen=True)
class FindingView:
    """A finding as the office and the unit read it."""

    id: int
    unit_id: int
    unit: str
    rule: FindingRule
    severity: Severity
    column: str
    url: str
    detail: str
    evidence_sha256: str
    first_seen: date
    last_seen: date
    closed_on: date | None
    daily_record_id: int | None

    @property
    def rule_label(self) -> str:
        return RULE_LABELS[self.rule]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def as_json(self) -> dict[str, Any]:
        """The finding as ``zwgk sites findings --json`` prints it (exactly ``JSON_KEYS``)."""
        values = {"unit": self.unit, "rule": self.rule.value, "severity": self.severity.value,
                  "column": self.column, "url": self.url, "detail": self.detail,
                  "evidence_sha256": self.evidence_sha256, "first_seen": self.first_seen.isoformat()}
        return {key: values[key] for key in JSON_KEYS}


def list_findings(session: Session, *, on: date | None = None, unit_id: int | None = None,
                  ids: list[int] | None = None) -> list[FindingView]:
    """The findings open on ``on`` (default: open now), of one unit or all, or those of ``ids``
    whatever their state; by unit, then veto, warning, problem."""
    query = select(SiteFinding, Unit.name).join(Unit, col(Unit.id) == SiteFinding.unit_id)
    if ids is not None:
        query = query.where(col(SiteFinding.id).in_(ids))
    elif on is None:
        query = query.where(col(SiteFinding.closed_on).is_(None))
    else:
        query = query.where(SiteFinding.first_seen <= on,
                            or_(col(SiteFinding.closed_on).is_(None), col(SiteFinding.closed_on) > on))
    if unit_id is not None:
        query = query.where(SiteFinding.unit_id == unit_id)
    rows = session.exec(query).all()
    views = [FindingView(id=f.id, unit_id=f.unit_id, unit=name, rule=f.rule, severity=f.severity,  # type: ignore[arg-type]
                         column=f.column, url=f.url, detail=f.detail, evidence_sha256=f.evidence_sha256,
                         first_seen=f.first_seen, last_seen=f.last_seen, closed_on=f.closed_on,
                         daily_record_id=f.daily_record_id) for f, name in rows]
    return sorted(views, key=lambda v: (v.unit_id, SEVERITY_ORDER[v.severity], v.rule.value, v.column, v.url))


def counts_by_severity(views: list[FindingView]) -> dict[str, int]:
    """How many findings of each severity (veto, warning, problem)."""
    return {severity.value: sum(1 for v in views if v.severity is severity) for severity in SEVERITY_ORDER}


def readable_evidence(session: Session, sha256: str, *, unit_id: int | None) -> SiteEvidence | None:
    """The page kept as ``sha256`` if the reader may have it: the office (``unit_id`` None) any
    page, a unit's contact only the evidence of its own findings; None otherwise, or when no
    such page is kept (the reader cannot tell which)."""
    kept = session.exec(select(SiteEvidence).where(SiteEvidence.sha256 == sha256)).first()
    if kept is None or unit_id is None:
        return kept
    own = session.exec(select(SiteFinding.id).where(SiteFinding.evidence_sha256 == sha256,
                                                    SiteFinding.unit_id == unit_id)).first()
    return kept if own is not None else None

