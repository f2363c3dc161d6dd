"""Today's date and the time of day where the office works (Asia/Shanghai)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Shanghai")


def office_today() -> date:
    """The current date in Beijing time (the procedure's dates are Chinese calendar dates)."""
    return datetime.now(OFFICE_TZ).date()


def office_time(moment: datetime | None) -> str:
    """A stored moment as people read it: Beijing time, to the minute ('' for none).

    Moments are stored in UTC; the databases hand them back without a time zone (SQLite and a
    PostgreSQL ``timestamp``), and such a moment is UTC too, never the machine's local time.
    """
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")
