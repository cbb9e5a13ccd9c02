"""The pure part of Open311: statuses, dates and the window, the form's attributes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.domain import open311 as spec
from backend.domain.workflow import Status

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
QUESTIONS = [
    {"code": "n", "datatype": "number"},
    {"code": "one", "datatype": "singlevaluelist"},
    {"code": "many", "datatype": "multivaluelist"},
    {"code": "t", "datatype": "text"},
]


@pytest.mark.parametrize(
    ("status", "group"),
    [
        (Status.NEW, "open"),
        (Status.ASSIGNED, "open"),
        (Status.IN_PROGRESS, "open"),
        (Status.RETURNED, "open"),
        (Status.RESOLVED, "closed"),
        (Status.CLOSED, "closed"),
        (Status.DUPLICATE, "closed"),
        (Status.REJECTED, "closed"),
    ],
)
def test_every_status_is_open_or_closed_by_its_group(status, group):
    assert spec.status_of(status) == group
    assert status.value in spec.statuses_in(spec.Open311Status(group))


def test_status_filters():
    assert spec.parse_statuses(None) is None and spec.parse_statuses("both") is None
    assert spec.parse_statuses("closed, open") == ["closed", "open"]
    with pytest.raises(ValueError):
        spec.parse_statuses("maybe")


def test_dates_of_a_query():
    assert spec.parse_datetime("2026-12-01T07:30:00Z") == datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
    # No zone: the province's time; a "+" the URL turned into a space is read back.
    assert spec.parse_datetime("2026-12-01T07:30:00", HCM).utcoffset() == timedelta(hours=7)
    assert spec.parse_datetime("2026-12-01T07:30:00 07:00").utcoffset() == timedelta(hours=7)
    # A date alone is that whole day in the province.
    start = spec.parse_datetime("2026-12-01", HCM)
    end = spec.parse_datetime("2026-12-01", HCM, end=True)
    assert start == datetime(2026, 12, 1, tzinfo=HCM)
    assert end - start == timedelta(days=1, microseconds=-1)
    with pytest.raises(ValueError):
        spec.parse_datetime("yesterday")
    assert spec.format_datetime(datetime(2026, 12, 1, 14, 0, 1, 500, tzinfo=HCM)) == (
        "2026-12-01T07:00:01+00:00"
    )


def test_the_window_is_90_days_at_most():
    assert spec.window(None, None, NOW) == spec.Window(NOW - timedelta(days=90), NOW)
    start = NOW - timedelta(days=200)
    assert spec.window(start, None, NOW).end == start + timedelta(days=90)
    assert spec.window(None, NOW, NOW).start == NOW - timedelta(days=90)
    with pytest.raises(spec.WindowTooWide):
        spec.window(start, NOW, NOW)
    with pytest.raises(ValueError):
        spec.window(NOW, start, NOW)


def test_split_codes_keeps_order_and_drops_blanks_and_repeats():
    assert spec.split_codes(" a,b,, a ,c") == ["a", "b", "c"] and spec.split_codes(None) == []


def test_the_forms_attributes():
    answers, problems = spec.answers_from_form(
        [
            ("attribute[n]", "2.5"),
            ("attribute[one]", "x"),
            ("attribute[many][]", "a"),
            ("attribute[many][]", "b"),
            ("attribute[t]", ""),  # empty: absent
            ("attribute[other]", "1"),  # not a question: left to check_answers
            ("description", "not an attribute"),
        ],
        QUESTIONS,
    )
    assert answers == {"n": 2.5, "one": "x", "many": ["a", "b"], "other": "1"}
    assert problems == {}
    answers, problems = spec.answers_from_form(
        [
            ("attribute[n]", "nan"),
            ("attribute[one]", "x"),
            ("attribute[one]", "y"),
            ("attribute[bad]]x", "1"),
        ],
        QUESTIONS,
    )
    assert set(problems) == {"attribute[n]", "attribute[one]", "attribute[bad]]x"}
    assert spec.answers_from_form([("attribute[n]", "3")], QUESTIONS)[0] == {"n": 3}
