"""A national administrator on one province's operations board who clicks "Today" stays
on that province's board (it used to open every province's); without a province, and for
a province's own staff, "Today" is the plain board."""

from __future__ import annotations

import re

from tests.backend.console.operations.test_national import _dates, _figure
from tests.backend.console.operations.test_national import provinces as provinces  # fixture


def _today_link(html: str) -> str:
    found = re.search(r'<a id="ops-today" href="([^"]+)"', html)
    assert found, "the period form has its Today link"
    return found.group(1).replace("&amp;", "&")


def test_today_keeps_the_province_the_national_admin_chose(console, provinces):
    client = console("national.admin")
    board = client.get(f"/console/operations?province=vinh-long&{_dates()}")
    assert board.status_code == 200
    today = _today_link(board.get_data(as_text=True))
    assert today == "/console/operations?province=vinh-long"
    # Following it: today's board of Vĩnh Long, still one province's.
    followed = client.get(today).get_data(as_text=True)
    assert 'data-province="vinh-long"' in followed
    assert _figure(followed, "unrouted") is not None

    every = client.get(f"/console/operations?{_dates()}").get_data(as_text=True)
    assert _today_link(every) == "/console/operations"


def test_a_provinces_coordinator_gets_the_plain_today_link(console, provinces):
    client = console("admin")  # TP Cần Thơ's administrator: always their own province
    html = client.get(f"/console/operations?{_dates()}").get_data(as_text=True)
    assert _today_link(html) == "/console/operations"
