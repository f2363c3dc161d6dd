"""Today's date where the office works."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Shanghai")


def office_today() -> date:
    """The current date in Beijing time (the procedure's dates are Chinese calendar dates)."""
    return datetime.now(OFFICE_TZ).date()
