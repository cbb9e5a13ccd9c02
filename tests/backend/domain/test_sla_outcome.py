"""How a clock is counted (DOMAIN.md "Time rules" and "Scoring")."""

from __future__ import annotations

from datetime import timedelta

from backend.domain.sla import (
    DEFAULT_DURATIONS,
    WORKING_DAY,
    WORKING_HOUR,
    ClockFacts,
    Outcome,
    on_time_rate,
    outcome,
)

BUDGET = 15 * WORKING_DAY


def count(**kwargs) -> Outcome:
    base = dict(
        used=timedelta(),
        original_budget=BUDGET,
        budget=BUDGET,
        extension_in_time=False,
        completed=False,
        handed_over=False,
        paused=False,
        marked_overdue=False,
    )
    return outcome(ClockFacts(**{**base, **kwargs}))


def test_open_clocks():
    assert count() == Outcome.RUNNING
    assert count(used=BUDGET + timedelta(minutes=1)) == Outcome.OVERDUE
    assert count(paused=True) == Outcome.PAUSED
    assert count(paused=True, marked_overdue=True) == Outcome.OVERDUE


def test_ended_clocks():
    assert count(completed=True, used=BUDGET) == Outcome.ON_TIME  # on the deadline is on time
    assert count(completed=True, used=BUDGET + WORKING_HOUR) == Outcome.LATE
    extended = BUDGET + 5 * WORKING_DAY
    late = BUDGET + WORKING_DAY
    assert (
        count(completed=True, used=late, budget=extended, extension_in_time=True)
        == Outcome.LATE_WITH_EXTENSION
    )
    assert (
        count(completed=True, used=late, budget=extended, extension_in_time=False) == Outcome.LATE
    )
    assert (
        count(completed=True, used=extended + WORKING_HOUR, budget=extended, extension_in_time=True)
        == Outcome.LATE
    )


def test_waiting_for_the_resident_never_counts_against_the_unit():
    # Five calendar weeks passed, but only 8 working hours were the unit's.
    assert count(completed=True, used=8 * WORKING_HOUR) == Outcome.ON_TIME


def test_handing_over_counts_only_when_already_late():
    assert count(handed_over=True, used=WORKING_DAY) == Outcome.HANDED_OVER
    assert count(handed_over=True, used=BUDGET + WORKING_DAY) == Outcome.LATE
    assert count(handed_over=True, marked_overdue=True, used=BUDGET) == Outcome.LATE


def test_default_budgets_follow_the_rules():
    assert DEFAULT_DURATIONS["normal"].accept == 8 * WORKING_HOUR
    assert DEFAULT_DURATIONS["normal"].handle == 15 * WORKING_DAY
    assert DEFAULT_DURATIONS["urgent"].handle == 4 * WORKING_HOUR
    assert DEFAULT_DURATIONS["normal"].publish == 2 * WORKING_DAY


def test_on_time_rate():
    assert on_time_rate(97, 100) == 0.97
    assert on_time_rate(0, 0) is None
