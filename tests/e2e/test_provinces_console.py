"""The console for many provinces in a real browser: a province's coordinator sees only
their province, in the desk's rows and in its filters' choices (wards, categories);
the national administrator's desk offers both provinces' wards."""

from __future__ import annotations

import pytest

from tests.e2e.test_console import PHONE, no_sideways_scroll, sign_in
from tests.e2e.test_provinces import _codes

pytestmark = pytest.mark.e2e

VINH_LONG_WARD = "Phường Long Châu"
CAN_THO_WARD = "Phường Ninh Kiều"


def _wards(page) -> list[str]:
    return page.locator("select[name=admin_unit] option").all_text_contents()


def test_a_provinces_coordinator_sees_only_their_province_on_the_desk(
    new_page, live_server, screenshot
):
    page = new_page(**PHONE)
    sign_in(page, live_server, "vl.coordinator")
    page.goto(live_server + "/console/desk?queue=all")
    shown = set(page.locator(".report-link .code").all_inner_texts())
    assert shown
    can_tho = _codes(live_server, "can-tho")
    assert not shown & can_tho, shown & can_tho
    wards = _wards(page)
    assert VINH_LONG_WARD in wards
    assert CAN_THO_WARD not in wards, wards  # another province's wards are no choice
    no_sideways_scroll(page)
    screenshot(page, "provinces-coordinator-desk-phone")

    national = new_page()
    sign_in(national, live_server, "national.admin")
    national.goto(live_server + "/console/desk?queue=all")
    assert {VINH_LONG_WARD, CAN_THO_WARD} <= set(_wards(national))
