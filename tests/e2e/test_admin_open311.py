"""Open311 keys in the administrators' console, in a real browser at phone width: an
administrator reaches the page through the menus, is told on the field that the name is
missing, issues a key for a client application (a double click, one key) and sees it once
with a button that copies it; the browser's reload issues no second key but a page that
says the form was used; the application posts a request with it over HTTP (201) and its
row says it was used; revoked with the "I am sure" box ticked, the same POST is refused with
a 403 in the GeoReport v2 error format. No JavaScript error, no request off the loopback
(``new_page``), no sideways scroll."""

from __future__ import annotations

import re

import pytest
import requests

from tests.e2e.test_console import PHONE, no_sideways_scroll, sign_in
from tests.factories import PHOTOS

pytestmark = pytest.mark.e2e
APPLICATION = "Ứng dụng Cần Thơ Xanh"
CONTACT = "Trần Văn Hải, hai.tran@example.com, 0909 123 456"


def _post(live_server: str, key: str) -> requests.Response:
    """What the client application sends: a request with a photo, keyed by its api_key
    (a separate HTTP client: none of the browser's cookies)."""
    return requests.post(
        live_server + "/open311/v2/requests.json",
        data={
            "api_key": key,
            "jurisdiction_id": "can-tho",
            "service_code": "giao-thong",
            "lat": "10.034",
            "long": "105.788",
            "description": "Ổ gà lớn giữa đường 30 Tháng 4, xe máy phải tránh gấp",
        },
        files={"media": ("jolla.jpg", (PHOTOS / "jolla.jpg").read_bytes(), "image/jpeg")},
        timeout=30,
    )


def test_an_admin_issues_a_key_an_application_posts_with_it_then_it_is_revoked(
    new_page, live_server, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, live_server, "admin")
    # Through the console's menu to the Administration page, then its Open311 entry.
    page.click("header nav a[href$='/console/admin']")
    page.wait_for_url(re.compile(r"/console/admin$"))
    page.click("#admin-admin_open311")
    page.wait_for_url(re.compile(r"/console/admin/open311$"))
    assert page.locator("h1").inner_text() == "Khóa Open311"
    no_sideways_scroll(page)

    # Spaces only pass the browser's "required": the server says what is missing, there.
    page.fill("#key-name", "   ")
    page.click("#issue-key")
    page.locator("#key-name-error").wait_for()
    assert page.locator("#key-name-error").inner_text() == "Hãy nhập tên ứng dụng"
    assert page.get_attribute("#key-name", "aria-invalid") == "true"

    page.fill("#key-name", APPLICATION)
    page.fill("#key-contact", CONTACT)
    page.select_option("#key-province", "can-tho")
    page.dblclick("#issue-key")  # a double click: one key, and its page
    page.locator("#new-key").wait_for()
    assert page.locator("h1").inner_text() == f"Đã cấp khóa cho {APPLICATION}"
    assert page.locator("#key-warning").is_visible()
    key = page.input_value("#new-key").strip()
    assert len(key) >= 20 and key not in page.url
    # "Sao chép" (the server's own admin-open311.js) puts the key on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.click("#copy-key")
    page.locator("#copy-key-status", has_text="Đã sao chép").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == key
    no_sideways_scroll(page)
    screenshot(page, "console-admin-open311-issued")

    # The browser's reload posts the same form again: no second key, a page that says so.
    page.reload()
    page.locator("#form-used").wait_for()
    assert page.locator("h1").inner_text() == "Biểu mẫu này đã được dùng"
    assert "hãy thu hồi nó" in page.locator("#form-used").inner_text()
    assert page.locator("#new-key").count() == 0 and key not in page.content()
    screenshot(page, "console-admin-open311-form-used")

    # The application posts with the key: 201 and the request's id.
    posted = _post(live_server, key)
    assert posted.status_code == 201, posted.text
    assert posted.json()[0]["service_request_id"]

    # Back to the list: the key is not shown again, only its prefix; its row says it was used.
    page.click("#back")
    page.wait_for_url(re.compile(r"/console/admin/open311$"))
    row = page.locator("#open311-list li", has_text=APPLICATION)
    assert row.count() == 1  # the reload issued nothing
    prefix = row.locator(".key-prefix").inner_text().rstrip("…")
    assert prefix and key.startswith(prefix) and len(prefix) < len(key)
    assert key not in page.content()
    text = row.inner_text()
    assert "dùng lần cuối" in text and "chưa dùng lần nào" not in text, text
    assert "TP Cần Thơ" in text or "Cần Thơ" in text, text
    assert CONTACT in text
    no_sideways_scroll(page)

    # One click revokes nothing: the "I am sure" box is required.
    row.locator("button[id^=revoke-]").click()
    assert page.url.endswith("/console/admin/open311")
    assert row.locator(".tag").count() == 0
    assert _post(live_server, key).status_code == 201  # still a working key

    row.locator("input[name=confirm]").check()
    row.locator("button[id^=revoke-]").click()
    page.locator(".flash-success").wait_for()
    assert f"Đã thu hồi khóa {prefix}" in page.locator(".flash-success").inner_text()
    row = page.locator("#open311-list li", has_text=APPLICATION)
    assert row.locator(".tag").inner_text() == "Đã thu hồi"
    assert page.locator("#open311-count").inner_text() == "0 đang dùng · 1 đã thu hồi"
    assert row.locator("button[id^=revoke-]").count() == 0
    assert "thu hồi" in row.locator(".meta").last.inner_text()
    no_sideways_scroll(page)
    screenshot(page, "console-admin-open311")

    refused = _post(live_server, key)
    assert refused.status_code == 403, refused.text
    errors = refused.json()
    assert isinstance(errors, list) and errors, errors
    assert errors[0]["code"] == 403 and "api_key" in errors[0]["description"], errors
