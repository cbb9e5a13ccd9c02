"""The national view (/console/provinces): national staff see the hosted provinces ranked
by the public ranking's own figures and follow one into its operations board, filtered
(?province=); a province's staff cannot open it, and read their own province's board."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from backend.db import utcnow
from backend.localtime import local_date
from tests.provinces_fixture import two_provinces


@pytest.fixture
def provinces(client, resident, submit, staff):
    """Cần Thơ (A): two reports, one resolved; Vĩnh Long (B): one open report."""
    places = two_provinces()
    alice = resident("+84906666671")
    a_codes = [submit(alice).get_json()["code"] for _ in range(2)]
    resolved = client.post(
        f"/staff/v1/reports/{a_codes[0]}/resolve",
        data={"response": "Đã vá xong."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert resolved.status_code == 200, resolved.get_json()
    places.in_a(a_codes)
    places.move_to_b(submit(alice, description="Ổ gà ở Vĩnh Long").get_json()["code"])
    return places


def _dates() -> str:
    today = local_date(utcnow())
    return f"from={(today - timedelta(days=30)).isoformat()}&to={today.isoformat()}"


def _rows(html: str) -> list[tuple[str, dict[str, str]]]:
    rows = re.findall(r'<tr data-province="([^"]+)">(.*?)</tr>', html, re.S)
    return [
        (slug, dict(re.findall(r'data-figure="([a-z_]+)">([^<]*)<', body))) for slug, body in rows
    ]


def _figure(html: str, name: str) -> str:
    found = re.search(rf'data-(?:figure|queue)="{name}">([^<]*)<', html)
    assert found, name
    return found.group(1)


def _pct(value) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def test_the_national_admin_sees_the_provinces_ranked_as_the_public_side(console, provinces):
    client = console("national.admin")
    page = client.get(f"/console/provinces?{_dates()}")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    html = page.get_data(as_text=True)
    assert 'href="/console/provinces"' in html  # the menu has the page
    rows = _rows(html)
    public = client.get(f"/public/v1/provinces?{_dates()}").get_json()["items"]
    assert [slug for slug, _ in rows] == [item["province"]["slug"] for item in public]
    assert [slug for slug, _ in rows][:2] == ["can-tho", "vinh-long"]
    for (_, shown), item in zip(rows, public, strict=True):
        f = item["figures"]
        assert shown["rank"] == ("–" if item["rank"] is None else str(item["rank"]))
        assert shown["points"] == ("–" if f["points"] is None else str(f["points"]))
        assert shown["received"] == str(f["received"])
        assert shown["resolved"] == str(f["resolved"])
        assert shown["overdue"] == str(f["overdue"])
        assert shown["on_time_rate"] == _pct(f["on_time_rate"])
        assert shown["satisfaction_rate"] == _pct(f["satisfaction_rate"])


def test_the_national_admin_follows_a_province_into_its_board(console, provinces):
    client = console("national.admin")
    html = client.get(f"/console/provinces?{_dates()}").get_data(as_text=True)
    links = dict(re.findall(r'<a href="(/console/operations\?[^"]*province=([a-z-]+)[^"]*)"', html))
    by_slug = {slug: href.replace("&amp;", "&") for href, slug in links.items()}
    expected = {"can-tho": "2", "vinh-long": "1"}
    for slug, received in expected.items():
        board = client.get(by_slug[slug])
        assert board.status_code == 200, board.get_data(as_text=True)[:500]
        page = board.get_data(as_text=True)
        assert f'data-province="{slug}"' in page
        assert _figure(page, "received") == received
        # The minute refresh keeps the province.
        assert f"province={slug}" in re.search(r'data-refresh-url="([^"]+)"', page).group(1)
    every = client.get(f"/console/operations?{_dates()}").get_data(as_text=True)
    assert _figure(every, "received") == "3"
    assert client.get(f"/console/operations?province=nowhere&{_dates()}").status_code == 404


def test_a_province_admin_cannot_open_the_national_view(console, provinces):
    client = console("admin")  # TP Cần Thơ's administrator
    assert client.get("/console/provinces").status_code == 403
    home = client.get(f"/console/operations?{_dates()}")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert 'href="/console/provinces"' not in html  # not in their menu
    assert _figure(html, "received") == "2"  # their province's board, not the country's
    own = client.get(f"/console/operations?province=can-tho&{_dates()}")
    assert own.status_code == 200
    assert _figure(own.get_data(as_text=True), "received") == "2"
    assert client.get(f"/console/operations?province=vinh-long&{_dates()}").status_code == 403
    assert client.get("/console/operations/figures?province=vinh-long").status_code == 403
