"""The resolution times' median is the same float whether the database gives it
(PostgreSQL's ``percentile_cont(0.5)`` over the settled cases) or Python works it out
(SQLite, the open cases, every case worked out one by one): the pairs below are ones
whose ``(a + b) / 2`` rounds to another hundredth than the database's median did."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from backend.db import db
from backend.domain.scoring import median

#: Working seconds of two resolved cases (8-hour working days).
PAIRS = [(62_619, 1_076_421), (95_194, 771_398), (185_718, 1_115_754), (28_800, 57_600)]


@pytest.mark.parametrize(("low", "high"), PAIRS)
def test_the_median_of_an_even_count_is_the_databases(app, low, high):
    days = [low / 28_800, high / 28_800]
    if db.session.get_bind().dialect.name != "postgresql":
        assert median(days) == days[0] + 0.5 * (days[1] - days[0])
        return
    found = db.session.scalar(
        text(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"
            " FROM unnest(CAST(:days AS float8[])) AS x"
        ),
        {"days": days},
    )
    assert median(days) == found
    assert round(median(days), 2) == round(found, 2)


def test_an_odd_count_is_its_middle_value():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([]) is None
