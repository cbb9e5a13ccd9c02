"""Operator intake in a real browser: a phone report with a photo and a clicked place.

At phone width, against the live demo server; fails on any JavaScript error or request
off the loopback (``new_page``).
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_console import PHONE, no_sideways_scroll, reports_of, sign_in
from tests.factories import NINH_KIEU, PHOTOS

pytestmark = pytest.mark.e2e


def test_an_operator_enters_a_phone_report_with_a_photo_and_a_clicked_place(
    new_page, live_server, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, live_server, "operator")
    assert page.url.endswith("/console/intake")  # the operator's home
    no_sideways_scroll(page)

    page.select_option("#intake-channel", "hotline")
    page.fill("#intake-name", "Chị Lan")
    page.fill("#intake-phone", "0912 000 777")
    page.select_option("#intake-category", "giao-thong")
    page.fill("#intake-description", "Gọi tổng đài: ổ gà sâu giữa đường trước bến Ninh Kiều")
    page.set_input_files("#intake-photos", str(PHOTOS / "jolla.jpg"))  # a real photo, no GPS

    # Bring the wharf to the middle of the map (typing the place pans there), empty the
    # fields, then click the map: the click is what fills them.
    page.fill("#intake-lat", str(NINH_KIEU[0]))
    page.fill("#intake-lng", str(NINH_KIEU[1]))
    page.dispatch_event("#intake-lng", "change")
    page.wait_for_timeout(400)  # the pan's animation
    page.fill("#intake-lat", "")
    page.fill("#intake-lng", "")
    box = page.locator("#intake-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lat, lng = float(page.input_value("#intake-lat")), float(page.input_value("#intake-lng"))
    assert abs(lat - NINH_KIEU[0]) < 0.002 and abs(lng - NINH_KIEU[1]) < 0.002
    page.fill("#intake-address", "Bến Ninh Kiều")
    no_sideways_scroll(page)
    screenshot(page, "console-intake", doc=True)

    page.click("#intake-submit")
    page.wait_for_url(re.compile(r"/console/intake\?filed=PA-"))
    code = page.inner_text("#filed-code").strip()
    assert re.fullmatch(r"PA-\d{4}-\d{6}", code)
    assert page.inner_text("#filed-unit").strip()  # routed to a handling unit
    no_sideways_scroll(page)
    screenshot(page, "console-intake-filed")

    # Routed like an app report, with the channel; the operator reads it, acts on none.
    (filed,) = [
        r for r in reports_of(page, live_server, "operator", "page_size=100") if r["code"] == code
    ]
    assert filed["channel"] == "hotline" and filed["department"]["code"] == "so-xd"
    assert filed["location_source"] == "map" and len(filed["photos"]) == 1
    assert filed["allowed_actions"] == []

    # Public: the portal's page of the report, without the caller or the operator.
    page.click("#filed-public")
    page.wait_for_url(re.compile(rf"/r/{code}$"))
    text = page.inner_text("main")
    assert code in text
    assert "Lan" not in text and "0912" not in text and "Tổng đài" not in text
    no_sideways_scroll(page)
