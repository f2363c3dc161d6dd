"""A probe round and a check round over every monitored unit, stored as they complete.

A probe round opens every registered homepage once and records the probe; a check round reads
every registered page (``survey``), keeps the pages as evidence, records what each page showed
that day and the homepage's probe. After either, each unit's findings are brought in line with
what the round saw (``findings.apply_judgement``), the round is written to the audit log when it
opened or closed a finding, and warnings and new vetoes are told (``notices``). Both act in the
office's name: they are the office's scheduled observations (``flows/sites.py``).
"""

import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.audit import record
from models.district import district_profile
from models.sites import (
    ColumnKind,
    FindingRule,
    SiteEvidence,
    SiteFinding,
    SiteObservation,
    SitePage,
    SiteProbe,
)
from models.units import Unit
from zwgk.core.actors import OFFICE_ACTOR
from zwgk.core.settings import Settings, get_settings
from zwgk.sites.fetch import run_each
from zwgk.sites.findings import Changes, apply_judgement
from zwgk.sites.notices import send_notices
from zwgk.sites.rules import ColumnSeen, Judgement, UnitSeen, judge, unreachable_finding
from zwgk.sites.survey import (
    PagePlan,
    ProbeResult,
    UnitPlan,
    UnitSurvey,
    probe_homepage,
    survey_unit,
)


class NothingToMonitor(ValueError):
    """No page is registered yet."""

    def __init__(self) -> None:
        super().__init__("尚未登记监测的网站栏目 (no pages registered)；请先运行 zwgk sites import FILE")


@dataclass
class RoundReport:
    """What a round did, for the command's message and the flow's result."""

    kind: str
    day: date
    units: int = 0
    pages: int = 0
    failed: list[str] = field(default_factory=list)  # "unit 栏目: why"
    opened: int = 0
    closed: int = 0
    graver: int = 0
    told: list[str] = field(default_factory=list)
    untold: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """As JSON-ready data."""
        return {**asdict(self), "day": self.day.isoformat()}


def plans(session: Session) -> list[UnitPlan]:
    """Every unit's active registered pages (homepage first), with the links found dead before;
    a retired unit's site is no longer looked at."""
    rows = session.exec(select(SitePage, Unit.name).join(Unit, col(Unit.id) == SitePage.unit_id)
                        .where(col(SitePage.active).is_(True), col(Unit.retired).is_(False))
                        .order_by(col(SitePage.unit_id), col(SitePage.id))).all()
    dead: dict[int, set[str]] = {}
    for unit_id, url in session.exec(select(SiteFinding.unit_id, SiteFinding.url).where(
            SiteFinding.rule == FindingRule.DEAD_LINK, col(SiteFinding.closed_on).is_(None))):
        dead.setdefault(unit_id, set()).add(url)
    grouped: dict[int, tuple[str, list[PagePlan]]] = {}
    for page, name in rows:
        grouped.setdefault(page.unit_id, (name, []))[1].append(
            PagePlan(page.id, page.column, page.kind, page.url))  # type: ignore[arg-type]
    return [UnitPlan(unit_id, name, tuple(sorted(pages, key=lambda p: p.kind is not ColumnKind.HOMEPAGE)),
                     frozenset(dead.get(unit_id, ()))) for unit_id, (name, pages) in grouped.items()]


def user_agent(session: Session, settings: Settings) -> str:
    """The User-Agent of the rounds: ``ZWGK_SITE_USER_AGENT``, else one naming the office."""
    office = district_profile(session).organ("office").name
    return settings.site_user_agent or f"zwgk-site-monitor/1.0 ({office} 政务公开网站日常监测)"


def run_probe(session: Session, *, day: date, settings: Settings | None = None) -> RoundReport:
    """Open every registered homepage once as of ``day`` and record it (commits)."""
    settings = settings or get_settings()
    started, report = time.perf_counter(), RoundReport("probe", day)
    homepages = [(plan.unit_id, plan.unit, plan.homepage) for plan in _plans(session) if plan.homepage]
    names = {page.page_id: (unit_id, unit) for unit_id, unit, page in homepages}
    for probe in run_each([page for _, _, page in homepages], probe_homepage, settings=settings,
                          user_agent=user_agent(session, settings)):
        _store_probe(session, probe, day, "probe")
        if not probe.ok:
            report.failed.append(f"{names[probe.page_id][1]} 首页：{probe.error}")
    session.commit()
    report.units = report.pages = len(homepages)
    changes = Changes()
    for unit_id, _, page in homepages:
        changes += apply_judgement(session, unit_id=unit_id, judgement=_availability(session, page, day, settings),
                                   day=day)
    return _finish(session, report, changes, started)


