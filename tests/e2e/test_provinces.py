"""Many provinces in a real browser, at phone width: /provinces ranks the hosted
provinces, a province's link opens its own board with only its reports, and the switcher
goes to the other province; no JavaScript error and nothing off the loopback (the
``new_page`` fixture fails the test otherwise)."""

from __future__ import annotations

import json
import re
from urllib.request import urlopen

import pytest

from tests.e2e.test_portal import wait_for_map

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _codes(live_server: str, province: str) -> set[str]:
    """Every public report of a province, from the public API (all pages)."""
    codes, page = set(), 1
    while True:
        with urlopen(
            f"{live_server}/public/v1/reports?province={province}&page_size=100&page={page}"
        ) as r:
            body = json.load(r)
        codes |= {item["code"] for item in body["items"]}
        if len(body["items"]) < 100:
            return codes
        page += 1


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (page.url, width)


def test_provinces_ranking_to_one_provinces_board(new_page, live_server, screenshot):
    page = new_page(**PHONE)
    page.goto(live_server + "/provinces")
    assert page.locator("h1").inner_text() == "Xếp hạng tỉnh, thành phố"
    rows = page.locator("#provinces tbody tr")
    slugs = [rows.nth(i).get_attribute("data-province") for i in range(rows.count())]
    assert {"can-tho", "vinh-long"} <= set(slugs)
    assert page.locator("#chart-provinces svg rect").count() >= 1
    _no_sideways_scroll(page)
    screenshot(page, "provinces-phone", doc=True)

    page.locator('#provinces tr[data-province="vinh-long"] a.province-link').click()
    page.wait_for_url("**/p/vinh-long/")
    assert page.locator("#province-switch summary").inner_text().strip().endswith("Vĩnh Long")
    own, other = _codes(live_server, "vinh-long"), _codes(live_server, "can-tho")
    assert own and other and not own & other
    shown = set(page.locator("#reports .report-link .code").all_inner_texts())
    assert shown and shown <= own
    total = int(re.match(r"\d+", page.locator("#total").inner_text()).group())
    assert total == len(own)
    assert wait_for_map(page) == len(own)  # the map draws this province's reports only
    _no_sideways_scroll(page)
    screenshot(page, "province-board-phone", doc=True)

    # The switcher (no script: a <details> list of links) goes to the other province.
    page.locator("#province-switch summary").click()
    page.locator('#province-switch a[data-province="can-tho"]').click()
    page.wait_for_url("**/p/can-tho/")
    shown = set(page.locator("#reports .report-link .code").all_inner_texts())
    assert shown and shown <= other
    # A report's page names its province and leads back to its board.
    page.locator("#reports .report-link").first.click()
    page.wait_for_url(re.compile(r"/r/"))
    assert "Cần Thơ" in page.locator("#report-province").inner_text()
    _no_sideways_scroll(page)
