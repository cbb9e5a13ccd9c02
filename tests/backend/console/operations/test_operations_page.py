"""The operations page: who opens it, its figures are the board's, the fragment and the map."""

from __future__ import annotations

import re
from datetime import date

import pytest

from backend.db import utcnow
from backend.localtime import local_date
from backend.services import operations
from backend.services.statistics import Period
from tests.backend.desk_scenario import build, user


@pytest.fixture(scope="module")
def codes(module_transaction):
    with module_transaction.build():
        return build()


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-(?:figure|queue)="{name}">([^<]*)<', html)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize("username", ["coordinator", "admin"])
def test_the_page_shows_the_boards_figures(console, codes, username):
    client = console(username)
    page = client.get("/console/operations?from=2026-11-01&to=2026-11-30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    now = utcnow()
    today = operations.board(user(username), Period(local_date(now), local_date(now)), now)
    wanted = operations.board(user(username), Period(date(2026, 11, 1), date(2026, 11, 30)), now)
    assert figure(html, "received") == str(wanted["figures"]["received"])
    assert figure(html, "resolved") == str(wanted["figures"]["resolved"])
    assert figure(html, "overdue") == str(wanted["queues"]["overdue"])
    assert figure(html, "extension_pending") == str(wanted["queues"]["extension_pending"])
    assert today["queues"] == wanted["queues"]  # the queues are now, whatever the period
    # Each figure links to its list: the desk's and the triage's queues, the scoreboard.
    assert 'href="/console/desk?queue=overdue"' in html
    assert 'href="/console/triage?queue=extension_pending"' in html
    assert 'href="/console/triage?queue=no_apology"' in html
    assert "/departments?from=2026-11-01&amp;to=2026-11-30" in html
    assert 'id="ops-map"' in html and 'id="table-per-day"' in html and "<svg" in html
    assert 'id="table-per-channel"' in html and 'id="chart-per-channel"' in html
    assert "<script>" not in html  # no inline script (CSP)
    # The menu has the page.
    assert 'href="/console/operations"' in html


def test_the_figures_fragment_is_the_section_alone(console, codes):
    client = console("coordinator")
    part = client.get("/console/operations/figures?from=2026-11-01&to=2026-11-30")
    assert part.status_code == 200
    html = part.get_data(as_text=True)
    assert html.lstrip().startswith("<section")
    assert "<html" not in html and 'id="ops-figures"' in html
    assert (
        'data-refresh-url="/console/operations/figures?from=2026-11-01&amp;to=2026-11-30"' in html
    )


def test_the_map_cells_and_outlines(console, codes):
    client = console("coordinator")
    found = client.get("/console/operations/map.json?zoom=19").get_json()
    assert (
        found["total"] == sum(found["states"].values()) == sum(c["count"] for c in found["cells"])
    )
    assert found["states"]["overdue"] >= 1
    wide = client.get("/console/operations/map.json?zoom=5").get_json()
    assert wide["total"] == found["total"] and len(wide["cells"]) <= len(found["cells"])
    one_unit = client.get("/console/operations/map.json?zoom=12&department=so-xd").get_json()
    assert 0 < one_unit["total"] < found["total"]
    assert client.get("/console/operations/map.json?category=nope").status_code == 422
    outlines = client.get("/console/operations/outlines.geojson").get_json()
    assert outlines["type"] == "FeatureCollection" and outlines["features"]


def test_a_bad_period_is_a_422_page(console, codes):
    client = console("coordinator")
    assert client.get("/console/operations?from=2026-12-01&to=2026-11-01").status_code == 422
    assert client.get("/console/operations?from=yesterday").status_code == 422


@pytest.mark.parametrize("username", ["so-xd.officer", "so-xd.head", "moderator"])
def test_other_roles_get_the_consoles_404(console, codes, username):
    client = console(username)
    for path in (
        "/console/operations",
        "/console/operations/figures",
        "/console/operations/map.json",
        "/console/operations/outlines.geojson",
    ):
        assert client.get(path).status_code == 404, path
    assert 'href="/console/operations"' not in client.get("/console/").get_data(as_text=True)
