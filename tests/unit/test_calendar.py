"""Tests for models.calendar: working-day arithmetic, overrides, CSV import."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, SQLModel, create_engine, select

from models.audit import AuditEntry
from models.calendar import (
    PACKAGE_YEARS,
    CalendarDay,
    CalendarImportError,
    CalendarNotCovered,
    WorkCalendar,
    import_calendar,
    load_calendar,
    parse_calendar_csv,
)

# Package-only calendar, shared so its per-day cache is reused across tests.
CAL = WorkCalendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- the design's anchor case --------------------------------------------------


def test_twenty_workdays_after_2025_09_26_is_2025_10_30() -> None:
    # 09-26 is a Friday and does not count. Working days: 09-28 (Sun, 调休) 1,
    # 09-29 2, 09-30 3, [10-01..10-08 off], 10-09 4, 10-10 5, 10-11 (Sat, 调休) 6,
    # 10-13..17 7-11, 10-20..24 12-16, 10-27 17, 10-28 18, 10-29 19, 10-30 20.
    assert CAL.add_workdays(d("2025-09-26"), 20) == d("2025-10-30")
    assert CAL.workdays_between(d("2025-09-26"), d("2025-10-30")) == 20


# --- Spring Festival 2025 --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-24", True),  # Friday before the holiday
        ("2025-01-25", False),  # ordinary Saturday
        ("2025-01-26", True),  # Sunday, 调休上班
        ("2025-01-27", True),  # Monday
        ("2025-01-28", False),  # 除夕, first day off
        ("2025-01-29", False),  # 春节
        ("2025-02-03", False),  # Monday inside the holiday
        ("2025-02-04", False),  # last day off
        ("2025-02-05", True),  # back to work (Wednesday)
        ("2025-02-08", True),  # Saturday, 调休上班
        ("2025-02-09", False),  # ordinary Sunday
    ],
)
def test_spring_festival_2025_is_workday(day: str, expected: bool) -> None:
    assert CAL.is_workday(d(day)) is expected


def test_spring_festival_2025_add_workdays() -> None:
    # From Fri 01-24: 01-26 (Sun, 调休) 1, 01-27 2, [01-28..02-04 off], 02-05 3.
    assert CAL.add_workdays(d("2025-01-24"), 3) == d("2025-02-05")
    # ...continuing: 02-06 4, 02-07 5, 02-08 (Sat, 调休) 6, [02-09 Sun off], 02-10 7.
    assert CAL.add_workdays(d("2025-01-24"), 7) == d("2025-02-10")
    # From the first holiday day: the holiday week counts for nothing, 02-05 is 1.
    assert CAL.add_workdays(d("2025-01-28"), 1) == d("2025-02-05")
    assert CAL.workdays_between(d("2025-01-27"), d("2025-02-04")) == 0


# --- National Day 2025 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-09-27", False),  # ordinary Saturday
        ("2025-09-28", True),  # Sunday, 调休上班
        ("2025-09-30", True),
        ("2025-10-01", False),  # 国庆节
        ("2025-10-06", False),  # 中秋节 falls inside the break
        ("2025-10-08", False),  # last day off
        ("2025-10-09", True),  # Thursday, back to work
        ("2025-10-11", True),  # Saturday, 调休上班
        ("2025-10-12", False),  # ordinary Sunday
    ],
)
def test_national_day_2025_is_workday(day: str, expected: bool) -> None:
    assert CAL.is_workday(d(day)) is expected


def test_national_day_2025_add_workdays() -> None:
    # From Tue 09-30: [10-01..10-08 off], 10-09 1, 10-10 2, 10-11 (Sat, 调休) 3,
    # [10-12 Sun off], 10-13 4.
    assert CAL.add_workdays(d("2025-09-30"), 1) == d("2025-10-09")
    assert CAL.add_workdays(d("2025-09-30"), 3) == d("2025-10-11")
    assert CAL.add_workdays(d("2025-09-30"), 4) == d("2025-10-13")
    # From Sat 09-27 the very next day is already a (make-up) working day.
    assert CAL.add_workdays(d("2025-09-27"), 1) == d("2025-09-28")


# --- National Day 2024 and Spring Festival 2026 ----------------------------------


def test_national_day_2024() -> None:
    # 2024: 10-01..10-07 off, make-up Sun 09-29 and Sat 10-12.
    assert CAL.is_workday(d("2024-09-29")) is True
    assert CAL.is_workday(d("2024-10-07")) is False
    assert CAL.is_workday(d("2024-10-08")) is True
    assert CAL.is_workday(d("2024-10-12")) is True
    # From Fri 09-27: 09-29 (Sun, 调休) 1, 09-30 2, [10-01..10-07 off], 10-08 3,
    # 10-09 4, 10-10 5, 10-11 6, 10-12 (Sat, 调休) 7, [10-13 Sun off], 10-14 8.
    assert CAL.add_workdays(d("2024-09-27"), 3) == d("2024-10-08")
    assert CAL.add_workdays(d("2024-09-27"), 8) == d("2024-10-14")


def test_spring_festival_2026() -> None:
    # 2026: 02-15..02-23 off (nine days), make-up Sat 02-14 and Sat 02-28.
    assert CAL.is_workday(d("2026-02-14")) is True
    assert CAL.is_workday(d("2026-02-23")) is False  # a Monday, still off
    assert CAL.is_workday(d("2026-02-28")) is True
    assert CAL.is_workday(d("2026-03-01")) is False
    # From Fri 02-13: 02-14 (Sat, 调休) 1, [02-15..02-23 off], 02-24 2, 02-25 3,
    # 02-26 4, 02-27 5, 02-28 (Sat, 调休) 6, [03-01 Sun off], 03-02 7.
    assert CAL.add_workdays(d("2026-02-13"), 2) == d("2026-02-24")
    assert CAL.add_workdays(d("2026-02-13"), 7) == d("2026-03-02")


# --- edge cases of the arithmetic -------------------------------------------------


def test_zero_and_negative_n() -> None:
    assert CAL.add_workdays(d("2025-10-01"), 0) == d("2025-10-01")  # even on a holiday
    with pytest.raises(ValueError):
        CAL.add_workdays(d("2025-10-01"), -1)


def test_workdays_between_empty_ranges() -> None:
    assert CAL.workdays_between(d("2025-10-09"), d("2025-10-09")) == 0
    assert CAL.workdays_between(d("2025-10-10"), d("2025-10-09")) == 0


def test_datetime_is_treated_as_its_date() -> None:
    assert CAL.is_workday(datetime(2025, 10, 11, 9, 30)) is True
    assert CAL.add_workdays(datetime(2025, 9, 26, 17, 0), 20) == d("2025-10-30")


def test_package_lookup_matches_chinese_calendar_for_every_day() -> None:
    # models.calendar reads the package tables directly for speed; it must agree
    # with chinese_calendar.is_workday on every day the package covers.
    day, last = date(PACKAGE_YEARS.start, 1, 1), date(PACKAGE_YEARS.stop - 1, 12, 31)
    cal = WorkCalendar()
    while day <= last:
        assert cal.is_workday(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


# --- uncovered years and overrides -----------------------------------------------


def test_2027_is_refused_with_year_and_command() -> None:
    with pytest.raises(CalendarNotCovered) as info:
        WorkCalendar().is_workday(d("2027-03-01"))
    assert info.value.year == 2027
    message = str(info.value)
    assert "2027" in message
    assert "zwgk calendar import FILE" in message


def test_counting_into_an_uncovered_year_is_refused() -> None:
    cal = WorkCalendar()
    # 2026-12-31 is a Thursday: reachable without looking at 2027.
    assert cal.add_workdays(d("2026-12-30"), 1) == d("2026-12-31")
    with pytest.raises(CalendarNotCovered) as info:
        cal.add_workdays(d("2026-12-31"), 1)
    assert info.value.year == 2027
    with pytest.raises(CalendarNotCovered):
        cal.workdays_between(d("2026-12-20"), d("2027-01-10"))
    with pytest.raises(CalendarNotCovered) as before:
        cal.is_workday(d("2003-12-31"))
    assert before.value.year == 2003


def test_calendar_not_covered_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(CalendarNotCovered(2027)))
    assert isinstance(err, CalendarNotCovered)
    assert err.year == 2027
    assert str(err) == str(CalendarNotCovered(2027))


def test_override_wins_over_package() -> None:
    # Pretend 2025-10-09 (Thu, a package working day) was declared a day off and
    # Sun 2025-10-12 a make-up working day.
    cal = WorkCalendar({d("2025-10-09"): False, d("2025-10-12"): True})
    assert cal.is_workday(d("2025-10-09")) is False
    assert cal.is_workday(d("2025-10-12")) is True
    assert cal.is_workday(d("2025-10-10")) is True  # untouched days follow the package
    # From 09-30: 10-10 1, 10-11 (Sat, 调休) 2, 10-12 (overridden Sun) 3.
    assert cal.add_workdays(d("2025-09-30"), 3) == d("2025-10-12")
    assert cal.covered_years() == {2025}


def test_2027_resolves_after_importing_a_holiday(tmp_path: Path) -> None:
    # 2027-10-01 is a Friday; 2027-10-02 a Saturday; 2027-09-26 a Sunday.
    csv_file = tmp_path / "holidays-2027.csv"
    csv_file.write_text(
        "date,type,name\n2027-10-01,休,国庆节\n2027-09-26,班,国庆节调休上班\n", encoding="utf-8"
    )
    engine = _memory_engine()
    with Session(engine) as session:
        import_calendar(session, parse_calendar_csv(csv_file), actor="测试")
        cal = load_calendar(session)
    assert cal.covered_years() == {2027}
    assert cal.is_covered(2027) and cal.is_covered(2026) and not cal.is_covered(2028)
    assert cal.is_workday(d("2027-10-01")) is False  # override: holiday on a Friday
    assert cal.is_workday(d("2027-09-26")) is True  # override: make-up Sunday
    assert cal.is_workday(d("2027-10-04")) is True  # default: Monday
    assert cal.is_workday(d("2027-10-02")) is False  # default: Saturday
    # From Thu 09-30: [10-01 holiday, 10-02/03 weekend], 10-04 is the first.
    assert cal.add_workdays(d("2027-09-30"), 1) == d("2027-10-04")
    # Across the year boundary from the package's 2026 into the table's 2027:
    # 2026-12-31 (Thu) 1, 2027-01-01 (Fri, not listed so a workday) 2.
    assert cal.add_workdays(d("2026-12-30"), 2) == d("2027-01-01")
    with pytest.raises(CalendarNotCovered):
        cal.is_workday(d("2028-01-03"))


# --- hypothesis properties -------------------------------------------------------

# Start dates stay far enough from the end of the package data (2026-12-31) that
# 20 working days never run into the uncovered 2027.
start_dates = st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 11, 30))
counts = st.integers(min_value=1, max_value=20)


@settings(max_examples=300, deadline=None)
@given(start=start_dates, n=counts)
def test_add_workdays_lands_on_a_later_workday(start: date, n: int) -> None:
    result = CAL.add_workdays(start, n)
    assert result > start
    assert CAL.is_workday(result)


@settings(max_examples=300, deadline=None)
@given(start=start_dates, n=counts)
def test_workdays_between_inverts_add_workdays(start: date, n: int) -> None:
    end = CAL.add_workdays(start, n)
    assert CAL.workdays_between(start, end) == n
    # Independent oracle: the package's own enumeration of (start, end].
    assert len(chinese_calendar.get_workdays(start + timedelta(days=1), end)) == n
    # The day before the n-th working day still has only n-1 behind it.
    assert CAL.workdays_between(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None)
@given(start=start_dates, n=st.integers(min_value=0, max_value=19))
def test_add_workdays_is_strictly_monotone_in_n(start: date, n: int) -> None:
    assert CAL.add_workdays(start, n) < CAL.add_workdays(start, n + 1)


# --- CSV parsing -------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "holidays.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("bom", [False, True])
def test_parse_good_file(tmp_path: Path, bom: bool) -> None:
    path = _write(
        tmp_path,
        "date,type,name\n"
        "2027-02-06,休,春节\n"
        "2027-02-14,班,春节调休上班\n"
        "2027-10-01,holiday,国庆节\n"
        "2027/9/26,WORKDAY,\n"  # Excel-style date, upper-case type, empty name
        "\n",  # trailing blank row is ignored
        bom=bom,
    )
    rows = parse_calendar_csv(path)
    assert [(r.day, r.is_workday, r.name) for r in rows] == [
        (d("2027-02-06"), False, "春节"),
        (d("2027-02-14"), True, "春节调休上班"),
        (d("2027-10-01"), False, "国庆节"),
        (d("2027-09-26"), True, ""),
    ]


def _problems(path: Path) -> str:
    with pytest.raises(CalendarImportError) as info:
        parse_calendar_csv(path)
    return str(info.value)


def test_parse_bad_date(tmp_path: Path) -> None:
    path = _write(tmp_path, "date,type,name\n2027-10-01,休,国庆节\n2027-13-01,休,x\n")
    message = _problems(path)
    assert 'holidays.csv 第 3 行 date 列：无法识别的日期 "2027-13-01"（应为 YYYY-MM-DD）' in message


def test_parse_bad_type(tmp_path: Path) -> None:
    path = _write(tmp_path, "date,type,name\n2027-10-01,放假,国庆节\n")
    message = _problems(path)
    assert "holidays.csv 第 2 行 type 列" in message
    assert '"放假"' in message


def test_parse_duplicate_date(tmp_path: Path) -> None:
    path = _write(tmp_path, "date,type,name\n2027-10-01,休,国庆节\n2027-10-02,休,\n2027-10-01,班,\n")
    message = _problems(path)
    assert "holidays.csv 第 4 行 date 列" in message
    assert "2027-10-01" in message and "第 2 行" in message


def test_parse_wrong_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "日期,类型,名称\n2027-10-01,休,国庆节\n")
    message = _problems(path)
    assert "holidays.csv 第 1 行 表头" in message
    assert "date,type,name" in message


@pytest.mark.parametrize("text", ["", "\n\n", "date,type,name\n"])
def test_parse_empty_file(tmp_path: Path, text: str) -> None:
    message = _problems(_write(tmp_path, text))
    assert "holidays.csv 第" in message
    assert "行" in message and ("表头" in message or "date 列" in message)


def test_parse_reports_every_problem_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "date,type,name\n"
        "2027-02-30,休,\n"  # row 2: no such day
        "2027-10-01,rest,\n"  # row 3: bad type
        "2027-10-02,休,\n"
        "2027-10-02,休,\n"  # row 5: duplicate of row 4
        "20271003,班,,extra\n",  # row 6: too many columns
    )
    with pytest.raises(CalendarImportError) as info:
        parse_calendar_csv(path)
    problems = info.value.problems
    assert len(problems) == 4
    assert problems[0].startswith("holidays.csv 第 2 行 date 列")
    assert problems[1].startswith("holidays.csv 第 3 行 type 列")
    assert problems[2].startswith("holidays.csv 第 5 行 date 列")
    assert problems[3].startswith("holidays.csv 第 6 行")
    assert isinstance(info.value, ValueError)


def test_parse_reads_gbk_as_excel_saves_it_on_chinese_windows(tmp_path: Path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_bytes("date,type,name\n2027-10-01,休,国庆节\n".encode("gbk"))
    assert [(r.day, r.name) for r in parse_calendar_csv(path)] == [(d("2027-10-01"), "国庆节")]


def test_parse_rejects_bytes_of_no_known_encoding(tmp_path: Path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_bytes(b"date,type,name\n2027-10-01,\xff\x80,x\n")
    assert "GB18030" in _problems(path)


def test_parse_refuses_a_bidi_override_naming_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text("date,type,name\n2027-10-01,休,国庆\u202e节\n", encoding="utf-8")
    assert "holidays.csv 第 2 行 name 列" in _problems(path)


# --- import into the database -------------------------------------------------------


def _memory_engine():  # type: ignore[no-untyped-def]
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine, tables=[CalendarDay.__table__, AuditEntry.__table__])  # type: ignore[attr-defined]
    return engine


def test_import_calendar_is_idempotent() -> None:
    rows = [
        CalendarDay(day=d("2027-10-01"), is_workday=False, name="国庆节"),
        CalendarDay(day=d("2027-09-26"), is_workday=True, name="国庆节调休上班"),
    ]
    engine = _memory_engine()
    with Session(engine) as session:
        assert import_calendar(session, rows, actor="测试") == 2
        assert import_calendar(session, rows, actor="测试") == 2
        stored = session.exec(select(CalendarDay).order_by(CalendarDay.day)).all()
        assert [(r.day, r.is_workday, r.name) for r in stored] == [
            (d("2027-09-26"), True, "国庆节调休上班"),
            (d("2027-10-01"), False, "国庆节"),
        ]
    # A re-import with a correction updates the existing row instead of adding one.
    with Session(engine) as session:
        import_calendar(session, [CalendarDay(day=d("2027-10-01"), is_workday=True, name="改")], actor="测试")
    with Session(engine) as session:
        stored = session.exec(select(CalendarDay)).all()
        assert len(stored) == 2
        assert session.get(CalendarDay, d("2027-10-01")).is_workday is True  # type: ignore[union-attr]
        assert load_calendar(session).is_workday(d("2027-10-01")) is True
