"""The period and the scope of a statistic: whose cases, received between which dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backend.domain.calendar import WorkingCalendar
from backend.domain.text import N_
from backend.errors import ValidationFailed

#: The longest period one request may cover (monthly series, exports of figures).
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Scope:
    """Whose cases: one handling unit, one administrative unit (with its wards), one
    province (its slug, code or id: the reports filed in it), or all; they combine."""

    department: str | None = None
    admin_unit: str | None = None
    province: str | int | None = None


@dataclass(frozen=True)
class Period:
    """Local calendar dates, both included."""

    start: date
    end: date

    def __post_init__(self):
        if self.start > self.end:
            raise ValidationFailed(
                N_("The period starts after it ends."),
                code="invalid_period",
                fields={"from": ["'from' is after 'to'."]},
            )
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise ValidationFailed(
                N_("The period may cover at most 3 years."),
                code="period_too_long",
                fields={"to": ["At most 3 years after 'from'."]},
            )

    @classmethod
    def chosen(cls, start: date | None, end: date | None, today: date) -> Period:
        """``from``/``to`` as given; by default the last 12 months (this one included)."""
        return cls(start or cls.last_months(today).start, end or today)

    @classmethod
    def last_months(cls, today: date, months: int = 12) -> Period:
        """The current month and the ``months - 1`` before it, up to today."""
        year, month = today.year, today.month - (months - 1)
        while month < 1:
            year, month = year - 1, month + 12
        return cls(date(year, month, 1), today)

    def months(self) -> list[tuple[date, date]]:
        """Calendar months overlapping the period, clipped to it."""
        spans, first = [], self.start.replace(day=1)
        while first <= self.end:
            following = (first + timedelta(days=32)).replace(day=1)
            spans.append((max(first, self.start), min(following - timedelta(days=1), self.end)))
            first = following
        return spans

    def bounds(self, cal: WorkingCalendar) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time(), cal.tz),
            datetime.combine(self.end + timedelta(days=1), time(), cal.tz),
        )

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}
