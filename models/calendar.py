"""Chinese working-day calendar (工作日历) for counting statutory deadlines.

Deadlines are counted in working days: public holidays are days off and the
make-up working days (调休上班日, often a Saturday or Sunday) are working days.
The ``chinesecalendar`` package supplies the official schedule for the years it
knows; the ``calendar_day`` table lets an administrator add a year the package
does not cover yet, or correct a single day.  A date in a year that neither
source covers is refused with :class:`CalendarNotCovered` rather than guessed,
because a guessed deadline could be wrong by a whole holiday week.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
from sqlmodel import Field, Session, SQLModel, select

from models.audit import record
from models.text import TextRefused, clean_text, decode_csv

__all__ = [
    "CalendarDay",
    "CalendarImportError",
    "CalendarNotCovered",
    "IMPORT_COMMAND",
    "PACKAGE_YEARS",
    "SpecialDay",
    "WorkCalendar",
    "import_calendar",
    "load_calendar",
    "parse_calendar_csv",
    "special_days",
]

#: The CLI command that fills the override table; named in every refusal.
IMPORT_COMMAND = "zwgk calendar import FILE"

# chinese_calendar refuses dates outside the span of its holiday table
# (NotImplementedError); derive the span from that same table so a package
# upgrade that adds a year is picked up without touching this module.
PACKAGE_YEARS: range = range(
    min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1
)

_PACKAGE_HOLIDAYS = chinese_calendar.holidays  # date -> holiday name, days off
_PACKAGE_WORKDAYS = chinese_calendar.workdays  # date -> holiday name, make-up working days

_ONE_DAY = timedelta(days=1)


class CalendarDay(SQLModel, table=True):
    """One administrator-supplied day that overrides or extends the package.

    An imported year lists all of its holidays (``is_workday=False``) and
    make-up working days (``is_workday=True``); every other day of that year
    falls back to Monday–Friday.
    """

    __tablename__ = "calendar_day"

    day: date = Field(primary_key=True)
    is_workday: bool
    name: str = ""  # e.g. 春节, 国庆节调休上班; informational only


class CalendarNotCovered(ValueError):
    """A date falls in a year with no holiday data in the package or the table."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f'{year} 年的节假日数据未收录：请先用 "{IMPORT_COMMAND}" 导入该年的节假日和调休上班日 '
            f'(no holiday data for {year}: import it with "{IMPORT_COMMAND}")'
        )

    def __reduce__(self) -> tuple[type[CalendarNotCovered], tuple[int]]:
        # Rebuild from the year, not the message, so the error survives pickling
        # (e.g. when raised inside a Prefect task and shipped to the caller).
        return (type(self), (self.year,))


class CalendarImportError(ValueError):
    """A calendar CSV failed validation; ``problems`` lists every error found."""

    def __init__(self, filename: str, problems: list[str]) -> None:
        self.filename = filename
        self.problems = list(problems)
        header = f"{filename} 有 {len(self.problems)} 处错误，未导入任何数据："
        super().__init__("\n".join([header, *self.problems]))

    def __reduce__(self) -> tuple[type[CalendarImportError], tuple[str, list[str]]]:
        return (type(self), (self.filename, self.problems))


def _as_date(value: date) -> date:
    """Normalise a ``datetime`` to its ``date`` (they hash differently as dict keys)."""
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected datetime.date, got {type(value).__name__}")
    return value


