"""The staff API's SLA policies and calendar per province: a province's administrator keeps
their province's, a national one the national list or a named province's."""

from __future__ import annotations

from datetime import date

import pytest

from backend.domain.roles import Role
from backend.services import sla
from tests.backend.services.two_provinces import staff, two_provinces
from tests.factories import sign_in_staff

POLICY = {"severity": "normal", "accept_hours": 4, "handle_days": 6, "publish_days": 1}


@pytest.fixture
def admins(client, city):
    provinces = two_provinces()
    staff("vl-test.admin", Role.ADMIN, provinces.vinh_long)
    staff("national-test.admin", Role.ADMIN, None)
    return (
        provinces,
        sign_in_staff(client, "vl-test.admin"),
        sign_in_staff(client, "national-test.admin"),
    )


def test_a_province_admin_sets_its_own_exception_and_policy(client, admins):
    provinces, vl_admin, _ = admins
    put = client.put(
        "/staff/v1/admin/calendar/exceptions/2026-12-10",
        json={"kind": "day_off", "note": "Nghỉ của tỉnh"},
        headers=vl_admin,
    )
    assert put.status_code == 200, put.get_json()
    assert not sla.working_calendar(provinces.vinh_long.id).is_working_day(date(2026, 12, 10))
    assert sla.working_calendar(provinces.can_tho.id).is_working_day(date(2026, 12, 10))
    year = client.get("/staff/v1/admin/calendar?year=2026", headers=vl_admin).get_json()
    assert {
        "date": "2026-12-10",
        "kind": "day_off",
        "note": "Nghỉ của tỉnh",
        "scope": "province",
    } in year["exceptions"]
    policy = client.post("/staff/v1/admin/sla-policies", json=POLICY, headers=vl_admin)
    assert policy.status_code == 201 and policy.get_json()["source"] == "province_policy"
    listed = client.get("/staff/v1/admin/sla-policies", headers=vl_admin).get_json()
    assert any(p["handle_days"] == 6 and p["source"] == "province_policy" for p in listed)


def test_another_province_is_forbidden_and_a_national_admin_may_name_one(client, admins):
    provinces, vl_admin, national = admins
    other = client.get("/staff/v1/admin/calendar?province=can-tho", headers=vl_admin)
    assert other.status_code == 403
    refused = client.put(
        "/staff/v1/admin/calendar/exceptions/2026-12-10?province=can-tho",
        json={"kind": "day_off"},
        headers=vl_admin,
    )
    assert refused.status_code == 403
    assert sla.working_calendar(provinces.can_tho.id).is_working_day(date(2026, 12, 10))
    named = client.put(
        "/staff/v1/admin/calendar/exceptions/2026-12-10?province=vinh-long",
        json={"kind": "day_off"},
        headers=national,
    )
    assert named.status_code == 200, named.get_json()
    assert not sla.working_calendar(provinces.vinh_long.id).is_working_day(date(2026, 12, 10))
    assert sla.working_calendar().is_working_day(date(2026, 12, 10))  # not national
    unknown = client.get("/staff/v1/admin/sla-policies?province=atlantis", headers=national)
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "province_not_found"
