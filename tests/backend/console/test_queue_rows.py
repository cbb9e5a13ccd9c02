"""A queue row's numbers and address: working days with at most one decimal, the time left
in hours below one working day, as each language writes them; no place named twice."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import g

from backend.console import queue_rows


@pytest.fixture
def lang(app):
    """In a request (the language is the request's), in ``code``."""
    with app.test_request_context("/console/desk"):

        def use(code: str):
            g.lang = code
            g.pop("_flask_babel", None)

        yield use
        g.pop("lang", None)
        g.pop("_flask_babel", None)


def test_working_days_have_at_most_one_decimal(app, lang):
    lang("vi")
    assert queue_rows.one_decimal(15.75) == "15,8"
    assert queue_rows.one_decimal(15.0) == "15"
    assert queue_rows.one_decimal(10000) == "10.000"
    lang("en")
    assert queue_rows.one_decimal(15.75) == "15.8"
    assert queue_rows.days_late(1) == "1 working day late"
    assert queue_rows.days_late(1.25) == "1.2 working days late"


def test_the_time_left_in_hours_below_one_working_day(app, lang):
    lang("en")
    assert queue_rows.time_left(7.5) == "7.5 working hours left"
    assert queue_rows.time_left(1) == "1 working hour left"
    assert queue_rows.time_left(8) == "1 working day left"  # one office day: 8 hours
    assert queue_rows.time_left(20) == "2.5 working days left"
    lang("vi")
    assert queue_rows.time_left(20) == "còn 2,5 ngày làm việc"
    assert queue_rows.time_left(6.25) == "còn 6,2 giờ làm việc"


def test_the_filter_for_pages_quoting_a_row(app, lang):
    lang("vi")
    render = app.jinja_env.from_string("{{ 15.75 | working_days }}").render
    assert render() == "15,8"


def test_the_address_does_not_repeat_the_unit(app):
    city = SimpleNamespace(admin_unit=SimpleNamespace(name="TP Cần Thơ"))
    ward = SimpleNamespace(admin_unit=SimpleNamespace(name="Phường Ninh Kiều"))
    assert queue_rows._address("12 Đường Lê Lợi, TP Cần Thơ", city) == "12 Đường Lê Lợi"
    assert queue_rows._address("12 Đường Lê Lợi", city) == "12 Đường Lê Lợi"
    assert queue_rows._address("TP Cần Thơ", city) == "TP Cần Thơ"
    assert queue_rows._address("12 Lê Lợi, TP Cần Thơ", ward) == "12 Lê Lợi, TP Cần Thơ"
    assert queue_rows._address(None, ward) is None
