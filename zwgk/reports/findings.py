"""The year's findings kept in the database, refreshed from the reports on file, and the
district's table of who handed in what and when.

Findings depend on more than one file: a report is compared with last year's report of its unit
and with the other units' reports of the year, and a unit without a report becomes ``missing`` when
the due date passes. So the whole year is refreshed whenever a report comes in, the deadlines are
opened or the daily sweep runs, from the texts and figures stored with each version (the files
are not read again); listings and pages compute the same findings without writing anything. A finding keeps its row while the problem persists (its ``key``), so its confirmation
survives a corrected version; a problem that is gone stays on file with ``current`` False.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from models.cycle import Cycle
from models.deadlines import Deadline, DeadlineKind, DeadlineState
from models.district import district_profile
from models.reports import (
    FindingLevel,
    ReportFigure,
    ReportFinding,
    ReportRule,
    ReportVersion,
)
from models.types import utcnow
from models.units import Unit, category_labels
from zwgk.adapters.db import add_unique_rows
from zwgk.core.clock import office_time
from zwgk.core.settings import get_settings
from zwgk.reports import similarity
from zwgk.reports.checks import (
    Facts,
    Finding,
    content_findings,
    late_finding,
    missing_finding,
)
from zwgk.reports.due import due_dates, expected_units, first_handed_in, report_due_on
from zwgk.reports.tables import Figures

RULE_ORDER = {rule: i for i, rule in enumerate(ReportRule)}


def latest_versions(session: Session, year: int) -> dict[int, ReportVersion]:
    """Unit id → its latest version of a report on ``year``."""
    latest: dict[int, ReportVersion] = {}
    for version in session.exec(select(ReportVersion).where(ReportVersion.year == year)
                                .order_by(col(ReportVersion.unit_id), col(ReportVersion.seq))):
        latest[version.unit_id] = version
    return latest


def figures_of(session: Session, version_ids: Iterable[int]) -> dict[int, Figures]:
    """Version id → the figures read from it."""
    figures: dict[int, Figures] = defaultdict(dict)
    ids = list(version_ids)
    for row in session.exec(select(ReportFigure).where(col(ReportFigure.version_id).in_(ids))):
        figures[row.version_id][(row.table, row.row, row.column)] = Decimal(row.value)
    return figures


@dataclass
class _Found:
    """The findings of one refresh by (unit, key), in order."""

    items: dict[tuple[int, str], tuple[Finding, int | None]] = field(default_factory=dict)

    def add(self, unit_id: int, finding: Finding, version_id: int | None) -> None:
        self.items.setdefault((unit_id, finding.key), (finding, version_id))


def refresh_findings(session: Session, *, year: int, today: date) -> None:
    """Recompute the findings of ``year`` as of ``today`` and bring the table in line (commits)."""
    _store(session, year, _computed(session, year, today))


def refresh_open_years(session: Session, *, today: date) -> list[int]:
    """Refresh, as of ``today``, the findings of every year whose annual reports are still awaited
    (an open or overdue deadline): the daily sweep records the reports that became missing."""
    years = sorted(set(session.exec(
        select(Cycle.year).join(Deadline, col(Deadline.cycle_id) == Cycle.id)
        .where(Deadline.kind == DeadlineKind.ANNUAL_REPORT,
               col(Deadline.state).in_([DeadlineState.OPEN, DeadlineState.OVERDUE]))).all()))
    for year in years:
        refresh_findings(session, year=year, today=today)
    return years


def findings_as_of(session: Session, *, year: int, today: date,
                   unit_id: int | None = None) -> list[tuple[ReportFinding, Unit]]:
    """The findings of ``year`` as of ``today``, computed from the reports on file without writing
    anything (for listings and pages, which change nothing). A problem already on file carries its
    row's id and confirmation; one not on file yet (a report that became missing today) has no id
    until a hand-in, the daily sweep or ``zwgk reports open`` records it."""
    found = _computed(session, year, today)
    existing = {(row.unit_id, row.key): row
                for row in session.exec(select(ReportFinding).where(ReportFinding.year == year))}
    now, positions = utcnow(), _positions(found)
    rows = []
    for key, (finding, version_id) in found.items.items():
        if unit_id is not None and key[0] != unit_id:
            continue
        row = _fill(ReportFinding(year=year, unit_id=key[0], key=key[1], rule=finding.rule), finding,
                    version_id, positions[key], now)
        if key in existing:
            kept = existing[key]
            row.id, row.daily_record_id = kept.id, kept.daily_record_id
            row.confirmed_by, row.confirmed_at = kept.confirmed_by, kept.confirmed_at
        rows.append(row)
    units = {u.id: u for u in session.exec(select(Unit).where(col(Unit.id).in_({r.unit_id for r in rows})))}
    return [(row, units[row.unit_id]) for row in sorted(rows, key=lambda r: (r.unit_id, r.position))]


def _computed(session: Session, year: int, today: date) -> _Found:
    """Every finding of ``year`` as of ``today``, from the texts and figures on file."""
    units = {unit.id: unit for unit in expected_units(session, year)}
    latest = latest_versions(session, year)
    previous = latest_versions(session, year - 1)
    units.update({unit.id: unit for unit in session.exec(select(Unit).where(col(Unit.id).in_(list(latest))))})
    figures = figures_of(session, [v.id for v in (*latest.values(), *previous.values()) if v.id is not None])
    firsts, dues = first_handed_in(session, year), due_dates(session, year)
    district = district_profile(session).district
    found = _Found()
    for unit_id, version in latest.items():
        facts = Facts(version.title, version.text, version.parts, figures[version.id])  # type: ignore[index]
        last = figures[previous[unit_id].id] if unit_id in previous else None  # type: ignore[index]
        for finding in content_findings(facts, year=year, unit=units[unit_id].name, district=district, last=last):
            found.add(unit_id, finding, version.id)
        late = late_finding(firsts[unit_id], dues.get(unit_id, report_due_on(year)))
        if late is not None:
            found.add(unit_id, late, version.id)
    _similar(found, latest, previous, units, year)
    for unit_id, unit in units.items():
        missing = None if unit_id in latest else missing_finding(today, dues.get(unit_id, report_due_on(year)))
        if missing is not None and unit_id is not None:
            found.add(unit_id, missing, None)
    return found


def _similar(found: _Found, latest: dict[int, ReportVersion], previous: dict[int, ReportVersion],
             units: dict[int | None, Unit], year: int) -> None:
    """similar_text: each report against the other units' of the year and its own of last year."""
    threshold = get_settings().report_similarity
    texts = {uid: p for uid, v in latest.items() if (p := similarity.prepare(units[uid].name, v.text))}
    common = similarity.boilerplate(list(texts.values()))
    olds = {uid: p for uid, v in previous.items() if uid in texts
            and (p := similarity.prepare(units[uid].name, v.text))}
    for uid, text in texts.items():
        for other in (other for other in texts if other != uid):
            _compare(found, uid, latest[uid].id, text, texts[other], f"{units[other].name}的{year}年度报告",
                     f"{year}:{other}", common, threshold)
        if uid in olds:
            _compare(found, uid, latest[uid].id, text, olds[uid], f"本单位{year - 1}年度报告", f"{year - 1}:{uid}",
                     common, threshold)


