"""A national administrator on one province's operations board reads the province's name
(not its URL name) and, clicking "Today", stays on that province's board (it used to open
every province's); without a province, and for a province's own staff, "Today" is the
plain board, and a province's staff are offered no "every province" link."""

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
    html = board.get_data(as_text=True)
    hint = re.search(r'<p class="hint" id="ops-province"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "Tỉnh Vĩnh Long" in hint and "vinh-long." not in hint
    assert "/console/operations?from=" in hint  # back to every province, same period
    today = _today_link(html)
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


def test_a_provinces_staff_asking_for_their_own_province_get_no_every_province_link(
    console, provinces
):
    client = console("admin")
    html = client.get(f"/console/operations?province=92&{_dates()}").get_data(as_text=True)
    hint = re.search(r'<p class="hint" id="ops-province"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "TP Cần Thơ" in hint
    assert "<a " not in hint  # "every province" would only lead back to their own


def test_another_provinces_board_is_refused_naming_the_province_one_sees(console, provinces):
    client = console("admin")  # TP Cần Thơ's administrator
    for path in (
        "/console/operations?province=vinh-long",
        "/console/operations/figures?province=86",
        "/console/operations/map.json?province=vinh-long&zoom=12",
    ):
        refused = client.get(path)
        assert refused.status_code == 403, path
        page = refused.get_data(as_text=True)
        assert "Tài khoản này chỉ xem được trung tâm điều hành của TP Cần Thơ." in page, path
    client.get("/console/operations?lang=en")
    english = client.get("/console/operations?province=vinh-long").get_data(as_text=True)
    assert "This account sees only the operations centre of TP Cần Thơ." in english
    # Their own province, by URL name or code, is their board; an unknown one is a 404.
    assert client.get("/console/operations?province=92").status_code == 200
    assert client.get("/console/operations?province=nowhere").status_code == 404


def _options(html: str, select_id: str) -> list[str]:
    body = re.search(rf'<select name="[a-z]+" id="{select_id}">(.*?)</select>', html, re.S)
    return [v for v in re.findall(r'<option value="([^"]*)"', body.group(1)) if v]


def test_the_map_filter_offers_the_chosen_provinces_units_only(console, provinces):
    client = console("national.admin")
    one = client.get(f"/console/operations?province=vinh-long&{_dates()}").get_data(as_text=True)
    every = client.get(f"/console/operations?{_dates()}").get_data(as_text=True)
    units = _options(one, "map-department")
    assert provinces.b_unit.code in units and "so-xd" not in units  # Cần Thơ's: no choice
    assert all(code.startswith("vl-") for code in units), units
    assert {"so-xd", provinces.b_unit.code} <= set(_options(every, "map-department"))
    assert _options(one, "map-category") == _options(every, "map-category")  # national ones
