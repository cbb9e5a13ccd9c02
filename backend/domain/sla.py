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

    def capped(self) -> Durations:
        """Acknowledging is part of handling: the accept clock is never due after the
        handle clock (urgent: 8 working hours to accept, 4 to handle, so 4 and 4)."""
        return Durations(min(self.accept, self.handle), self.handle, self.publish)


#: National and city rules: accept within 8 working hours; handle within 15 working
#: days (urgent: 4 working hours; complex: 30 working days, as for complex complaints);
#: publish the answer within 2 working days after handling. As configured: what a
#: report gets is :meth:`Durations.capped` (urgent reports are accepted within 4 hours).
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


# ---- the one current deadline --------------------------------------------------------------


class Basis(StrEnum):
    """What the current due date of a clock comes from."""

    ORIGINAL = "original"  # the policy's budget (pauses included)
    EXTENSION = "extension"  # an approved extension (in time or not)
    PROMISE = "promise"  # the date the unit promised when it apologised


class Milestone(StrEnum):
    """An entry of a clock's history, under its current line."""

    ORIGINAL = "original"  # the first due date
    EXTENSION = "extension"  # an extension approved to a new date
    OVERDUE = "overdue"  # the sweep found the deadline missed
    APOLOGY = "apology"  # the unit apologised and promised a date
    PROMISE_MISSED = "promise_missed"  # the promised date passed too


@dataclass(frozen=True)
class Commitments:
    """The dates a clock has been held to, besides its working-time budget."""

    due_at: datetime | None  # where the budget (extensions included) runs out
    overdue_at: datetime | None  # the deadline the sweep found missed
    promised_due_at: datetime | None  # the apology's promised date
    promise_missed: bool  # the sweep found the promised date missed
    ended_at: datetime | None = None  # completed or handed over


@dataclass(frozen=True)
class Current:
    """The one answer a view shows: the due date in force, and how the clock stands."""

    due_at: datetime | None
    state: Outcome
    basis: Basis
    working_hours_left: float | None = None
    working_days_late: float | None = None

    def as_dict(self) -> dict:
        return {
            "due_at": self.due_at,
            "state": self.state.value,
            "basis": self.basis.value,
            "working_hours_left": self.working_hours_left,
            "working_days_late": self.working_days_late,
        }


def current(facts: ClockFacts, dates: Commitments, now: datetime, cal: WorkingCalendar) -> Current:
    """The current due date and state, counted against that date.

    The latest commitment wins: the apology's promised date, else the budget with its
    approved extensions, else the original budget. An open clock is ``overdue`` once
    that date has passed (or the sweep found it missed and nothing later was granted);
    past its original deadline but within a later date it is ``late`` (a promise, or an
    extension approved after the deadline) or ``late_with_extension`` (approved in
    time, DOMAIN.md). An ended clock stands as the scoreboard counts it
    (:func:`outcome`), so the figures and the views never disagree on how it ended.
    """
    if dates.promised_due_at is not None:
        basis, due = Basis.PROMISE, dates.promised_due_at
    elif facts.budget > facts.original_budget:
        basis, due = Basis.EXTENSION, dates.due_at
    else:
        basis, due = Basis.ORIGINAL, dates.due_at
    ended = facts.completed or facts.handed_over
    if basis is Basis.PROMISE:
        left = cal.between(dates.ended_at if ended and dates.ended_at else now, due)
        missed = dates.promise_missed or left < timedelta()
    else:
        left = facts.budget - facts.used
        granted_later = (
            dates.overdue_at is not None
            and dates.due_at is not None
            and dates.due_at > dates.overdue_at
        )
        missed = left < timedelta() or (facts.marked_overdue and not granted_later)
    late = round(cal.in_days(-left), 2) if left < timedelta() else None
    if ended:
        return Current(due, outcome(facts), basis, working_days_late=late)
    if missed:
        return Current(due, Outcome.OVERDUE, basis, working_days_late=late or 0.0)
    hours = round(left / WORKING_HOUR, 2)
    if facts.marked_overdue or facts.used > facts.original_budget:
        excused = basis is Basis.EXTENSION and facts.extension_in_time and not facts.marked_overdue
        state = Outcome.LATE_WITH_EXTENSION if excused else Outcome.LATE
    else:
        state = Outcome.PAUSED if facts.paused else Outcome.RUNNING
    return Current(due, state, basis, working_hours_left=hours)
