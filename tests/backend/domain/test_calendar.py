"""Working time on the real 2025-2026 Vietnamese calendar, and the calendar's laws."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain.calendar import CalendarError, Exceptions, WorkingCalendar, parse_hours

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.mark.parametrize(
    "start, days, due",
    [
        # Friday afternoon before Tết 2026 (16-20 Feb): the clock resumes Monday 23 Feb.
        (at(2026, 2, 13, 15), 1, at(2026, 2, 23, 15)),
        # Friday before Giỗ Tổ (Sunday 26 April 2026, observed Monday 27): Tuesday.
        (at(2026, 4, 24, 15), 1, at(2026, 4, 28, 15)),
        # Before 30/4 and 1/5 2026 (Thursday, Friday): Monday 4 May.
        (at(2026, 4, 29, 10), 1, at(2026, 5, 4, 10)),
        # 2/9/2026: Mon 31/8 (swapped), Tue 1/9, Wed 2/9 off; Saturday 22/8 is a make-up day.
        (at(2026, 8, 28, 15), 1, at(2026, 9, 3, 15)),
        (at(2026, 8, 21, 15), 1, at(2026, 8, 22, 15)),
        # 2025: Sat 26/4 worked, 30/4, 1/5 and 2/5 off.
        (at(2025, 4, 25, 15), 1, at(2025, 4, 26, 15)),
        (at(2025, 4, 25, 15), 4, at(2025, 5, 5, 15)),
        # Tết 2025 (27 Jan - 1 Feb... the 1st is a Saturday): 15 working days from 20 Jan.
        (at(2025, 1, 20, 8), 15, at(2025, 2, 17, 8)),
        # Received after hours: counted from the next opening.
        (at(2026, 11, 20, 18, 45), 1, at(2026, 11, 23, 17)),
        (at(2026, 11, 21, 9), 1, at(2026, 11, 23, 17)),  # a Saturday
    ],
)
def test_deadlines_a_civil_servant_computes_by_hand(start, days, due):
    assert CAL.add_days(start, days) == due


def test_working_hours_skip_lunch_and_nights():
    # Friday 15:00 + 8 working hours before Tết: 2 h on Friday, 4 h + 2 h on Monday 23 Feb.
    assert CAL.add_hours(at(2026, 2, 13, 15), 8) == at(2026, 2, 23, 15)
    # Urgent, 4 working hours from 10:00: 1.5 h morning, 2.5 h afternoon.
    assert CAL.add_hours(at(2026, 11, 23, 10), 4) == at(2026, 11, 23, 15, 30)
    assert CAL.between(at(2026, 11, 23, 11), at(2026, 11, 23, 13, 30)) == timedelta(hours=1)


def test_holidays_in_the_real_calendar():
    for day in [
        date(2026, 1, 1),
        date(2026, 2, 17),
        date(2026, 4, 27),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 2),
        date(2025, 4, 7),
        date(2025, 9, 1),
    ]:
        assert not CAL.is_working_day(day), day
    assert CAL.is_working_day(date(2025, 4, 26))  # Saturday made a working day
    assert not CAL.is_working_day(date(2026, 11, 21))  # an ordinary Saturday


def test_administrator_exceptions():
    cal = WorkingCalendar(
        exceptions=Exceptions(
            days_off=frozenset({date(2026, 11, 23)}),
            working_days=frozenset({date(2026, 11, 28)}),
            ignored_holidays=frozenset({date(2026, 11, 24)}),
        )
    )
    assert CAL.holiday_name(date(2026, 11, 24))  # the library lists 24/11 from 2026
    assert not CAL.is_working_day(date(2026, 11, 24))
    assert cal.is_working_day(date(2026, 11, 24)) and cal.holiday_name(date(2026, 11, 24)) is None
    assert not cal.is_working_day(date(2026, 11, 23))
    assert cal.is_working_day(date(2026, 11, 28))  # a Saturday
    # Friday 20/11 15:00 + 1 day: Monday off -> Tuesday 24 (ignored holiday) at 15:00.
    assert cal.add_days(at(2026, 11, 20, 15), 1) == at(2026, 11, 24, 15)


def test_office_hours_are_configurable_and_checked():
    cal = WorkingCalendar(hours=parse_hours("08:00-12:00,13:30-17:30"))
    assert cal.add_hours(at(2026, 11, 23, 11), 2) == at(2026, 11, 23, 14, 30)
    for bad in ("8-12", "13:00-12:00", "07:30-11:30,11:00-17:00", ""):
        with pytest.raises(CalendarError):
            parse_hours(bad)
    with pytest.raises(CalendarError):
        CAL.add(datetime(2026, 1, 5, 8), timedelta(hours=1))  # naive


def test_exact_boundaries_with_time_to_add():
    assert CAL.add_hours(at(2026, 11, 23, 11, 30), 1) == at(2026, 11, 23, 14)
    assert CAL.add_hours(at(2026, 11, 23, 17), 1) == at(2026, 11, 25, 8, 30)  # 24/11 off
    assert CAL.add_hours(at(2026, 11, 23, 7, 30), 8) == at(2026, 11, 23, 17)
    # Instants given in UTC are read in Vietnam's time.
    assert CAL.add_hours(datetime(2026, 11, 23, 0, 30, tzinfo=UTC), 1) == at(2026, 11, 23, 8, 30)


def test_end_of_office_day_stays_on_that_day():
    assert CAL.add_hours(at(2026, 11, 23, 13), 4) == at(2026, 11, 23, 17)
    assert CAL.next_working_instant(at(2026, 11, 23, 12)) == at(2026, 11, 23, 13)


instants = st.datetimes(
    min_value=datetime(2024, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=40 * 8 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=300, deadline=None)
@given(instants, durations)
def test_adding_then_measuring_round_trips(start, duration):
    assert CAL.between(start, CAL.add(start, duration)) == duration


@settings(max_examples=300, deadline=None)
@given(instants, durations)
def test_results_land_in_office_hours_on_working_days(start, duration):
    due = CAL.add(start, duration).astimezone(VN)
    assert CAL.is_working_day(due.date())
    assert any(s <= due.time() <= e for s, e in CAL.hours)
    assert due >= start


@settings(max_examples=300, deadline=None)
@given(instants, instants, durations, durations)
def test_monotonic(a, b, d1, d2):
    first, second = sorted([a, b])
    assert CAL.add(first, d1) <= CAL.add(second, d1)
    assert CAL.add(first, min(d1, d2)) <= CAL.add(first, max(d1, d2))


@settings(max_examples=200, deadline=None)
@given(instants, instants, instants)
def test_measuring_is_additive(a, b, c):
    x, y, z = sorted([a, b, c])
    assert CAL.between(x, z) == CAL.between(x, y) + CAL.between(y, z)
    assert CAL.between(z, x) == -CAL.between(x, z)


def _walk(a: datetime, b: datetime) -> timedelta:
    """Working time from a to b, summed office interval by office interval."""
    a, b = a.astimezone(VN), b.astimezone(VN)
    total, day = timedelta(), a.date()
    while day <= b.date():
        if CAL.is_working_day(day):
            for s, e in CAL.hours:
                lo, hi = max(datetime.combine(day, s, VN), a), min(datetime.combine(day, e, VN), b)
                total += max(hi - lo, timedelta())
        day += timedelta(days=1)
    return total


@settings(max_examples=300, deadline=None)
@given(instants, instants)
def test_measuring_by_the_year_table_equals_walking_the_days(a, b):
    first, second = sorted([a, b])
    assert CAL.between(first, second) == _walk(first, second)


def test_negative_working_time_is_refused():
    with pytest.raises(CalendarError):
        CAL.add(at(2026, 1, 5, 8), timedelta(hours=-1))
    assert time(7, 30) == CAL.hours[0][0] and CAL.day_length == timedelta(hours=8)
