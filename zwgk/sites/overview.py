"""What the workbench shows of website monitoring: per unit, availability over the last 30 days
and days since the homepage was updated (with their charts) and the open findings."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from models.sites import ColumnKind, SiteObservation, SitePage, SiteProbe
from models.units import Unit
from zwgk.core.settings import get_settings
from zwgk.sites.charts import (
    DayAvailability,
    DayFreshness,
    availability_chart,
    freshness_chart,
)
from zwgk.sites.findings import FindingView, counts_by_severity, list_findings

WINDOW_DAYS = 30


@dataclass(frozen=True)
class UnitSite:
    """One unit's site at a glance."""

    unit_id: int
    unit: str
    homepage: str  # '' when no homepage is registered
    pages: int
    availability: str  # 99.2%, or — without probes
    days: str  # days since the homepage's newest item, 无日期, or —
    counts: dict[str, int]
    availability_svg: Markup
    freshness_svg: Markup
    findings: list[FindingView] = field(default_factory=list)


def unit_sites(session: Session, *, today: date, unit_id: int | None = None) -> list[UnitSite]:
    """Every monitored unit (or one) as of ``today``, in register order."""
    lines = get_settings().site_lines
    days = [today - timedelta(days=n) for n in range(WINDOW_DAYS - 1, -1, -1)]
    query = select(SitePage, Unit.name).join(Unit, col(Unit.id) == SitePage.unit_id).where(col(SitePage.active).is_(True))
    if unit_id is not None:
        query = query.where(SitePage.unit_id == unit_id)
    pages = session.exec(query.order_by(col(SitePage.unit_id), col(SitePage.id))).all()
    homepages = {p.unit_id: p for p, _ in pages if p.kind is ColumnKind.HOMEPAGE}
    ids = [p.id for p in homepages.values()]
    probes = {(page, day): (int(total), int(ok)) for page, day, total, ok in session.exec(
        select(SiteProbe.page_id, SiteProbe.day, func.count(), func.sum(case((col(SiteProbe.ok).is_(True), 1), else_=0)))
        .where(col(SiteProbe.page_id).in_(ids), col(SiteProbe.day).between(days[0], today))
        .group_by(col(SiteProbe.page_id), col(SiteProbe.day))).all()}
    seen = {(o.page_id, o.day): o for o in session.exec(select(SiteObservation).where(
        col(SiteObservation.page_id).in_(ids), col(SiteObservation.day).between(days[0], today)))}
    findings: dict[int, list[FindingView]] = {}
    for view in list_findings(session, unit_id=unit_id):
        findings.setdefault(view.unit_id, []).append(view)
    units: dict[int, tuple[str, int]] = {}
    for page, name in pages:
        units[page.unit_id] = (name, units.get(page.unit_id, (name, 0))[1] + 1)
    result = []
    for uid, (name, count) in units.items():
        home = homepages.get(uid)
        available = [DayAvailability(d, *probes.get((home.id, d), (0, 0))) if home else DayAvailability(d, 0, 0)
                     for d in days]
        fresh = [_freshness(seen.get((home.id, d)) if home else None, d) for d in days]
        total, ok = sum(a.total for a in available), sum(a.ok for a in available)
        last = next((f for f in reversed(fresh) if f.age is not None or f.undated), None)
        result.append(UnitSite(
            unit_id=uid, unit=name, homepage=home.url if home else "", pages=count,
            availability=f"{100 * ok / total:.1f}%" if total else "—",
            days="—" if last is None else "无日期" if last.undated else f"{last.age} 天",
            counts=counts_by_severity(findings.get(uid, [])), availability_svg=availability_chart(available, lines),
            freshness_svg=freshness_chart(fresh, lines), findings=findings.get(uid, [])))
    return result


def _freshness(observation: SiteObservation | None, day: date) -> DayFreshness:
    if observation is None or observation.status is None or observation.status >= 400:
        return DayFreshness(day, None)
    if observation.latest is None:
        return DayFreshness(day, None, undated=True)
    return DayFreshness(day, (observation.day - observation.latest).days)
