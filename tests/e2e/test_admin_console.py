"""The administrators' console in a real browser, at phone width: an administrator creates
a handling unit and a staff member of it; a bad boundary file is refused with its
problems listed and nothing changes. No JavaScript error, no request off the loopback
(``new_page``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.test_console import PHONE, api_token, no_sideways_scroll, sign_in

pytestmark = pytest.mark.e2e
FIXTURES = Path(__file__).parents[1] / "fixtures" / "geo"


def test_an_admin_creates_a_unit_and_a_staff_member(new_page, live_server, screenshot):
    page = new_page(**PHONE)
    sign_in(page, live_server, "admin", next_path="/console/admin")
    page.click("#admin-admin_units")
    page.wait_for_url(re.compile(r"/console/admin/units$"))
    page.locator("#new-unit summary").click()
    page.fill("#new-code", "so-yt")
    page.fill("#new-name", "Sở Y tế")
    page.select_option("#new-kind", "provincial_department")
    page.select_option("#new-supervisor", "ioc")
    page.check("#new-unit input[name=areas][value='92-ninh-kieu']")
    page.click("#create-unit")
    page.wait_for_url(re.compile(r"/console/admin/units/so-yt$"))
    assert "so-yt" in page.locator(".flash-success").inner_text()
    no_sideways_scroll(page)

    page.goto(live_server + "/console/admin/units?q=so")
    assert page.locator("#unit-list li", has_text="Sở Y tế").count() == 1
    no_sideways_scroll(page)
    screenshot(page, "console-admin-units", doc=True)

    page.goto(live_server + "/console/admin/staff/new")
    page.fill("#new-username", "so-yt.officer")
    page.fill("#new-full_name", "Phạm Thị Y")
    page.select_option("#new-role", "department_officer")
    page.select_option("#new-unit", "so-yt")
    page.fill("#new-password", "short")  # refused: the input stays, the reason is shown
    page.click("#create-staff")
    assert page.locator("#form-error").is_visible()
    assert page.input_value("#new-username") == "so-yt.officer"
    assert page.input_value("#new-unit") == "so-yt"
    page.fill("#new-password", "Cau-Rong-Can-Tho-2026")
    page.click("#create-staff")
    page.wait_for_url(re.compile(r"/console/admin/staff/so-yt\.officer$"))
    no_sideways_scroll(page)

    staff = page.request.get(
        live_server + "/staff/v1/staff?unit=so-yt", headers=api_token(page, live_server, "admin")
    ).json()
    assert [s["username"] for s in staff] == ["so-yt.officer"]
    page.goto(live_server + "/console/admin/staff?q=y")
    no_sideways_scroll(page)
    screenshot(page, "console-admin-staff", doc=True)


def test_a_bad_boundary_file_is_refused_and_nothing_changes(new_page, live_server, screenshot):
    page = new_page(**PHONE)
    sign_in(page, live_server, "admin", next_path="/console/admin/boundaries")
    province = page.locator("#province-list li", has_text="92")
    before = province.inner_text()
    page.set_input_files("#b-file", str(FIXTURES / "can-tho-wards-bad.geojson"))
    page.check("#b-replace")
    page.click("#import-boundaries")
    problems = page.locator("#problems li")
    problems.first.wait_for()
    assert problems.count() == 4
    kinds = {problems.nth(i).get_attribute("data-kind") for i in range(4)}
    assert kinds == {"invalid_geometry", "duplicate_code", "missing_name", "outside_province"}
    assert "tự cắt nhau tại kinh độ" in page.locator("#problems").inner_text()
    assert page.locator("#form-error").is_visible()
    assert page.is_checked("#b-replace")  # the choices made are kept
    no_sideways_scroll(page)
    screenshot(page, "console-admin-boundaries", doc=True)
    page.goto(live_server + "/console/admin/boundaries")
    assert page.locator("#province-list li", has_text="92").inner_text() == before
