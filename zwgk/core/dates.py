"""The one check of a date staff give for a cycle (--today, --on, --received).

A date may be given to catch up on past work, never to act in the future: it is refused when
it lies after the real today plus a small margin, outside the cycle's year window (the
assessed year and the year after it, when the assessment is carried out), or, for a step of
the procedure, before the day the cycle was started. A year typo (2025 for 2026) would
otherwise issue numbered documents dated before the cycle began, whose numbers can never be
taken back.
"""

from datetime import date, timedelta

from sqlmodel import Session, select

from models.cycle import Cycle, CycleStart
from models.stages import Stage
from zwgk.core.clock import office_today
from zwgk.core.settings import get_settings


class DateRefused(ValueError):
    """A date that cannot be right for the cycle it is given for."""


def year_window(year: int) -> tuple[date, date]:
    """The first and last day any step of the cycle of ``year`` can fall on."""
    return date(year, 1, 1), date(year + 1, 12, 31)


def check_day(session: Session, day: date, *, option: str, year: int | None, procedure: bool = True) -> date:
    """``day`` when it may be used; DateRefused saying why otherwise.

    ``year`` is the cycle the date is given for; None (the sweep) checks it against every
    cycle not yet closed. ``procedure`` False is for findings of the assessed year itself (daily
    records), which predate the cycle's start.
    """
    today = office_today()
    margin = get_settings().future_days
    if day > today + timedelta(days=margin):
        raise DateRefused(f"{option} {day}：晚于今天（{today}）超过 {margin} 天，不能预先办理，请检查日期 "
                          f"(date is in the future)")
    cycles = session.exec(select(Cycle.year, Cycle.id).where(
        Cycle.year == year if year is not None else Cycle.stage != Stage.CLOSED)).all()
    first, last = year_window(year) if year is not None else (date.min, date.max)
    if not first <= day <= last:
        raise DateRefused(f"{option} {day}：不在 {year} 年度考核的时间范围（{first} 至 {last}）内，"
                          f"请检查年份 (date outside the cycle's years)")
    if procedure:
        starts = dict(session.exec(select(CycleStart.cycle_id, CycleStart.started_on).where(
            CycleStart.cycle_id.in_([cid for _, cid in cycles]))).all())  # type: ignore[attr-defined]
        for cycle_year, cycle_id in cycles:
            started = starts.get(cycle_id)
            if started is not None and day < started:
                raise DateRefused(f"{option} {day}：早于 {cycle_year} 年度考核的启动日期 {started}，"
                                  f"请检查年份 (date before the cycle started)")
    return day


def checked_day(session: Session, value: date | None, *, option: str, year: int | None,
                procedure: bool = True) -> date | None:
    """A date given on the command line, checked (``check_day``); None when none was given
    (today is always a true date, and a run resumed weeks later must not keep an old one)."""
    return None if value is None else check_day(session, value, option=option, year=year, procedure=procedure)


def day_for(session: Session, value: date | None, *, option: str, year: int | None,
            procedure: bool = True) -> date:
    """The date given on the command line, checked, or today in Beijing time."""
    return checked_day(session, value, option=option, year=year, procedure=procedure) or office_today()
