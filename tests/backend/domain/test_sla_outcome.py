"""How a clock is counted (DOMAIN.md "Time rules" and "Scoring")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.sla import (
    DEFAULT_DURATIONS,
    WORKING_DAY,
    WORKING_HOUR,
    Outcome,
    on_time_rate,
    outcome,
)

T = datetime(2026, 11, 2, 1, tzinfo=UTC)
DUE = T + timedelta(days=10)


def count(**kwargs):
    base = dict(
        completed_at=None,
        due_at=DUE,
        original_due_at=DUE,
        extension_in_time=False,
        paused=False,
        now=T,
    )
    return outcome(**{**base, **kwargs})


def test_outcomes():
    assert count() == Outcome.RUNNING
    assert count(now=DUE + timedelta(minutes=1)) == Outcome.OVERDUE
    assert count(paused=True) == Outcome.PAUSED
    assert count(paused=True, marked_overdue=True) == Outcome.OVERDUE
    assert count(completed_at=DUE) == Outcome.ON_TIME  # on the deadline is on time
    assert count(completed_at=DUE + timedelta(hours=1)) == Outcome.LATE
    extended = DUE + timedelta(days=5)
    assert (
        count(completed_at=DUE + timedelta(days=1), due_at=extended, extension_in_time=True)
        == Outcome.LATE_WITH_EXTENSION
    )
    assert (
        count(completed_at=DUE + timedelta(days=1), due_at=extended, extension_in_time=False)
        == Outcome.LATE
    )
    assert (
        count(completed_at=extended + timedelta(hours=1), due_at=extended, extension_in_time=True)
        == Outcome.LATE
    )


def test_default_budgets_follow_the_rules():
    assert DEFAULT_DURATIONS["normal"].accept == 8 * WORKING_HOUR
    assert DEFAULT_DURATIONS["normal"].handle == 15 * WORKING_DAY
    assert DEFAULT_DURATIONS["urgent"].handle == 4 * WORKING_HOUR
    assert DEFAULT_DURATIONS["normal"].publish == 2 * WORKING_DAY


def test_on_time_rate():
    assert on_time_rate(97, 100) == 0.97
    assert on_time_rate(0, 0) is None
