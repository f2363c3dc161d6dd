"""Dates as government websites write them. Pure.

Full dates anywhere in a text: 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日, with or without a
time, in full-width digits too. Dates without the year (11-20, 11月20日) only as the whole text of
an element, or in brackets at the end of a title ([11-20]): lists print them so for the current
year. A date split over two elements, as calendar-like lists draw it ("20" over "2026-11").
Never a clock ("今天是2026年11月20日") and never a day after tomorrow (an event announced, not
a publication).
"""

import re
import unicodedata
from datetime import date, timedelta

FULL_DATE = re.compile(r"(?<![\d.])((?:19|20)\d{2})\s*(?:(?P<sep>[-/.])\s*(\d{1,2})\s*(?P=sep)\s*(\d{1,2})"
                       r"|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)(?!\d)")
_SHORT_DATE = re.compile(r"^[\[(【〔]?\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?\s*[\])】〕]?$")
_SHORT_TAIL = re.compile(r"[\[(【〔]\s*(\d{1,2}\s*[-/]\s*\d{1,2})\s*[\])】〕]\s*$")
_YEAR_MONTH = re.compile(r"^((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_DAY_ONLY = re.compile(r"^(\d{1,2})\s*日?$")
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")
_LABELS = re.compile(r"[\s\[\]()【】〔〕:：|/\-]")
_CLOCK_WORDS = ("今天", "今日", "当前时间", "北京时间", "现在时间")
# What may be left of a text besides its date for the text to be a date field ("发布时间：").
_LABEL_CHARS = 8
_EARLIEST = date(1990, 1, 1)


def find_dates(text: str) -> list[date]:
    """Every full calendar date written in ``text``, in order; impossible dates are skipped."""
    found = []
    for m in FULL_DATE.finditer(unicodedata.normalize("NFKC", text)):
        month, day = (m.group(3), m.group(4)) if m.group("sep") else (m.group(5), m.group(6))
        try:
            found.append(date(int(m.group(1)), int(month), int(day)))
        except ValueError:
            continue
    return found


def _latest_such_day(month: int, day: int, today: date) -> date | None:
    """The day of ``month`` and ``day`` this year, or last year when it is still to come."""
    for year in (today.year, today.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        if found <= today:
            return found
    return None


def short_date(text: str, today: date) -> date | None:
    """A date written without its year as the whole of ``text``, or in brackets at its end: the
    latest such day not after ``today``."""
    text = unicodedata.normalize("NFKC", text).strip()
    m = _SHORT_DATE.match(text) or _SHORT_DATE.match(tail.group(1) if (tail := _SHORT_TAIL.search(text)) else "")
    return None if m is None else _latest_such_day(int(m.group(1)), int(m.group(2)), today)


def split_date(first: str, second: str, today: date) -> date | None:
    """A date whose day and year-month are two neighbouring texts, in either order."""
    for day_text, month_text in ((first, second), (second, first)):
        day, month = _DAY_ONLY.match(day_text.strip()), _YEAR_MONTH.match(month_text.strip())
        if day and month:
            try:
                found = date(int(month.group(1)), int(month.group(2)), int(day.group(1)))
            except ValueError:
                return None
            return found if _EARLIEST <= found <= today + timedelta(days=1) else None
    return None


def publication_dates(text: str, today: date) -> list[tuple[date, bool]]:
    """The dates ``text`` may give a publication, each with whether the text is a date field
    (little else in it) rather than a title that mentions a date."""
    if any(word in text for word in _CLOCK_WORDS):
        return []
    found = [d for d in find_dates(text) if _EARLIEST <= d <= today + timedelta(days=1)]
    if found:
        rest = FULL_DATE.sub("", _TIME.sub("", unicodedata.normalize("NFKC", text)))
        return [(d, len(_LABELS.sub("", rest)) <= _LABEL_CHARS) for d in found]
    day = short_date(text, today)
    return [(day, True)] if day is not None else []
