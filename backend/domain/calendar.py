"""Working time in Vietnamese government offices (pure: no Flask, no database).

Deadlines are counted in working time: office hours (by default 07:30-11:30
and 13:00-17:00) on working days. A working day is Monday to Friday, minus
public holidays (from the ``holidays`` package, which computes the lunar
dates: Tết, Giỗ Tổ Hùng Vương, and the government's day swaps), adjusted by
the administrator's exceptions:

* extra days off (a day the government gives off that no library knows yet);
* extra working days (a Saturday declared a make-up working day, "làm bù");
* ignored holidays (a library holiday that does not apply here).

The calendar works on aware datetimes in any zone and answers in local time.
An instant exactly at the end of an office interval (11:30, 17:00) counts as
inside it, so "due at 17:00 on Monday" stays on Monday.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_lib

DEFAULT_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 0), time(17, 0)),
)
WEEKDAYS = frozenset({0, 1, 2, 3, 4})
_MAX_DAYS = 3660  # no deadline is ten years away: stop instead of looping forever


class CalendarError(ValueError):
    """The calendar cannot answer (no working time at all, bad office hours)."""


def parse_hours(text: str) -> tuple[tuple[time, time], ...]:
    """``"07:30-11:30,13:00-17:00"`` -> office intervals, checked to be ordered and disjoint."""
    intervals = []
    try:
        for part in text.split(","):
            start, end = (time.fromisoformat(p.strip()) for p in part.split("-"))
            intervals.append((start, end))
    except ValueError as exc:
        raise CalendarError(f"office hours look like 07:30-11:30,13:00-17:00: {text!r}") from exc
    for (_s1, e1), (s2, _e2) in itertools.pairwise(intervals):
        if not e1 <= s2:
            raise CalendarError(f"office hours overlap or are out of order: {text!r}")
    if not intervals or any(s >= e for s, e in intervals):
        raise CalendarError(f"each office interval must end after it starts: {text!r}")
    return tuple(intervals)


@dataclass(frozen=True)
class Exceptions:
    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    ignored_holidays: frozenset[date] = frozenset()


class WorkingCalendar:
    def __init__(
        self,
        tz: str = "Asia/Ho_Chi_Minh",
        hours: tuple[tuple[time, time], ...] = DEFAULT_HOURS,
        exceptions: Exceptions = Exceptions(),
        *,
        country: str = "VN",
        weekdays: Iterable[int] = WEEKDAYS,
    ):
        self.tz = ZoneInfo(tz)
        self.hours = hours
        self.exceptions = exceptions
        self.weekdays = frozenset(weekdays)
        self.day_length = sum(
            (datetime.combine(date.min, e) - datetime.combine(date.min, s) for s, e in hours),
            timedelta(),
        )
        self._holidays = holidays_lib.country_holidays(country)
        self._is_working_day = functools.lru_cache(maxsize=8192)(self._working_day)
        self._make_up: dict[int, frozenset[date]] = {}
        self._intervals = functools.lru_cache(maxsize=8192)(self._day_intervals)
        self._counts: dict[int, list[int]] = {}

    # ---- days -------------------------------------------------------------------------

    def holiday_name(self, day: date) -> str | None:
        if day in self.exceptions.ignored_holidays:
            return None
        return self._holidays.get(day)

    def _working_day(self, day: date) -> bool:
        if day in self.exceptions.working_days:
            return True
        if day in self.exceptions.days_off or self.holiday_name(day):
            return False
        if day in self._make_up_days(day.year):
            return True
        return day.weekday() in self.weekdays

    def _make_up_days(self, year: int) -> frozenset[date]:
        """Weekend days the government swapped into working days (e.g. Sat 26/4/2025)."""
        if year not in self._make_up:
            self._holidays.get(date(year, 1, 1))  # populates the year
            self._make_up[year] = frozenset(
                d for d in self._holidays.weekend_workdays if d.year == year
            )
        return self._make_up[year]

    def is_working_day(self, day: date) -> bool:
        return self._is_working_day(day)

    def _day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if not self._is_working_day(day):
            return ()
        return tuple(
            (datetime.combine(day, s, self.tz), datetime.combine(day, e, self.tz))
            for s, e in self.hours
        )

    # ---- instants -----------------------------------------------------------------

    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise CalendarError("naive datetime: the calendar needs aware instants")
        return instant.astimezone(self.tz)

    def next_working_instant(self, instant: datetime) -> datetime:
        """``instant`` itself when within office hours, else the next opening."""
        return self.add(instant, timedelta())

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of working time has elapsed after ``start``."""
        if duration < timedelta():
            raise CalendarError("cannot add negative working time")
        t = self._local(start)
        remaining = duration
        day = t.date()
        for _ in range(_MAX_DAYS):
            for s, e in self._intervals(day):
                if e < t or (e == t and remaining):
                    continue
                begin = max(s, t)
                available = e - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += timedelta(days=1)
        raise CalendarError("no working time within ten years")

    def add_hours(self, start: datetime, hours: float) -> datetime:
        return self.add(start, timedelta(hours=hours))

    def add_days(self, start: datetime, days: float) -> datetime:
        """``days`` working days: that many full office days of working time.

        Received on Friday at 15:00, one working day is due on the next working
        day at 15:00.
        """
        return self.add(start, self.day_length * days)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (negative when ``end`` is earlier).

        The whole days in between are counted from a per-year table, so the cost
        does not grow with the distance (a report open for a year costs as much as
        one opened this morning).
        """
        a, b = self._local(start), self._local(end)
        if b < a:
            return -self.between(end, start)
        if a.date() == b.date():
            return self._within_day(a.date(), a, b)
        first = self._within_day(a.date(), a, None)
        last = self._within_day(b.date(), None, b)
        middle = self.working_days_in(a.date() + timedelta(days=1), b.date() - timedelta(days=1))
        return first + last + self.day_length * middle

    def _within_day(self, day: date, lo: datetime | None, hi: datetime | None) -> timedelta:
        total = timedelta()
        for s, e in self._intervals(day):
            begin, finish = max(s, lo) if lo else s, min(e, hi) if hi else e
            if finish > begin:
                total += finish - begin
        return total

    def working_days_in(self, first: date, last: date) -> int:
        """How many working days from ``first`` to ``last``, both included."""
        total = 0
        for year in range(first.year, last.year + 1):
            counts = self._cumulative(year)
            start = date(year, 1, 1)
            lo = (max(first, start) - start).days
            hi = (min(last, date(year, 12, 31)) - start).days
            if hi >= lo:
                total += counts[hi] - (counts[lo - 1] if lo else 0)
        return total

    def _cumulative(self, year: int) -> list[int]:
        """Working days from 1 January to each day of the year, included."""
        if year not in self._counts:
            counts, running, day = [], 0, date(year, 1, 1)
            while day.year == year:
                running += self._is_working_day(day)
                counts.append(running)
                day += timedelta(days=1)
            self._counts[year] = counts
        return self._counts[year]

    def in_days(self, duration: timedelta) -> float:
        """A working duration expressed in working days."""
        return duration / self.day_length