def run_check(session: Session, *, day: date, settings: Settings | None = None) -> RoundReport:
    """Check every registered page as of ``day``: store what each showed, open and close the
    findings (commits after each unit, so an interrupted round keeps what it did)."""
    settings = settings or get_settings()
    started, report = time.perf_counter(), RoundReport("check", day)
    work = partial(_survey, day=day, settings=settings)
    changes = Changes()
    for survey in run_each(_plans(session), work, settings=settings, user_agent=user_agent(session, settings)):
        changes += _store_survey(session, survey, day, settings)
        report.units += 1
        report.pages += len(survey.kept)
        report.failed += [f"{survey.plan.unit} {c.column}：{c.error or f'HTTP {c.status}'}"
                          for c in survey.seen.columns if not c.opened]
        report.failed += [f"{survey.plan.unit}：{survey.error}"] if survey.error else []
    return _finish(session, report, changes, started)


def _plans(session: Session) -> list[UnitPlan]:
    found = plans(session)
    if not found:
        raise NothingToMonitor()
    return found


async def _survey(fetcher: Any, plan: UnitPlan, *, day: date, settings: Settings) -> UnitSurvey:
    try:
        return await survey_unit(fetcher, plan, today=day, settings=settings, out_dir=settings.out_dir)
    except Exception as exc:  # noqa: BLE001 (one unit's odd page must not stop every unit's check: reported)
        return UnitSurvey(plan, None, UnitSeen(), (), error=f"检查中断，本轮未判断 ({type(exc).__name__}: {exc})")


def _store_probe(session: Session, probe: ProbeResult, day: date, source: str) -> None:
    session.add(SiteProbe(page_id=probe.page_id, day=day, at=probe.at, ok=probe.ok, status=probe.status,
                          elapsed_ms=probe.elapsed_ms, error=probe.error, source=source))


def _store_survey(session: Session, survey: UnitSurvey, day: date, settings: Settings) -> Changes:
    """Keep one unit's check: evidence rows, the day's observation of each page, the homepage's
    probe, and its findings (commits)."""
    session.add_all(SiteEvidence(sha256=k.sha256, url=k.url, fetched_at=k.at, status=k.status,
                                 content_type=k.content_type[:200], size=k.size, path=k.path) for k in survey.kept)
    for column in survey.seen.columns:
        _observe(session, column, day)
    if survey.probe is not None:
        _store_probe(session, survey.probe, day, "check")
    session.flush()
    judgement = judge(survey.seen, day, settings.site_lines)
    homepage = survey.plan.homepage
    if homepage is not None:
        judgement = _merge(judgement, _availability(session, homepage, day, settings))
    changes = apply_judgement(session, unit_id=survey.plan.unit_id, judgement=judgement, day=day)
    session.commit()
    return changes


def _observe(session: Session, column: ColumnSeen, day: date) -> None:
    """The day's observation of a page: added, or replacing that of an earlier check that day."""
    row = session.exec(select(SiteObservation).where(SiteObservation.page_id == column.page_id,
                                                     SiteObservation.day == day)).first()
    row = row or SiteObservation(page_id=column.page_id, day=day)
    row.status, row.error, row.latest = column.status, column.error[:300], column.latest
    row.items, row.dated_items, row.evidence_sha256 = column.items, column.dated_items, column.evidence
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another check stored the same day's row a moment ago: keep it
        pass


def _availability(session: Session, page: PagePlan, day: date, settings: Settings) -> Judgement:
    """The unreachable finding of a homepage over the window ending ``day`` (probes of both kinds)."""
    lines = settings.site_lines
    first = day - timedelta(days=lines.window_days - 1)
    failures = func.coalesce(func.sum(case((col(SiteProbe.ok).is_(False), 1), else_=0)), 0)
    total, failed = session.exec(select(func.count(), failures).where(
        SiteProbe.page_id == page.page_id, col(SiteProbe.day).between(first, day))).one()
    finding = unreachable_finding(page.page_id, page.column, page.url, int(failed), int(total), lines)
    return Judgement(findings=(finding,) if finding else (), judged=frozenset({(FindingRule.UNREACHABLE, page.page_id)}))


def _merge(a: Judgement, b: Judgement) -> Judgement:
    return Judgement(a.findings + b.findings, a.judged | b.judged, a.unknown_urls | b.unknown_urls)


def _finish(session: Session, report: RoundReport, changes: Changes, started: float) -> RoundReport:
    """Audit a round that changed findings, tell the units, and complete the report (commits)."""
    report.opened, report.closed, report.graver = len(changes.opened), len(changes.closed), len(changes.graver)
    if changes:
        record(session, actor=OFFICE_ACTOR, action=f"sites.{report.kind}",
               detail={"day": report.day, "units": report.units, "opened": changes.opened,
                       "closed": changes.closed, "graver": changes.graver})
    session.commit()
    told = send_notices(session)
    report.told, report.untold = told.told, told.failed
    report.seconds = round(time.perf_counter() - started, 2)
    return report

