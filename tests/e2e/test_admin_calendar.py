"""The administrators' catalogue in a real browser, at phone width: a calendar exception
moves a sample deadline, and a category is edited (a question added, then removed).

Other e2e tests share the live server: this one uses a window in March 2027 that no other
test touches, and puts back what it changed.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_console import PHONE, no_sideways_scroll, sign_in

pytestmark = pytest.mark.e2e
SAMPLE = "/console/admin/calendar?year=2027&start=2027-03-01T08:00&days=15"
DAY_OFF = "2027-03-03"  # a Wednesday inside the sample's 15 working days


def test_a_calendar_exception_moves_a_sample_deadline(new_page, live_server, screenshot):
    page = new_page(**PHONE)
    sign_in(page, live_server, "admin")
    page.goto(live_server + SAMPLE)
    assert page.locator(".month").count() == 12
    before = page.locator("#deadline-with").get_attribute("data-at")
    assert page.locator("#deadline-moved").get_attribute("data-days") == "0.0"
    assert before.startswith("2027-03-22T08:00")  # 15 working days after Monday 1 March 08:00

    page.fill("#f-date", DAY_OFF)
    page.select_option("#f-kind", "day_off")
    page.fill("#f-note", "Nghỉ đột xuất (thử)")
    page.click("#save-exception")
    page.locator(".flash-success").wait_for()
    assert page.locator(f"#day-{DAY_OFF}").get_attribute("class").startswith("day-extra-off")
    after = page.locator("#deadline-with").get_attribute("data-at")
    assert after.startswith("2027-03-23T08:00"), after  # Monday 22 -> Tuesday 23
    assert page.locator("#deadline-without").get_attribute("data-at") == before
    assert page.locator("#deadline-moved").get_attribute("data-days") == "1.0"
    page.locator(f"#exception-{DAY_OFF}").scroll_into_view_if_needed()
    no_sideways_scroll(page)
    page.locator("#sample").scroll_into_view_if_needed()
    screenshot(page, "console-admin-calendar", doc=True)

    page.click(f"#remove-{DAY_OFF}")
    page.locator(".flash-success").wait_for()
    assert page.locator(f"#exception-{DAY_OFF}").count() == 0
    assert page.locator("#deadline-with").get_attribute("data-at") == before


def test_an_admin_edits_a_category(new_page, live_server, screenshot):
    """The national list is the national administrator's (a province's admin reads it)."""
    page = new_page(**PHONE)
    sign_in(page, live_server, "national.admin", next_path="/console/admin/categories")
    assert page.locator("#category-chieu-sang").count() == 1
    no_sideways_scroll(page)
    page.click("#category-chieu-sang a")
    page.wait_for_url("**/console/admin/categories/chieu-sang")
    no_sideways_scroll(page)
    original = page.input_value("#f-name_en")
    page.fill("#f-name_en", original + " (edited)")
    page.click("#question-0 summary")
    page.fill("#f-q-0-code", "pole_number")
    page.select_option("#f-q-0-datatype", "string")
    page.fill("#f-q-0-description_vi", "Số hiệu cột đèn")
    page.fill("#f-q-0-description_en", "Lamp post number")
    page.click("#save-category")
    page.locator(".flash-success").wait_for()
    assert page.input_value("#f-name_en") == original + " (edited)"
    assert page.input_value("#f-q-0-code") == "pole_number"

    page.goto(live_server + "/console/admin/categories")
    row = page.locator("#category-chieu-sang")
    assert "(edited)" in row.inner_text()
    screenshot(page, "console-admin-categories", doc=True)

    # Put it back: the name, and no question.
    page.click("#category-chieu-sang a")
    page.fill("#f-name_en", original)
    page.check("#f-q-0-remove")
    page.click("#save-category")
    page.locator(".flash-success").wait_for()
    assert page.input_value("#f-name_en") == original
    assert page.locator("#f-q-0-remove").count() == 0

    # The SLA policies page, at the same width.
    page.click(".catalogue-nav a[href$='/console/admin/sla']")
    page.wait_for_url("**/console/admin/sla")
    assert page.locator("#policy-urgent-all").count() == 1
    no_sideways_scroll(page)
