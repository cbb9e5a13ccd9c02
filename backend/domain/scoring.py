"""Scoring (pure): the figures of a set of cases, as DOMAIN.md "Scoring" defines them.

A *case* is one report in one unit's remit: the unit's handling clock, unless the
unit forwarded or returned the report in time (then it was never the unit's).
Everything here is computed from cases alone, so the API, the pages and the
exports cannot disagree.

Decision 766/QĐ-TTg (2022):

- on-time rate = handled early or on time / all feedback in the unit's remit;
- satisfaction = (total - rated unsatisfied - re-raised - overdue) / total;
- a ratio of 90 % or more earns the group's full points, below that
  rate x max / 90 %. Timeliness is worth 20 points, satisfaction 18.

Choices where DOMAIN.md is silent, applied the same way everywhere:

- "overdue" in the satisfaction ratio is a case that went past its deadline with
  no extension approved in time: open and overdue now, or handled late (a case
  handled within an extension approved in time is not overdue);
- a case is deducted once even when it is several of these; it counts as overdue
  first, then re-raised, then unsatisfied (re-raising requires an unsatisfied
  rating, so the literal formula would otherwise count most re-raised cases twice);
- resolution time is the working time the unit used (waiting for the resident
  excluded), in working days of 8 hours; the median is the middle value (the mean
  of the two middle values for an even count), the 90th percentile is the
  nearest-rank value (the ceil(0.9 n)-th smallest).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from backend.domain.sla import Outcome, on_time_rate

TIMELINESS_POINTS = 20
SATISFACTION_POINTS = 18
FULL_POINTS_FROM = 0.9
#: Scores at or below this count as unsatisfied.
UNSATISFIED_MAX = 2

#: Went past the deadline with no extension approved in time.
_OVERDUE = frozenset({Outcome.OVERDUE, Outcome.LATE})
_RESOLVED = frozenset({Outcome.ON_TIME, Outcome.LATE_WITH_EXTENSION, Outcome.LATE})


@dataclass(frozen=True)
class Case:
    outcome: Outcome  # never HANDED_OVER: those are not in the unit's remit
    completed: bool = False  # the unit resolved it (a late hand-over is LATE, not completed)
    working_days: float | None = None  # working time used, when completed
    score: int | None = None  # the reporter's rating of the resolution, 1..5
    reraised: bool = False  # the reporter, unsatisfied, reopened it


@dataclass(frozen=True)
class Figures:
    received: int
    resolved: int
    resolved_on_time: int
    resolved_late_with_extension: int
    resolved_late: int
    handed_over_late: int
    overdue_now: int
    open_in_time: int
    waiting_for_resident: int
    on_time_rate: float | None
    median_resolution_days: float | None
    p90_resolution_days: float | None
    ratings: int
    average_rating: float | None
    unsatisfied: int
    reraised: int
    overdue: int
    satisfaction_rate: float | None
    timeliness_points: float | None
    satisfaction_points: float | None
    points: float | None  # timeliness + satisfaction (out of 38)

    def as_dict(self) -> dict:
        return asdict(self)


def points(rate: float | None, maximum: int) -> float | None:
    """Full points from 90 %; below, ``rate x max / 90 %``."""
    if rate is None:
        return None
    if rate >= FULL_POINTS_FROM:
        return float(maximum)
    return rate * maximum / FULL_POINTS_FROM


def median(values: list[float]) -> float | None:
    """The middle value; of an even count, the mean of the two middle ones worked out as
    PostgreSQL's ``percentile_cont(0.5)`` does (``low + 0.5 x (high - low)``), so that the
    database and Python give the same float: ``(low + high) / 2`` differs from it in the
    last bit for one pair in eight, and then one pair in a few thousand rounds to
    another hundredth (19.77 against 19.78 working days)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    low, high = ordered[middle - 1], ordered[middle]
    return low + 0.5 * (high - low)


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest rank: the ceil(fraction x n)-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]


class Deduction(StrEnum):
    """Why a case is not counted as satisfied (one reason per case, in this order)."""

    OVERDUE = "overdue"
    RERAISED = "reraised"
    UNSATISFIED = "unsatisfied"