class WorkCalendar:
    """Working-day arithmetic over the package schedule plus overrides.

    Instances are immutable after construction apart from an internal
    per-day cache, so one instance may be shared freely.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        """Build a calendar; ``overrides`` maps a day to whether it is a working day."""
        self._overrides: dict[date, bool] = {
            _as_date(day): bool(flag) for day, flag in (overrides or {}).items()
        }
        self._table_years: frozenset[int] = frozenset(d.year for d in self._overrides)
        # Seeded with the overrides: they always win, so they never need resolving.
        self._cache: dict[date, bool] = dict(self._overrides)

    def covered_years(self) -> set[int]:
        """Years that have at least one override (i.e. are covered by the table)."""
        return set(self._table_years)

    def is_covered(self, year: int) -> bool:
        """Whether dates in ``year`` can be resolved (package or table)."""
        return year in PACKAGE_YEARS or year in self._table_years

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day; raises CalendarNotCovered for unknown years."""
        d = _as_date(d)
        cached = self._cache.get(d)
        return cached if cached is not None else self._resolve(d)

    def _resolve(self, d: date) -> bool:
        """Resolve a day not yet in the cache (so not an override) and cache it."""
        if d.year in PACKAGE_YEARS:
            # Same rule as chinese_calendar.is_workday, read from its public
            # tables directly: that function rescans the whole table for its
            # year range on every call (~20 µs), which dominated cold lookups.
            result = d in _PACKAGE_WORKDAYS or (d.weekday() < 5 and d not in _PACKAGE_HOLIDAYS)
        elif d.year in self._table_years:
            # An imported year lists every holiday and make-up day, so any day
            # it does not mention follows the ordinary Monday–Friday week.
            result = d.weekday() < 5
        else:
            raise CalendarNotCovered(d.year)
        self._cache[d] = result
        return result

    def add_workdays(self, start: date, n: int) -> date:
        """Return the ``n``-th working day after ``start`` (the start day itself never counts).

        ``n == 0`` returns ``start`` unchanged; negative ``n`` raises ValueError.
        Raises CalendarNotCovered if the count runs into an uncovered year.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        d = _as_date(start)
        cache = self._cache
        remaining = n
        # Plain day walk: deadlines are tens of days, and with the per-day
        # cache each step is a date addition and a dict lookup.
        while remaining:
            d += _ONE_DAY
            workday = cache.get(d)
            if workday is None:
                workday = self._resolve(d)
            if workday:
                remaining -= 1
        return d

    def sub_workdays(self, end: date, n: int) -> date:
        """Return the ``n``-th working day before ``end`` (``end`` itself never counts).

        The mirror of :meth:`add_workdays`, used for "N working days before the due
        date" reminders. ``n == 0`` returns ``end``; negative ``n`` raises ValueError.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        d = _as_date(end)
        remaining = n
        while remaining:
            d -= _ONE_DAY
            if self.is_workday(d):
                remaining -= 1
        return d

    def workdays_between(self, start: date, end: date) -> int:
        """Count working days ``d`` with ``start < d <= end``; 0 if ``end <= start``.

        This is the inverse of :meth:`add_workdays`:
        ``workdays_between(s, add_workdays(s, n)) == n``.
        """
        d, end = _as_date(start), _as_date(end)
        cache = self._cache
        count = 0
        while d < end:
            d += _ONE_DAY
            workday = cache.get(d)
            if workday is None:
                workday = self._resolve(d)
            count += workday
        return count


# chinese_calendar names its holidays in English; staff read Chinese.
_HOLIDAY_NAMES_ZH: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class SpecialDay:
    """A day that departs from the Monday–Friday week: a holiday or a make-up working day."""

    day: date
    is_workday: bool
    name: str
    source: str  # "package" (chinesecalendar) or "table" (imported override)


def special_days(session: Session, year: int) -> list[SpecialDay]:
    """The holidays and make-up working days of ``year``, package and table merged, by date.

    A table row overrides the package's entry for the same day. Raises
    CalendarNotCovered when neither source covers the year.
    """
    rows = session.exec(
        select(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)  # type: ignore[operator]
        )
    ).all()
    if year not in PACKAGE_YEARS and not rows:
        raise CalendarNotCovered(year)
    days: dict[date, SpecialDay] = {}
    if year in PACKAGE_YEARS:
        for table, is_workday in ((_PACKAGE_HOLIDAYS, False), (_PACKAGE_WORKDAYS, True)):
            for day, name in table.items():
                if day.year == year:
                    label = _HOLIDAY_NAMES_ZH.get(str(name), str(name))
                    days[day] = SpecialDay(day, is_workday, label + ("调休上班" if is_workday else ""),
                                           "package")
    for row in rows:
        days[row.day] = SpecialDay(row.day, row.is_workday, row.name, "table")
    return [days[d] for d in sorted(days)]


def load_calendar(session: Session) -> WorkCalendar:
    """Build a WorkCalendar from every row of the ``calendar_day`` table."""
    rows = session.exec(select(CalendarDay)).all()
    return WorkCalendar({row.day: row.is_workday for row in rows})


