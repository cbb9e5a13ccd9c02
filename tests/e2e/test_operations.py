"""The operations page in a real browser, at phone width: the figures equal the public
statistics for the same period, the map draws the open reports, and the minute refresh
replaces the figures, the map's cells and its summary (shortened here with ``?refresh=2``)
without adding to the page."""

from __future__ import annotations

import pytest

from tests.e2e.test_console import PHONE, no_sideways_scroll, sign_in

pytestmark = pytest.mark.e2e


def _today(page) -> str:
    return page.evaluate(
        "new Intl.DateTimeFormat('en-CA', {timeZone: 'Asia/Ho_Chi_Minh'}).format(new Date())"
    )


def test_the_operations_page_equals_the_public_statistics(new_page, live_server, screenshot):
    page = new_page(**PHONE)
    sign_in(page, live_server, "coordinator", next_path="/console/operations")
    start = page.locator("#ops-figures").get_attribute("data-refresh-url")
    assert start.startswith("/console/operations/figures")
    # A month of the demo's reports: the figures equal /public/v1/stats for that period.
    today = _today(page)
    first = today[:8] + "01"
    page.goto(f"{live_server}/console/operations?from={first}&to={today}&refresh=2")
    stats = page.request.get(f"{live_server}/public/v1/stats?from={first}&to={today}").json()
    received = page.locator('[data-figure="received"]').inner_text()
    assert received == str(stats["figures"]["received"])
    assert page.locator('[data-figure="resolved"]').inner_text() == str(
        stats["figures"]["resolved"]
    )
    # The map draws the open reports' cells on the boundaries, with no tile server.
    page.wait_for_selector("#ops-map.loaded")
    assert int(page.locator("#ops-map").get_attribute("data-total")) >= 1
    page.wait_for_selector("#ops-map[data-outlines]")
    # The figures refresh by themselves: the section is replaced, never added to.
    page.wait_for_selector('#ops-figures[data-refreshes="2"]', state="attached", timeout=15000)
    assert page.locator("#ops-figures").count() == 1
    assert page.locator('[data-figure="received"]').count() == 1
    assert page.locator('[data-figure="received"]').inner_text() == received
    # ... and so do the map's cells and its summary: the marker layer is replaced (one
    # marker per cell, however many reloads), the view is kept.
    page.wait_for_function(
        "parseInt(document.getElementById('ops-map').dataset.refreshedLoads || '0', 10) >= 2",
        timeout=15000,
    )
    cells = int(page.locator("#ops-map").get_attribute("data-cell-count"))
    assert int(page.locator("#ops-map").get_attribute("data-markers")) == cells
    assert page.locator("#ops-map .leaflet-interactive").count() == cells
    total = page.locator("#ops-map").get_attribute("data-total")
    assert page.locator("#ops-map-summary").inner_text().startswith(total + " ")
    # A cell with reports in several states shows each state's count.
    for label in page.locator("#ops-map .ops-cell").all():
        assert len(label.inner_text().split("·")) == 3
    no_sideways_scroll(page)
    screenshot(page, "console-operations-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)
    screenshot(page, "console-operations", doc=True)


def test_an_officer_has_no_operations_page(new_page, live_server):
    page = new_page(**PHONE)
    sign_in(page, live_server, "so-xd.officer")
    assert page.locator('a[href="/console/operations"]').count() == 0
    answer = page.goto(f"{live_server}/console/operations")
    assert answer.status == 404