def deduction(case: Case) -> Deduction | None:
    """Why the case is not counted as satisfied (once, in this order), or None."""
    if case.outcome in _OVERDUE:
        return Deduction.OVERDUE
    if case.reraised:
        return Deduction.RERAISED
    if case.score is not None and case.score <= UNSATISFIED_MAX:
        return Deduction.UNSATISFIED
    return None


@dataclass
class Tally:
    """What the figures count of a set of cases, without the resolution times: tallies
    of two sets add up to the tally of both (the statistics add the settled cases' tally,
    counted by the database, to the open ones', counted here)."""

    outcomes: Counter = field(default_factory=Counter)  # Outcome -> cases
    handed_over_late: int = 0
    deducted: Counter = field(default_factory=Counter)  # Deduction -> cases
    ratings: int = 0
    score_total: int = 0

    def add(self, case: Case, count: int = 1) -> None:
        self.count(
            case.outcome,
            case.completed,
            deduction(case),
            ratings=count if case.score is not None else 0,
            score_total=(case.score or 0) * count,
            count=count,
        )

    def count(
        self,
        outcome: Outcome,
        completed: bool,
        reason: Deduction | None,
        *,
        ratings: int,
        score_total: int,
        count: int = 1,
    ) -> None:
        """``count`` cases alike in outcome, completion and deduction, with ``ratings`` of
        them rated (scores adding up to ``score_total``)."""
        self.outcomes[outcome] += count
        if outcome == Outcome.LATE and not completed:
            self.handed_over_late += count
        if reason is not None:
            self.deducted[reason] += count
        self.ratings += ratings
        self.score_total += score_total

    def __iadd__(self, other: Tally) -> Tally:
        self.outcomes.update(other.outcomes)
        self.deducted.update(other.deducted)
        self.handed_over_late += other.handed_over_late
        self.ratings += other.ratings
        self.score_total += other.score_total
        return self


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def figures(cases: Iterable[Case]) -> Figures:
    """The figures of a set of cases."""
    tally, days = Tally(), []
    for case in cases:
        tally.add(case)
        if case.completed and case.working_days is not None:
            days.append(case.working_days)
    return figures_of(tally, median(days), percentile(days, 0.9))


def figures_of(tally: Tally, median_days: float | None, p90_days: float | None) -> Figures:
    """The figures from a tally and the resolution times' median and 90th percentile
    (nearest rank) in working days."""
    count = {outcome: tally.outcomes.get(outcome, 0) for outcome in Outcome}
    deducted = {reason: tally.deducted.get(reason, 0) for reason in Deduction}
    handed_over_late = tally.handed_over_late
    received = sum(count.values())
    timely = on_time_rate(count[Outcome.ON_TIME], received)
    satisfied = received - sum(deducted.values())
    satisfaction_rate = _ratio(satisfied, received)
    timeliness_points = points(timely, TIMELINESS_POINTS)
    satisfaction_points = points(satisfaction_rate, SATISFACTION_POINTS)
    return Figures(
        received=received,
        resolved=sum(count[o] for o in _RESOLVED) - handed_over_late,
        resolved_on_time=count[Outcome.ON_TIME],
        resolved_late_with_extension=count[Outcome.LATE_WITH_EXTENSION],
        resolved_late=count[Outcome.LATE] - handed_over_late,
        handed_over_late=handed_over_late,
        overdue_now=count[Outcome.OVERDUE],
        open_in_time=count[Outcome.RUNNING],
        waiting_for_resident=count[Outcome.PAUSED],
        on_time_rate=_round(timely, 4),
        median_resolution_days=_round(median_days, 2),
        p90_resolution_days=_round(p90_days, 2),
        ratings=tally.ratings,
        average_rating=_round(tally.score_total / tally.ratings, 2) if tally.ratings else None,
        unsatisfied=deducted[Deduction.UNSATISFIED],
        reraised=deducted[Deduction.RERAISED],
        overdue=deducted[Deduction.OVERDUE],
        satisfaction_rate=_round(satisfaction_rate, 4),
        timeliness_points=_round(timeliness_points, 2),
        satisfaction_points=_round(satisfaction_points, 2),
        points=None
        if timeliness_points is None
        else round(timeliness_points + satisfaction_points, 2),
    )
