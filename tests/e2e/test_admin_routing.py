"""The routing rules page in a real browser, at phone width: an administrator adds a rule,
the tester (a click on the map) shows the new unit, and the next report submitted there
goes to that unit; the rule is deleted again and that report keeps its unit.

Other e2e tests share the live server: this one uses a category and a ward no other test
routes (illegal construction in Cái Khế), and puts the rules back as they were.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_console import PHONE, api_token, no_sideways_scroll, sign_in
from tests.factories import PHOTOS, bearer, id_token

pytestmark = pytest.mark.e2e
PAGE = "/console/admin/routing"
CAI_KHE = (10.0535, 105.7825)  # inside the demo's Phường Cái Khế
CATEGORY = "xay-dung"  # no unit of its own: the ward's People's Committee by default


def _answer(page) -> str:
    page.locator("#routing-answer").wait_for()
    return page.locator("#answer-unit").get_attribute("data-code")


def _submit(page, live_server, lat: str, lng: str) -> dict:
    signed = page.request.post(
        live_server + "/mobile/v1/auth/firebase", data={"id_token": id_token("+84907770033")}
    )
    assert signed.ok, signed.text()
    photo = PHOTOS / "DSCN0010.jpg"
    sent = page.request.post(
        live_server + "/mobile/v1/reports",
        headers=bearer(signed.json()["access_token"]),
        multipart={
            "category": CATEGORY,
            "description": "Công trình xây dựng trái phép lấn chiếm bờ kè, nhiều tuần chưa xử lý",
            "lat": lat,
            "lng": lng,
            "photos": {"name": photo.name, "mimeType": "image/jpeg", "buffer": photo.read_bytes()},
        },
    )
    assert sent.status == 201, sent.text()
    return sent.json()


def test_an_admin_adds_a_rule_the_tester_shows_it_and_the_next_report_goes_there(
    new_page, live_server, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, live_server, "admin", next_path=PAGE)
    page.wait_for_url(f"**{PAGE}")
    no_sideways_scroll(page)

    # Before: the ward's People's Committee (the area's unit for every category).
    page.fill("#test-lat", str(CAI_KHE[0]))
    page.fill("#test-lng", str(CAI_KHE[1]))
    page.select_option("#test-category", CATEGORY)
    page.click("#run-test")
    assert _answer(page) == "ubnd-cai-khe"

    # The administrator adds a rule: illegal construction in Cái Khế -> Sở Xây dựng.
    page.select_option("#new-category", CATEGORY)
    page.select_option("#new-area", "92-cai-khe")
    page.select_option("#new-unit", "so-xd")
    page.click("#add-rule")
    page.locator(".flash-success").wait_for()
    rule_id = page.url.rsplit("#rule-", 1)[1]
    assert "Sở Xây dựng" in page.locator(f"#rule-{rule_id}").inner_text()

    # The tester, by a click on the map (near the point tested before, inside the ward).
    page.fill("#test-lat", str(CAI_KHE[0]))
    page.fill("#test-lng", str(CAI_KHE[1]))
    page.select_option("#test-category", CATEGORY)
    page.click("#run-test")
    assert _answer(page) == "so-xd"
    page.fill("#test-lat", "")
    page.fill("#test-lng", "")
    box = page.locator("#routing-map").bounding_box()
    page.locator("#routing-map").click(
        position={"x": box["width"] / 2 + 15, "y": box["height"] / 2}
    )
    lat, lng = page.input_value("#test-lat"), page.input_value("#test-lng")
    assert 10.042 < float(lat) < 10.065 and 105.765 < float(lng) < 105.800, (lat, lng)
    page.select_option("#test-category", CATEGORY)
    page.click("#run-test")
    assert _answer(page) == "so-xd"
    candidates = page.locator("#answer-candidates li")
    assert candidates.count() == 1
    assert candidates.first.get_attribute("class") == "outcome-matched"
    assert "Phường Cái Khế" in page.locator("#answer-rule").inner_text()
    no_sideways_scroll(page)
    page.locator("#tester").scroll_into_view_if_needed()
    screenshot(page, "console-admin-routing", doc=True)

    # The next report submitted there goes to that unit.
    report = _submit(page, live_server, lat, lng)
    assert report["department"]["code"] == "so-xd", report

    # Put the rules back; the report already routed keeps its unit.
    page.click(f"#delete-rule-{rule_id}")  # one click deletes nothing: the box is required
    assert page.locator(f"#rule-{rule_id}").count() == 1
    page.check(f"#confirm-rule-{rule_id}")
    page.click(f"#delete-rule-{rule_id}")
    page.locator(".flash-success").wait_for()
    assert page.locator(f"#rule-{rule_id}").count() == 0
    staff = api_token(page, live_server, "coordinator")
    found = page.request.get(live_server + f"/staff/v1/reports/{report['code']}", headers=staff)
    assert found.ok and found.json()["department"]["code"] == "so-xd"