def _compare(found: _Found, unit_id: int, version_id: int | None, text: similarity.Prepared,
             other: similarity.Prepared, label: str, subject: str, common: frozenset[int], threshold: float) -> None:
    share = similarity.share(text, other, common)
    if share < threshold:
        return
    passage = similarity.longest_passage(text, other)
    percent, limit = round(share * 100), round(threshold * 100)
    found.add(unit_id, Finding(
        ReportRule.SIMILAR_TEXT,
        f"正文与{label}相同的比例为 {percent}%（阈值 {limit}%），最长相同段落 {passage.length} 字：“{passage.text}”",
        expected=str(limit), found=str(percent), subject=subject), version_id)


def _store(session: Session, year: int, found: _Found) -> None:
    """Update the rows of problems still found, retire the others, add the new ones (commits).
    Rows that do not change are not written: the district page refreshes on every view."""
    now, positions = utcnow(), _positions(found)
    existing = {(row.unit_id, row.key): row
                for row in session.exec(select(ReportFinding).where(ReportFinding.year == year))}
    for key, row in existing.items():
        if key in found.items:
            _fill(row, *found.items[key], positions[key], now)
        elif row.current:
            row.current, row.refreshed_at = False, now
    session.commit()
    new = [key for key in found.items if key not in existing]
    if new:
        add_unique_rows(session, lambda: [
            _fill(ReportFinding(year=year, unit_id=key[0], key=key[1], rule=found.items[key][0].rule),
                  *found.items[key], positions[key], now) for key in new])


