"""Decision 766 figures from cases, against examples computed by hand."""

from __future__ import annotations

import pytest

from backend.domain.scoring import Case, figures, percentile, points
from backend.domain.sla import Outcome

ON_TIME, LWE, LATE = Outcome.ON_TIME, Outcome.LATE_WITH_EXTENSION, Outcome.LATE


def resolved(outcome: Outcome, days: float, score: int | None = None, reraised=False) -> Case:
    return Case(outcome, completed=True, working_days=days, score=score, reraised=reraised)


def test_a_unit_of_ten_cases_by_hand():
    cases = [
        resolved(ON_TIME, 1, 5),
        resolved(ON_TIME, 2, 4),
        resolved(ON_TIME, 2, 5),
        resolved(ON_TIME, 3, 2),  # unsatisfied
        resolved(ON_TIME, 5, 1, reraised=True),  # re-raised (not also unsatisfied)
        resolved(ON_TIME, 8),
        resolved(LWE, 12, 3),  # late, but within an extension approved in time
        resolved(LATE, 20, 1),  # overdue (not also unsatisfied)
        Case(Outcome.OVERDUE),
        Case(Outcome.RUNNING),
    ]
    f = figures(cases)
    assert (f.received, f.resolved, f.resolved_on_time) == (10, 8, 6)
    assert (f.resolved_late_with_extension, f.resolved_late, f.overdue_now) == (1, 1, 1)
    assert f.open_in_time == 1 and f.handed_over_late == 0
    assert f.on_time_rate == 0.6
    assert f.timeliness_points == 13.33  # 0.6 x 20 / 0.9
    # Days [1, 2, 2, 3, 5, 8, 12, 20]: median (3 + 5) / 2; 90th: the ceil(7.2) = 8th value.
    assert f.median_resolution_days == 4.0 and f.p90_resolution_days == 20.0
    assert f.ratings == 7 and f.average_rating == 3.0  # 21 / 7
    # (10 - 1 unsatisfied - 1 re-raised - 2 overdue) / 10
    assert (f.unsatisfied, f.reraised, f.overdue) == (1, 1, 2)
    assert f.satisfaction_rate == 0.6
    assert f.satisfaction_points == 12.0  # 0.6 x 18 / 0.9
    assert f.points == 25.33  # 13.33... + 12


def test_ninety_percent_earns_full_points():
    cases = [resolved(ON_TIME, 1, 5)] * 9 + [resolved(LATE, 30, 4)]
    f = figures(cases)
    assert f.on_time_rate == 0.9 and f.timeliness_points == 20.0
    assert f.satisfaction_rate == 0.9 and f.satisfaction_points == 18.0


def test_a_late_hand_over_is_late_but_not_resolved():
    f = figures([Case(LATE, completed=False)])
    assert (f.received, f.resolved, f.resolved_late, f.handed_over_late) == (1, 0, 0, 1)
    assert f.overdue == 1 and f.satisfaction_rate == 0.0 and f.median_resolution_days is None


def test_no_cases_no_figures():
    f = figures([])
    assert f.received == 0
    assert f.on_time_rate is f.satisfaction_rate is f.timeliness_points is None
    assert f.average_rating is f.median_resolution_days is None


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(1.0, 20.0), (0.95, 20.0), (0.9, 20.0), (0.45, 10.0), (0.0, 0.0), (None, None)],
)
def test_points(rate, expected):
    assert points(rate, 20) == expected


def test_nearest_rank_percentile():
    assert percentile([4.0], 0.9) == 4.0
    assert percentile(list(range(1, 11)), 0.9) == 9  # the 9th of 10
    assert percentile(list(range(1, 12)), 0.9) == 10  # ceil(9.9) = 10th of 11
