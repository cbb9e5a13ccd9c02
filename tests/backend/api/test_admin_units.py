"""Administrators manage handling units through ``/staff/v1/admin/units``."""

from __future__ import annotations

import pytest

NEW = {
    "code": "so-yt",
    "name": "Sở Y tế",
    "kind": "provincial_department",
    "supervisor": "ioc",
    "areas": ["92-ninh-kieu"],
}


def _code(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()["error"]
    assert body["message"]["vi"] and body["message"]["en"]
    return body["code"]


def test_an_admin_creates_renames_and_deactivates_a_unit(client, staff):
    admin = staff("admin")
    made = client.post("/staff/v1/admin/units", json=NEW, headers=admin)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["active"] is True and body["supervisor"]["code"] == "ioc"
    assert [a["code"] for a in body["areas"]] == ["92-ninh-kieu"]
    listed = client.get("/staff/v1/admin/units?q=y te", headers=admin).get_json()
    assert [u["code"] for u in listed] == ["so-yt"]
    changed = client.patch(
        "/staff/v1/admin/units/so-yt",
        json={"name": "Sở Y tế TP Cần Thơ", "supervisor": None, "areas": [], "active": False},
        headers=admin,
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["name"] == "Sở Y tế TP Cần Thơ" and body["active"] is False
    assert body["supervisor"] is None and body["areas"] == []
    inactive = client.get("/staff/v1/admin/units?active=false", headers=admin).get_json()
    assert "so-yt" in [u["code"] for u in inactive]
    # A deactivated unit takes no new staff member.
    account = {
        "username": "so-yt.officer",
        "full_name": "Cán bộ",
        "role": "department_officer",
        "unit": "so-yt",
        "password": "Cau-Rong-Can-Tho-2026",
    }
    assert _code(client.post("/staff/v1/staff", json=account, headers=admin), 422) == (
        "unknown_unit"
    )


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"code": "so-xd"}, 409, "unit_code_taken"),
        ({"supervisor": "nowhere"}, 422, "unknown_supervisor"),
        ({"areas": ["nowhere"]}, 422, "unknown_area"),
        ({"kind": "ministry"}, 422, "validation_error"),
        ({"code": "Sở Y Tế"}, 422, "validation_error"),
    ],
)
def test_a_bad_new_unit_is_refused(client, staff, changes, status, code):
    response = client.post("/staff/v1/admin/units", json={**NEW, **changes}, headers=staff("admin"))
    assert _code(response, status) == code


def test_loops_and_needed_units_are_refused(client, staff):
    admin = staff("admin")
    # so-xd supervises nobody; make ioc supervised by a unit ioc supervises: a loop.
    loop = client.patch(
        "/staff/v1/admin/units/ioc", json={"supervisor": "ubnd-ninh-kieu"}, headers=admin
    )
    assert _code(loop, 422) == "supervisor_loop"
    itself = client.patch(
        "/staff/v1/admin/units/so-xd", json={"supervisor": "so-xd"}, headers=admin
    )
    assert _code(itself, 422) == "supervisor_loop"
    coordinator = client.patch("/staff/v1/admin/units/ioc", json={"active": False}, headers=admin)
    assert _code(coordinator, 409) == "unit_still_needed"
    unknown = client.patch("/staff/v1/admin/units/nowhere", json={"name": "X"}, headers=admin)
    assert _code(unknown, 404) == "unit_not_found"


@pytest.mark.parametrize("username", ["coordinator", "so-xd.head", "moderator"])
def test_only_administrators(client, staff, username):
    headers = staff(username)
    assert client.get("/staff/v1/admin/units", headers=headers).status_code == 403
    response = client.post("/staff/v1/admin/units", json=NEW, headers=headers)
    assert response.status_code == 403
    patch = client.patch("/staff/v1/admin/units/so-xd", json={"name": "X"}, headers=headers)
    assert patch.status_code == 403


def test_a_deactivated_unit_gets_no_new_report(client, staff, submit):
    admin = staff("admin")
    # Ninh Kiều's People's Committee is the default unit of its ward (no category rule
    # for administrative procedures): while it is active it gets the report.
    first = submit(category="hanh-chinh", lat=10.031, lng=105.785)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["department"]["code"] == "ubnd-ninh-kieu"
    client.patch("/staff/v1/admin/units/ubnd-ninh-kieu", json={"active": False}, headers=admin)
    report = submit(category="hanh-chinh", lat=10.031, lng=105.785)
    assert report.status_code == 201, report.get_json()
    assert report.get_json()["department"]["code"] == "ioc"  # the coordinator routes it


def test_documented(client):
    spec = client.get("/openapi.json").get_json()
    assert {"get", "post"} <= set(spec["paths"]["/staff/v1/admin/units"])
    assert "patch" in spec["paths"]["/staff/v1/admin/units/{code}"]
