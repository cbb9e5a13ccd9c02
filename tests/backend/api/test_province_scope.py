"""Provinces as tenants through the staff API: a province's staff see and change only their
province (another province's report, unit, account or rule is not found); the national
administrator sees and acts in every province."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from backend.db import db
from backend.models import Department, RoutingRule
from tests.backend.services.test_provinces import VINH_LONG_SIDE

RULES = "/staff/v1/admin/routing-rules"
GOOD = "Cau-Rong-Can-Tho-2026"


@pytest.fixture
def vl_report(resident, submit):
    response = submit(resident(), lat=VINH_LONG_SIDE[0], lng=VINH_LONG_SIDE[1])
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def _vl_rule_id() -> int:
    return db.session.scalar(
        select(RoutingRule.id)
        .join(RoutingRule.department)
        .where(Department.code == "vl-so-xd")
        .order_by(RoutingRule.id)
        .limit(1)
    )


def test_another_provinces_report_is_not_found(client, staff, vl_report):
    url = f"/staff/v1/reports/{vl_report}"
    for outsider in ("admin", "coordinator", "moderator"):  # TP Cần Thơ's
        assert client.get(url, headers=staff(outsider)).status_code == 404, outsider
    refused = client.post(
        url + "/reject", json={"reason": "Không thuộc phạm vi"}, headers=staff("admin")
    )
    assert refused.status_code == 404
    for insider in ("vl.coordinator", "vl.admin", "national.admin"):
        assert client.get(url, headers=staff(insider)).status_code == 200, insider
    listed = client.get("/staff/v1/reports", headers=staff("coordinator")).get_json()["items"]
    assert vl_report not in {r["code"] for r in listed}
    own = client.get("/staff/v1/reports", headers=staff("vl.coordinator")).get_json()["items"]
    assert [r["code"] for r in own] == [vl_report]


def test_a_report_is_never_forwarded_across_provinces(client, staff, vl_report):
    national = staff("national.admin")
    across = client.post(
        f"/staff/v1/reports/{vl_report}/forward", json={"department": "so-xd"}, headers=national
    )
    assert across.status_code == 422 and across.get_json()["error"]["code"] == "unknown_department"
    answer = client.get("/staff/v1/departments", headers=staff("vl.coordinator"))
    units = {u["code"] for u in answer.get_json()}
    assert units and all(code.startswith("vl-") for code in units)


def test_an_admin_of_one_province_manages_only_its_units(client, staff):
    admin, national = staff("admin"), staff("national.admin")
    units = {u["code"] for u in client.get("/staff/v1/admin/units", headers=admin).get_json()}
    assert "so-xd" in units and not any(code.startswith("vl-") for code in units)
    renamed = client.patch("/staff/v1/admin/units/vl-so-xd", json={"name": "X"}, headers=admin)
    assert renamed.status_code == 404
    # Cannot make a unit serve another province's ward (a unit never crosses the boundary).
    body = {"code": "x-unit", "name": "Đơn vị X", "kind": "utility", "areas": ["86-long-chau"]}
    moved = client.post("/staff/v1/admin/units", json=body, headers=admin)
    assert moved.status_code == 422 and moved.get_json()["error"]["code"] == "unknown_area"
    elsewhere = client.post(
        "/staff/v1/admin/units", json={**body, "areas": [], "province": "vinh-long"}, headers=admin
    )
    assert elsewhere.status_code == 403
    mine = client.post("/staff/v1/admin/units", json={**body, "areas": []}, headers=admin)
    assert mine.status_code == 201 and mine.get_json()["province"] == "can-tho"
    # The national administrator acts in any province.
    made = client.post(
        "/staff/v1/admin/units",
        json={**body, "code": "vl-x", "areas": ["86-long-chau"]},
        headers=national,
    )
    assert made.status_code == 201 and made.get_json()["province"] == "vinh-long"
    answer = client.get("/staff/v1/admin/units", headers=national)
    everything = {u["code"] for u in answer.get_json()}
    assert {"so-xd", "vl-so-xd", "vl-x"} <= everything


def test_an_admin_of_one_province_manages_only_its_staff(client, staff):
    admin, vl_admin, national = staff("admin"), staff("vl.admin"), staff("national.admin")
    names = {s["username"] for s in client.get("/staff/v1/staff", headers=admin).get_json()}
    assert "coordinator" in names and "vl.coordinator" not in names
    assert "national.admin" not in names
    changed = client.patch("/staff/v1/staff/vl.coordinator", json={"full_name": "X"}, headers=admin)
    assert changed.status_code == 404
    new = {"username": "vl-so-xd.officer9", "full_name": "Trần Thị D", "password": GOOD}
    officer = {**new, "role": "department_officer", "unit": "vl-so-xd"}
    across = client.post("/staff/v1/staff", json=officer, headers=admin)
    assert across.status_code == 422 and across.get_json()["error"]["code"] == "unknown_unit"
    coordinator = {**new, "role": "coordinator", "province": "vinh-long"}
    assert client.post("/staff/v1/staff", json=coordinator, headers=admin).status_code == 403
    made = client.post("/staff/v1/staff", json=officer, headers=vl_admin)
    assert made.status_code == 201 and made.get_json()["province"] == "vinh-long"
    national_made = client.post(
        "/staff/v1/staff",
        json={**new, "username": "national.admin2", "role": "admin"},
        headers=national,
    )
    assert national_made.status_code == 201 and national_made.get_json()["province"] is None
    fixed = client.patch(
        "/staff/v1/staff/vl.coordinator", json={"full_name": "Lê Văn E"}, headers=national
    )
    assert fixed.status_code == 200


def test_an_admin_of_one_province_keeps_only_its_routing_rules(client, staff):
    admin, national = staff("admin"), staff("national.admin")
    rule = _vl_rule_id()
    assert client.patch(f"{RULES}/{rule}", json={}, headers=admin).status_code == 404
    listed = client.get(RULES, headers=admin).get_json()
    assert listed and rule not in {r["id"] for r in listed}
    assert client.delete(f"{RULES}/{rule}", headers=admin).status_code == 404
    foreign_unit = client.post(
        RULES, json={"category": "xay-dung", "unit": "vl-so-xd"}, headers=admin
    )
    assert foreign_unit.status_code == 422
    foreign_area = client.post(RULES, json={"area": "86-an-hoi", "unit": "so-xd"}, headers=national)
    assert foreign_area.status_code == 422  # a Cần Thơ unit for a Vĩnh Long ward
    assert client.patch(f"{RULES}/{rule}", json={}, headers=national).status_code == 200
    # "Anywhere" is per province: Vĩnh Long may have its own road rule next to Cần Thơ's.
    vl_wide = client.post(
        RULES, json={"category": "xay-dung", "unit": "vl-so-xd"}, headers=staff("vl.admin")
    )
    assert vl_wide.status_code == 201, vl_wide.get_json()


def test_the_routing_tester_refuses_another_province(client, staff):
    body = {"lat": VINH_LONG_SIDE[0], "lng": VINH_LONG_SIDE[1], "category": "giao-thong"}
    refused = client.post("/staff/v1/routing/test", json=body, headers=staff("admin"))
    assert refused.status_code == 403
    answer = client.post("/staff/v1/routing/test", json=body, headers=staff("vl.admin"))
    assert answer.status_code == 200 and answer.get_json()["unit"]["code"] == "vl-so-xd"


def test_an_admin_of_one_province_imports_only_its_boundaries(client, staff):
    wards = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ma_xa": "86-x", "ten_xa": "Phường X"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[105.95, 10.24], [105.96, 10.24], [105.96, 10.25], [105.95, 10.24]]
                    ],
                },
            }
        ],
    }

    def send(headers):
        data = {"province": "86", "file": (io.BytesIO(json.dumps(wards).encode()), "w.geojson")}
        return client.post(
            "/staff/v1/admin/boundaries",
            data=data,
            headers=headers,
            content_type="multipart/form-data",
        )

    refused = send(staff("admin"))  # TP Cần Thơ's administrator
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["code"] == "unknown_province"
    assert send(staff("vl.admin")).status_code in (200, 201)


def test_the_trends_show_the_watchers_province_only(client, staff):
    """The operations trends' units per month are the board's province's units: Vĩnh Long's
    coordinator sees Vĩnh Long's units, Cần Thơ's coordinator Cần Thơ's, and the national
    administrator every province's."""

    def units(who: str) -> set[str]:
        answer = client.get("/staff/v1/operations/trends", headers=staff(who))
        assert answer.status_code == 200, answer.get_json()
        return {u["department"]["code"] for u in answer.get_json()["monthly"]["units"]}

    vinh_long, can_tho, everyone = (
        units("vl.coordinator"),
        units("coordinator"),
        units("national.admin"),
    )
    assert vinh_long and all(code.startswith("vl-") for code in vinh_long)
    assert can_tho and not any(code.startswith("vl-") for code in can_tho)
    assert vinh_long | can_tho <= everyone


