"""The public portal in a real browser: board, search, map, report, language, charts."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def wait_for_map(page) -> int:
    """The map has drawn the reports: returns how many markers it placed."""
    page.locator("#map.loaded").wait_for()
    return int(page.locator("#map").get_attribute("data-markers"))


def test_board_lists_reports_and_maps_them(page, live_server, screenshot):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Phản ánh của người dân"
    cards = page.locator("#reports > li.report-card")
    assert cards.count() == 20  # the first page
    total = int(re.match(r"\d+", page.locator("#total").inner_text()).group())
    assert total > 20
    assert wait_for_map(page) == total  # every public report, with no tile server at all
    # Clustered: close reports share a cluster icon (Leaflet.markercluster).
    assert page.locator("#map .marker-cluster").count() >= 1
    assert page.locator("#map.no-tiles").count() == 1
    # Without tiles, the city's boundary is drawn under the reports.
    page.locator("#map[data-outlines]").wait_for(state="attached")
    assert page.locator("#map path.leaflet-interactive, #map svg path").count() >= 1
    screenshot(page, "board")


def test_search_without_accents_finds_accented_reports(page, live_server, screenshot):
    page.goto(live_server + "/")
    page.fill("#q", "o ga lon giua duong")
    page.click("#apply")
    page.wait_for_url(re.compile(r"q=o\+ga\+lon\+giua\+duong"))
    descriptions = page.locator("#reports .desc").all_inner_texts()
    assert descriptions and all("Ổ gà lớn giữa đường" in d for d in descriptions)
    assert page.locator("#q").input_value() == "o ga lon giua duong"
    # The map shows the same reports as the list.
    assert wait_for_map(page) == len(descriptions)
    screenshot(page, "board-search")


def test_open_a_report(page, live_server, screenshot):
    page.goto(live_server + "/?status=closed")
    link = page.locator("#reports .report-link").first
    code = link.locator(".code").inner_text()
    link.click()
    page.wait_for_url(f"**/r/{code}")
    assert code in page.locator("h1").inner_text()
    assert page.locator("#timeline li").count() >= 3
    assert page.locator("#timeline").inner_text().startswith("Quá trình xử lý")
    assert "Hạn xử lý" in page.locator("#deadlines").inner_text()
    photos = page.locator("#photos img")
    assert photos.count() >= 1
    # The renditions really load (naturalWidth is 0 for a broken image); lazy images may
    # still be on their way when the page is ready, so wait for the first one.
    first = photos.first.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first)
    assert first.evaluate("img => img.naturalWidth") > 0
    screenshot(page, "report")


def test_switch_language_and_keep_it(page, live_server, screenshot):
    page.goto(live_server + "/")
    page.click("#lang-switch")
    page.wait_for_url("**lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Residents' reports"
    assert page.locator("label[for=q]").inner_text() == "Search (accents optional)"
    page.goto(live_server + "/departments")  # the choice is remembered
    assert page.locator("h1").inner_text() == "Handling units ranked"
    screenshot(page, "scoreboard-en")
    page.click("#lang-switch")
    assert page.locator("h1").inner_text() == "Xếp hạng đơn vị xử lý"


def test_scoreboard_and_charts_render(page, live_server, screenshot):
    page.goto(live_server + "/departments")
    rows = page.locator("#scoreboard tbody tr")
    assert rows.count() >= 10
    assert page.locator("#scoreboard tbody tr").first.locator("td").first.inner_text() == "1"
    page.locator("#scoreboard tbody th a").first.click()
    page.wait_for_url("**/departments/*")
    for chart in ("#chart-on-time", "#chart-satisfaction"):
        svg = page.locator(f"{chart} svg")
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 80
        assert svg.locator("rect").count() >= 1  # at least one month with cases
        assert svg.locator("text.axis").count() >= 12
    screenshot(page, "department")


def test_phone_layout_has_no_sideways_scroll(new_page, live_server, screenshot):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    for path in ("/", "/departments"):
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    screenshot(page, "scoreboard-phone")
