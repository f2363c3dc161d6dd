"""The monthly website monitoring circular (网站监测情况通报): every monitored unit's availability,
days since its homepage was updated, stale and blank columns, dead links and the findings still
open at the end of the month; issued in the office's name with a number from the register."""

from calendar import monthrange
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from models.audit import record
from models.documents import IssuedDocument
from models.sites import ColumnKind, FindingRule, SiteObservation, SitePage, SiteProbe
from models.units import Unit
from zwgk.core.permissions import Actor
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date
from zwgk.documents.issue.common import doc_path, names_of, official
from zwgk.documents.register import DocKey, Issue, issue
from zwgk.sites.findings import FindingView, counts_by_severity, list_findings
from zwgk.sites.staff import require_monitor

OTHER_RULES = (FindingRule.INTERPRETATION_UNLINKED, FindingRule.MESSAGE_UNANSWERED)
DOC_TYPE = "site_report"  # the register's document type of the circular


def month_of(value: str) -> date:
    """The first day of a month written YYYY-MM; ValueError otherwise."""
    year, month = value.strip().split("-")
    return date(int(year), int(month), 1)


def previous_month(day: date) -> date:
    """The first day of the month before ``day``'s (the month a circular reports on)."""
    return date(day.year - 1, 12, 1) if day.month == 1 else date(day.year, day.month - 1, 1)


@dataclass(frozen=True)
class MonthFigures:
    """What the circular says: the rows per unit, the open findings and the summary."""

    rows: list[c.SiteReportRow]
    findings: list[c.SiteFindingRow]
    page_count: int
    summary: str


def month_figures(session: Session, *, first: date, last: date) -> MonthFigures:
    """The figures of the month from ``first`` to ``last`` (findings as open on ``last``)."""
    units = session.exec(select(Unit.id, Unit.name).where(
        col(Unit.id).in_(select(SitePage.unit_id).where(col(SitePage.active).is_(True)))).order_by(col(Unit.id))).all()
    homepages = dict(session.exec(select(SitePage.unit_id, SitePage.id).where(
        SitePage.kind == ColumnKind.HOMEPAGE, col(SitePage.active).is_(True))).all())
    page_count = len(session.exec(select(SitePage.id).where(col(SitePage.active).is_(True))).all())
    probes = {page: (int(total), int(ok)) for page, total, ok in session.exec(
        select(SiteProbe.page_id, func.count(), func.sum(case((col(SiteProbe.ok).is_(True), 1), else_=0)))
        .where(col(SiteProbe.day).between(first, last)).group_by(col(SiteProbe.page_id))).all()}
    open_now = list_findings(session, on=last)
    by_unit: dict[int, list[FindingView]] = {}
    for view in open_now:
        by_unit.setdefault(view.unit_id, []).append(view)
    rows = []
    for seq, (unit_id, name) in enumerate(units, start=1):
        views = by_unit.get(unit_id, [])
        rules = Counter(v.rule for v in views)
        counts = counts_by_severity(views)
        total, ok = probes.get(homepages.get(unit_id, -1), (0, 0))
        rows.append(c.SiteReportRow(
            seq=seq, unit=name, availability=f"{100 * ok / total:.1f}%" if total else "—",
            homepage_days=_homepage_days(session, homepages.get(unit_id), last),
            stale=rules[FindingRule.COLUMN_STALE], blank=rules[FindingRule.BLANK_COLUMN],
            dead=rules[FindingRule.DEAD_LINK], other=sum(rules[r] for r in OTHER_RULES),
            findings=f"{counts['veto']}/{counts['warning']}/{counts['problem']}"))
    findings = [c.SiteFindingRow(seq=i, unit=v.unit, rule=v.rule_label, severity=v.severity_label, column=v.column,
                                 detail=v.detail, first_seen=cn_date(v.first_seen))
                for i, v in enumerate(open_now, start=1)]
    return MonthFigures(rows, findings, page_count, _summary(len(units), page_count, probes, open_now))


def _homepage_days(session: Session, page_id: int | None, last: date) -> str:
    """Days between the homepage's newest item and the month's last check of it."""
    if page_id is None:
        return "—"
    seen = session.exec(select(SiteObservation).where(SiteObservation.page_id == page_id, SiteObservation.day <= last,
                                                      col(SiteObservation.status).is_not(None))
                        .order_by(col(SiteObservation.day).desc()).limit(1)).first()
    if seen is None or seen.status is None or seen.status >= 400:
        return "—"
    return "无日期" if seen.latest is None else str((seen.day - seen.latest).days)


def _summary(units: int, pages: int, probes: dict[int, tuple[int, int]], open_now: list[FindingView]) -> str:
    total, ok = sum(t for t, _ in probes.values()), sum(o for _, o in probes.values())
    availability = f"，首页共监测 {total} 次，平均可访问率 {100 * ok / total:.1f}%" if total else ""
    counts = counts_by_severity(open_now)
    if not open_now:
        return f"共监测 {units} 个单位的 {pages} 个网站页面{availability}；月末没有尚未整改的问题。"
    return (f"共监测 {units} 个单位的 {pages} 个网站页面{availability}；月末尚未整改的问题 {len(open_now)} 个，"
            f"其中单项否决 {counts['veto']} 个、预警 {counts['warning']} 个、一般问题 {counts['problem']} 个，"
            f"涉及 {len({v.unit for v in open_now})} 个单位。")


def issue_site_report(session: Session, *, month: date, on: date, actor: Actor,
                      out_dir: Path | None = None) -> IssuedDocument:
    """The circular of ``month`` (its first day), dated ``on``; issuing again returns it."""
    require_monitor(actor)
    first, last = month, date(month.year, month.month, monthrange(month.year, month.month)[1])
    if on < first:
        raise ValueError(f"{cn_date(on)} 早于 {month.year}年{month.month}月，不能通报该月的监测情况 "
                         f"(the circular cannot predate its month)")
    names = names_of(session)
    figures = month_figures(session, first=first, last=min(last, on))
    period = f"{month.year}年{month.month}月"
    title = f"关于{period}政府网站日常监测情况的通报"

    key = DocKey(None, "daily", None, DOC_TYPE, f"{month:%Y-%m}")
    issued_before = session.exec(select(IssuedDocument.id).where(IssuedDocument.doc_key == key.text())).first()

    def build(number: str) -> c.SiteReport:
        return c.SiteReport(
            **official(names, organ="office", number=number, title=title, year=month.year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            period_text=period, unit_count=len(figures.rows), page_count=figures.page_count,
            summary=figures.summary, rows=figures.rows, findings=figures.findings)

    document = issue(session, Issue(
        key=key, organ="office", year=month.year, title=title, issued_on=on, addressees=names.all_units,
        path=doc_path(month.year, "daily", f"{period}网站监测情况通报"), template=Template.SITE_REPORT,
        build=build), out_dir)
    if issued_before is None:
        record(session, actor=actor.name, action="sites.report",
               detail={"month": f"{month:%Y-%m}", "number": document.number, "path": document.path,
                       "sha256": document.sha256})
        session.commit()
    return document


def site_reports(session: Session) -> list[IssuedDocument]:
    """The circulars issued, newest first."""
    return list(session.exec(select(IssuedDocument).where(IssuedDocument.doc_type == DOC_TYPE)
                             .order_by(col(IssuedDocument.issued_on).desc(), col(IssuedDocument.id).desc())).all())