def test_the_board_of_one_province_for_national_staff(client, staff):
    """National staff may ask for one province's board; a province's staff asking for
    another province's is refused."""
    board = "/staff/v1/operations"
    everyone = client.get(board, headers=staff("national.admin")).get_json()
    one = client.get(board + "?province=vinh-long", headers=staff("national.admin")).get_json()
    own = client.get(board, headers=staff("vl.coordinator")).get_json()
    assert one["units"] == own["units"]
    assert {u["department"]["code"] for u in one["units"]} < {
        u["department"]["code"] for u in everyone["units"]
    }
    refused = client.get(board + "?province=vinh-long", headers=staff("coordinator"))
    assert refused.status_code == 403, refused.get_json()
    unknown = client.get(board + "?province=atlantis", headers=staff("national.admin"))
    assert unknown.status_code == 404, unknown.get_json()


def test_the_map_of_one_province_for_national_staff(client, staff, vl_report, resident, submit):
    assert submit(resident("+84907777771")).status_code == 201  # one in TP Cần Thơ too
    path = "/staff/v1/operations/map?zoom=8"
    every = client.get(path, headers=staff("national.admin")).get_json()["total"]
    vinh_long = client.get(path + "&province=vinh-long", headers=staff("national.admin"))
    own = client.get(path, headers=staff("vl.coordinator")).get_json()["total"]
    assert vinh_long.get_json()["total"] == own >= 1
    assert every > own
    refused = client.get(path + "&province=vinh-long", headers=staff("coordinator"))
    assert refused.status_code == 403
