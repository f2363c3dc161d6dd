"""00 日常考核：the year's 日常考核情况通报 (article 10(1))."""

from collections import Counter
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from models.assessment import (
    DailyRecord,
)
from models.cycle import Cycle
from models.documents import IssuedDocument
from models.units import Unit
from zwgk.documents import contexts as c
from zwgk.documents.contexts import Template, cn_date, pts
from zwgk.documents.issue.common import doc_path, names_of, official
from zwgk.documents.register import DocKey, Issue, issue


def issue_daily_circular(*, session: Session, year: int, on: date, cycle_id: int | None = None,
                         out_dir: Path | None = None) -> IssuedDocument:
    """日常考核情况通报 of ``year``: every daily record (unit, date, method, finding, points).

    One circular per year: issuing again returns it, whatever the date.
    """
    names = names_of(session)
    # The key names the year's cycle whether or not the caller passed it, so both calls match.
    year_cycle = session.exec(select(Cycle.id).where(Cycle.year == year)).first()
    if cycle_id is not None and cycle_id != year_cycle:
        raise ValueError(f"考核年度 {year} 与编号 {cycle_id} 的考核不符 (cycle {cycle_id} is not {year})")
    records = session.exec(
        select(DailyRecord, Unit).join(Unit, col(Unit.id) == DailyRecord.unit_id)
        .where(DailyRecord.year == year).order_by(col(DailyRecord.found_on), col(DailyRecord.id))
    ).all()
    rows = [c.DailyRow(seq=i, unit=u.name, date_text=cn_date(r.found_on), method=r.method.value,
                       finding=r.finding, points=pts(r.points))
            for i, (r, u) in enumerate(records, start=1)]
    methods = Counter(r.method for r, _ in records)
    method_counts = "，".join(f"{m.value}{n}个" for m, n in methods.items()) or "无"
    title = f"关于{year}年度政务公开工作日常考核情况的通报"
    period = f"{year}年1月1日至{cn_date(on)}" if on.year == year else f"{year}年度"

    def build(number: str) -> c.DailyCircular:
        return c.DailyCircular(
            **official(names, organ="office", number=number, title=title, year=year, addressees=names.all_units,
                        on=on, cc=names.member_units),
            period_text=period, record_count=len(rows), unit_count=len({r.unit for r in rows}),
            method_counts=method_counts, rows=rows)

    return issue(session, Issue(
        key=DocKey(year_cycle, "daily", None, "daily_circular", str(year)), organ="office", year=year,
        title=title, issued_on=on, addressees=names.all_units,
        path=doc_path(year, "daily", f"{year}年度政务公开工作日常考核情况通报"),
        template=Template.DAILY_CIRCULAR, build=build), out_dir)
