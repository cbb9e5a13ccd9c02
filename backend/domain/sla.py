"""SLA clocks (pure): durations by severity, thresholds, and how a case ended.

A clock has a working-time *budget* (8 working hours to accept, 15 working
days to handle...). It runs while the report is with a unit and stops while
the report waits for the resident. ``consumed`` is the working time used
before the current run started, so after a pause the deadline is the
resume instant plus what was left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from backend.domain.calendar import WorkingCalendar

WORKING_HOUR = timedelta(hours=1)
WORKING_DAY = timedelta(hours=8)


class ClockKind(StrEnum):
    ACCEPT = "accept"  # the unit acknowledges the report
    HANDLE = "handle"  # the unit resolves it
    PUBLISH = "publish"  # the answer is published


class Outcome(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"  # waiting for the resident
    OVERDUE = "overdue"  # open and past its deadline
    ON_TIME = "on_time"
    LATE_WITH_EXTENSION = "late_with_extension"
    LATE = "late"
    HANDED_OVER = "handed_over"  # forwarded or returned in time: not this unit's


@dataclass(frozen=True)
class Durations:
    """Working-time budgets of the three clocks (see DOMAIN.md "Time rules")."""

    accept: timedelta
    handle: timedelta
    publish: timedelta


#: National and city rules: accept within 8 working hours; handle within 15 working
#: days (urgent: 4 working hours; complex: 30 working days, as for complex complaints);
#: publish the answer within 2 working days after handling.
DEFAULT_DURATIONS: dict[str, Durations] = {
    "urgent": Durations(8 * WORKING_HOUR, 4 * WORKING_HOUR, 2 * WORKING_DAY),
    "normal": Durations(8 * WORKING_HOUR, 15 * WORKING_DAY, 2 * WORKING_DAY),
    "complex": Durations(8 * WORKING_HOUR, 30 * WORKING_DAY, 2 * WORKING_DAY),
}


def thresholds(
    cal: WorkingCalendar,
    run_started_at: datetime,
    budget: timedelta,
    consumed: timedelta,
    fractions: tuple[float, ...],
) -> list[datetime]:
    """When each reminder fraction is crossed, for the clock's current run."""
    return [
        cal.add(run_started_at, max(budget * fraction - consumed, timedelta()))
        for fraction in fractions
    ]


@dataclass(frozen=True)
class ClockFacts:
    """What counts about a clock: working time used against the working time allowed."""

    used: timedelta  # so far (open) or in total (ended)
    original_budget: timedelta  # before any extension: what "on time" means
    budget: timedelta  # with approved extensions
    extension_in_time: bool  # an extension approved before the original deadline
    completed: bool  # the unit did what the clock measures
    handed_over: bool  # forwarded, returned or closed before completion
    paused: bool  # waiting for the resident
    marked_overdue: bool  # the sweep flagged it


def outcome(facts: ClockFacts) -> Outcome:
    """How a clock stands (open) or ended, as the scoreboard counts it.

    Judged on working time used, so time spent waiting for the resident never
    counts against the unit. An open clock once marked overdue stays overdue (a
    pause or a late extension does not clear it). A clock handed over to another
    unit counts for the first unit only if it was already late.
    """
    late_already = facts.marked_overdue or facts.used > facts.original_budget
    if facts.handed_over:
        return Outcome.LATE if late_already else Outcome.HANDED_OVER
    if not facts.completed:
        if facts.marked_overdue or facts.used > facts.budget:
            return Outcome.OVERDUE
        return Outcome.PAUSED if facts.paused else Outcome.RUNNING
    if facts.used <= facts.original_budget:
        return Outcome.ON_TIME
    if facts.extension_in_time and facts.used <= facts.budget:
        return Outcome.LATE_WITH_EXTENSION
    return Outcome.LATE


def on_time_rate(on_time: int, total: int) -> float | None:
    """DOMAIN.md: handled early or on time / all feedback in the unit's remit."""
    return on_time / total if total else None