def import_calendar(session: Session, rows: Iterable[CalendarDay], *, actor: str) -> int:
    """Upsert ``rows`` by day, audit what changed as done by ``actor``, commit, and return how
    many rows were written.

    Idempotent: importing the same rows again leaves the table unchanged.
    If ``rows`` repeats a day, the last occurrence wins.
    """
    held = {d.day: (d.is_workday, d.name) for d in session.exec(select(CalendarDay))}
    count = 0
    changed: list[str] = []
    for row in rows:
        # Merge a fresh copy so the caller's objects stay detached and reusable.
        session.merge(CalendarDay(day=row.day, is_workday=row.is_workday, name=row.name))
        count += 1
        if held.get(row.day) != (row.is_workday, row.name):
            changed.append(f"{row.day}:{'班' if row.is_workday else '休'}:{row.name}")
    if changed:  # importing the same table again is no change to audit
        record(session, actor=actor, action="calendar.import", detail={"days": changed})
    session.commit()
    return count


_HEADER = ("date", "type", "name")
# Excel/WPS re-save ISO dates as 2025/1/1, so accept / and unpadded numbers too;
# the year-month-day order is still unambiguous.
_DATE_RE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_TYPES: dict[str, bool] = {"holiday": False, "休": False, "workday": True, "班": True}


def _parse_date(text: str) -> date | None:
    match = _DATE_RE.fullmatch(text)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_calendar_csv(path: Path) -> list[CalendarDay]:
    """Parse and validate a holiday CSV (header ``date,type,name``).

    ``type`` is ``holiday``/``休`` (day off) or ``workday``/``班`` (make-up
    working day); ``name`` may be empty.  The file is UTF-8 with or without a
    BOM, or GB18030/GBK.  Every row is checked before anything is returned; all problems are
    reported together in one CalendarImportError, each naming the file, the
    spreadsheet row (header = row 1) and the column.
    """
    path = Path(path)
    fname = path.name
    problems: list[str] = []

    try:
        text, _ = decode_csv(path.read_bytes(), name=fname)
    except TextRefused as exc:
        raise CalendarImportError(fname, [str(exc)]) from exc

    rows = list(csv.reader(io.StringIO(text, newline="")))
    expected = ",".join(_HEADER)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CalendarImportError(
            fname, [f'{fname} 第 1 行 表头：文件为空或第 1 行为空（应为表头 "{expected}"）']
        )
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header != _HEADER:
        raise CalendarImportError(
            fname, [f'{fname} 第 1 行 表头：应为 "{expected}"，实际为 "{",".join(rows[0])}"']
        )

    days: list[CalendarDay] = []
    first_seen: dict[date, int] = {}
    # Row numbers are those a spreadsheet shows (header = 1), counting
    # blank rows, so the administrator can find the row in Excel/WPS.
    for row_no, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank rows (often trailing) carry no data
        where = f"{fname} 第 {row_no} 行"
        if len(cells) > len(_HEADER):
            problems.append(f"{where}：有 {len(cells)} 列，应最多 3 列（date,type,name）")
            continue
        try:
            raw_date, raw_type, raw_name = (
                clean_text(cell, where=f"{where} {column} 列")
                for cell, column in zip([*cells, "", ""][:3], _HEADER, strict=True))
        except TextRefused as exc:
            problems.append(str(exc))
            continue

        day = _parse_date(raw_date)
        if day is None:
            problems.append(f'{where} date 列：无法识别的日期 "{raw_date}"（应为 YYYY-MM-DD）')
        elif day in first_seen:
            problems.append(
                f"{where} date 列：日期 {day.isoformat()} 与第 {first_seen[day]} 行重复"
            )
        else:
            first_seen[day] = row_no

        is_workday = _TYPES.get(raw_type.lower())
        if is_workday is None:
            problems.append(
                f'{where} type 列：无法识别的类型 "{raw_type}"（应为 holiday/休 或 workday/班）'
            )

        if day is not None and is_workday is not None:
            days.append(CalendarDay(day=day, is_workday=is_workday, name=raw_name))

    if not problems and not days:
        problems.append(f"{fname} 第 2 行 date 列：只有表头，没有任何日期")
    if problems:
        raise CalendarImportError(fname, problems)
    return days