def _positions(found: _Found) -> dict[tuple[int, str], int]:
    """Each finding's place in its unit's list: by rule, then in the order found."""
    order = {key: i for i, key in enumerate(found.items)}
    return {key: i for i, key in enumerate(sorted(
        found.items, key=lambda k: (RULE_ORDER[found.items[k][0].rule], order[k])))}


def _fill(row: ReportFinding, finding: Finding, version_id: int | None, position: int,
          now: datetime) -> ReportFinding:
    """``row`` made to say ``finding`` (its ``refreshed_at`` moved only when that changes it)."""
    values = {"version_id": version_id, "position": position, "rule": finding.rule, "level": finding.level,
              "table": finding.table, "row": finding.row, "column": finding.column, "expected": finding.expected,
              "found": finding.found, "detail": finding.detail, "current": True}
    if any(getattr(row, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(row, name, value)
        row.refreshed_at = now
    return row


def current_findings(session: Session, *, year: int, unit_id: int | None = None) -> list[tuple[ReportFinding, Unit]]:
    """The problems the latest reports (and the hand-in) still have, by unit and in order."""
    query = (select(ReportFinding, Unit).join(Unit, col(Unit.id) == ReportFinding.unit_id)
             .where(ReportFinding.year == year, col(ReportFinding.current).is_(True))
             .order_by(col(Unit.id), col(ReportFinding.position)))
    if unit_id is not None:
        query = query.where(ReportFinding.unit_id == unit_id)
    return list(session.exec(query).all())


# ---------------------------------------------------------------- the district's table

@dataclass(frozen=True)
class UnitLine:
    """One unit's line of the district table."""

    unit: Unit
    category: str
    expected: bool
    versions: int
    first_on: date | None
    latest_at: str  # the latest version's time in Beijing, as people read it
    due_on: date
    status: str  # 按时报送, 逾期报送, 未报送（已逾期）, 未报送
    errors: int
    warnings: int
    confirmed: int


def district_table(session: Session, *, year: int, today: date) -> list[UnitLine]:
    """Every unit that must hand in a report on ``year`` (and any other that did): versions, when,
    on time or not, and its current findings counted."""
    expected = {unit.id: unit for unit in expected_units(session, year)}
    latest = latest_versions(session, year)
    units = {**expected, **{u.id: u for u in session.exec(select(Unit).where(col(Unit.id).in_(list(latest))))}}
    counts = _version_counts(session, year)
    firsts, dues = first_handed_in(session, year), due_dates(session, year)
    labels = category_labels(session)
    tally: dict[int, list[ReportFinding]] = defaultdict(list)
    for finding, _unit in findings_as_of(session, year=year, today=today):
        tally[finding.unit_id].append(finding)
    lines = []
    for unit_id in sorted(u for u in units if u is not None):
        unit, due = units[unit_id], dues.get(unit_id, report_due_on(year))
        first = firsts.get(unit_id)
        status = ("按时报送" if first <= due else "逾期报送") if first else ("未报送（已逾期）" if today > due else "未报送")
        mine = tally[unit_id]
        lines.append(UnitLine(
            unit=unit, category=labels.get(unit.category, unit.category), expected=unit_id in expected,
            versions=counts.get(unit_id, 0), first_on=first,
            latest_at=office_time(latest[unit_id].uploaded_at) if unit_id in latest else "", due_on=due,
            status=status, errors=sum(1 for x in mine if x.level is FindingLevel.ERROR),
            warnings=sum(1 for x in mine if x.level is FindingLevel.WARNING),
            confirmed=sum(1 for x in mine if x.daily_record_id is not None)))
    return lines


def _version_counts(session: Session, year: int) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for unit_id in session.exec(select(ReportVersion.unit_id).where(ReportVersion.year == year)):
        counts[unit_id] += 1
    return counts


def versions_of(session: Session, *, year: int, unit_id: int) -> list[ReportVersion]:
    """A unit's versions of its report on ``year``, first to last."""
    return list(session.exec(select(ReportVersion).where(ReportVersion.year == year, ReportVersion.unit_id == unit_id)
                             .order_by(col(ReportVersion.seq))).all())
