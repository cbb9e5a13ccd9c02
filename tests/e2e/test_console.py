"""The staff console in a real browser: each role's main path, at desktop and phone width.

Every test signs in through the form (session cookie, CSRF token) against the live demo
server, and fails on any JavaScript error or request off the loopback (``new_page``).
"""

from __future__ import annotations

import re

import pytest

from tests.factories import PHOTOS

pytestmark = pytest.mark.e2e
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def sign_in(page, live_server, username: str, password: str = "demo", next_path: str = ""):
    page.goto(live_server + "/console/login" + (f"?next={next_path}" if next_path else ""))
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/console/(?!login)"))


def api_token(page, live_server, username: str) -> dict:
    answer = page.request.post(
        live_server + "/staff/v1/auth/login", data={"username": username, "password": "demo"}
    )
    assert answer.ok, answer.text()
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


def reports_of(page, live_server, username: str, query: str) -> list[dict]:
    answer = page.request.get(
        live_server + "/staff/v1/reports?" + query, headers=api_token(page, live_server, username)
    )
    assert answer.ok, answer.text()
    return answer.json()["items"]


def open_form(page, action: str) -> None:
    """Unfold an action's form (the first one on the page is unfolded already)."""
    form = page.locator(f"details#form-{action}")
    if form.get_attribute("open") is None:
        form.locator("summary").click()


def no_sideways_scroll(page, width: int = 390) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (page.url, scroll)


def test_an_officer_accepts_starts_and_resolves_with_an_after_photo(page, live_server, screenshot):
    waiting = reports_of(page, live_server, "coordinator", "status=assigned&page_size=100")
    waiting = [r for r in waiting if not r.get("accepted_at") and r["department"]]
    assert waiting, "the demo has a report a unit has not accepted yet"
    code, unit = waiting[0]["code"], waiting[0]["department"]["code"]
    sign_in(page, live_server, f"{unit}.officer", next_path=f"/console/reports/{code}")
    assert page.locator("h1").inner_text().startswith(code)
    assert page.locator("#mini-map.leaflet-container").count() == 1  # Leaflet drew the map
    screenshot(page, "console-report", doc=True)

    page.click("#form-accept button")
    assert "flash-success" in page.locator(".flashes").inner_html()
    open_form(page, "start")
    page.fill("#start-note", "Đã cử cán bộ ra hiện trường.")
    page.click("#form-start button[type=submit]")
    page.locator("#status").filter(has_text="Đang xử lý").wait_for()
    open_form(page, "resolve")
    page.fill("#resolve-response", "Đã vá xong ổ gà, mặt đường đã thông thoáng.")
    page.set_input_files("#resolve-photos", str(PHOTOS / "DSCN0010.jpg"))
    page.click("#form-resolve button[type=submit]")
    page.locator("#status").filter(has_text="Đã xử lý").wait_for()
    assert page.locator("#photos-after img").count() == 1

    # What the public reads now: the answer and the after-photo.
    page.goto(live_server + f"/r/{code}")
    assert "Đã vá xong ổ gà" in page.locator("#response").inner_text()
    after = page.locator("#photos img").last.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=after)


def test_sign_out_ends_the_session(page, live_server):
    sign_in(page, live_server, "coordinator")
    page.click(".who summary")
    page.click("#sign-out")
    page.wait_for_url("**/console/login")
    page.goto(live_server + "/console/account")
    page.wait_for_url(re.compile(r"/console/login\?next="))


def test_a_wrong_password_says_so(page, live_server, screenshot):
    page.goto(live_server + "/console/login")
    page.fill("#username", "coordinator")
    page.fill("#password", "wrong")
    page.click("form.stack button[type=submit]")
    assert page.locator("#login-error").is_visible()
    screenshot(page, "console-login", doc=True)


def test_the_report_page_at_phone_width(new_page, live_server, screenshot):
    page = new_page(**PHONE)
    code = reports_of(page, live_server, "so-xd.officer", "page_size=1")[0]["code"]
    sign_in(page, live_server, "so-xd.officer", next_path=f"/console/reports/{code}")
    no_sideways_scroll(page)
    screenshot(page, "console-report-phone", doc=True)


def test_the_forward_form_searches_the_units_without_accents(page, live_server):
    code = reports_of(page, live_server, "coordinator", "status=assigned&page_size=1")[0]["code"]
    sign_in(page, live_server, "coordinator", next_path=f"/console/reports/{code}")
    open_form(page, "forward")
    page.fill("#forward-search", "cong an")
    visible = page.locator("#forward-department option:not([hidden])").evaluate_all(
        "os => os.filter(o => o.value).map(o => o.textContent)"
    )
    assert visible and all("Công an" in text for text in visible), visible
    chosen = page.locator("#forward-department").input_value()
    assert chosen == "ca-tp"


def test_the_desk_exports_its_queue_as_csv_from_a_real_server(page, live_server):
    # A real server ends the request's database session before a streamed body is read
    # (the test client's shared session cannot show that): every row must still come.
    sign_in(page, live_server, "coordinator")
    expected = reports_of(page, live_server, "coordinator", "queue=open&page_size=1")
    answer = page.request.get(live_server + "/console/desk.csv?queue=open")
    assert answer.ok
    body = answer.body().decode("utf-8")
    assert body.startswith("\ufeff")
    lines = [line for line in body.splitlines() if line.strip()]
    assert len(lines) - 1 == int(answer.headers["x-export-rows"]) > 0
    assert expected[0]["code"] in body
