"""Administrators manage staff accounts through the staff API; everyone changes their own
password; every such change ends the account's tokens."""

from __future__ import annotations

import pytest

from tests.factories import sign_in_staff

GOOD = "Cau-Rong-Can-Tho-2026"
NEW = {
    "username": "so-xd.officer9",
    "full_name": "Trần Thị D",
    "role": "department_officer",
    "unit": "so-xd",
    "password": GOOD,
}


def _error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()["error"]
    assert body["message"]["vi"] and body["message"]["en"]
    return body["code"]


def test_an_admin_creates_an_account_that_signs_in(client, staff):
    admin = staff("admin")
    made = client.post("/staff/v1/staff", json=NEW, headers=admin)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["username"] == "so-xd.officer9" and body["active"] is True
    assert body["department"]["code"] == "so-xd" and "password" not in body
    headers = sign_in_staff(client, "so-xd.officer9", GOOD)
    assert client.get("/staff/v1/me", headers=headers).get_json()["role"] == "department_officer"
    again = client.post("/staff/v1/staff", json=NEW, headers=admin)
    assert _error(again, 409) == "username_taken"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"password": "short"}, "password_too_short"),
        ({"password": "qwertyuiop"}, "password_too_common"),
        ({"password": "so-xd.officer9"}, "password_is_username"),
        ({"unit": None}, "unit_required"),
        ({"role": "moderator"}, "unit_not_allowed"),
        ({"unit": "nowhere"}, "unknown_unit"),
    ],
)
def test_a_bad_new_account_is_refused_with_its_reason(client, staff, changes, code):
    response = client.post("/staff/v1/staff", json={**NEW, **changes}, headers=staff("admin"))
    assert _error(response, 422) == code


def test_the_vietnamese_message_of_a_weak_password(client, staff):
    response = client.post(
        "/staff/v1/staff", json={**NEW, "password": "abc"}, headers=staff("admin")
    )
    message = response.get_json()["error"]["message"]
    assert message == {
        "vi": "Mật khẩu phải có ít nhất 10 ký tự.",
        "en": "The password must have at least 10 characters.",
    }


@pytest.mark.parametrize("username", ["coordinator", "moderator", "so-xd.head"])
def test_only_administrators_manage_staff(client, staff, username):
    headers = staff(username)
    assert _error(client.get("/staff/v1/staff", headers=headers), 403) == "forbidden"
    assert client.post("/staff/v1/staff", json=NEW, headers=headers).status_code == 403
    patch = client.patch("/staff/v1/staff/so-xd.officer", json={"active": False}, headers=headers)
    assert patch.status_code == 403
    reset = client.post(
        "/staff/v1/staff/so-xd.officer/password", json={"password": GOOD}, headers=headers
    )
    assert reset.status_code == 403
    assert client.get("/staff/v1/staff").status_code == 401


def test_deactivation_ends_the_token_and_reactivation_does_not_revive_it(client, staff):
    admin, officer = staff("admin"), staff("so-xd.officer")
    assert client.get("/staff/v1/me", headers=officer).status_code == 200
    off = client.patch("/staff/v1/staff/so-xd.officer", json={"active": False}, headers=admin)
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert client.get("/staff/v1/me", headers=officer).status_code in (401, 403)
    wrong = client.post(
        "/staff/v1/auth/login", json={"username": "so-xd.officer", "password": "demo"}
    )
    assert _error(wrong, 401) == "invalid_credentials"
    client.patch("/staff/v1/staff/so-xd.officer", json={"active": True}, headers=admin)
    assert client.get("/staff/v1/me", headers=officer).status_code == 401
    assert client.get("/staff/v1/me", headers=staff("so-xd.officer")).status_code == 200


def test_a_role_change_ends_the_token_and_moves_the_unit(client, staff):
    admin, officer = staff("admin"), staff("so-xd.officer")
    moved = client.patch(
        "/staff/v1/staff/so-xd.officer",
        json={"role": "department_head", "unit": "so-nnmt", "full_name": "Lê Văn E"},
        headers=admin,
    )
    body = moved.get_json()
    assert body["role"] == "department_head" and body["department"]["code"] == "so-nnmt"
    assert body["full_name"] == "Lê Văn E"
    assert client.get("/staff/v1/me", headers=officer).status_code == 401
    missing = client.patch("/staff/v1/staff/nobody", json={"active": False}, headers=admin)
    assert _error(missing, 404) == "staff_not_found"


def test_the_last_admin_cannot_step_down(client, staff):
    admin = staff("admin")
    for changes in ({"active": False}, {"role": "coordinator"}):
        response = client.patch("/staff/v1/staff/admin", json=changes, headers=admin)
        assert _error(response, 409) == "last_admin"
    assert client.get("/staff/v1/me", headers=admin).status_code == 200


def test_an_admin_resets_a_password(client, staff):
    admin, officer = staff("admin"), staff("so-xd.officer")
    path = "/staff/v1/staff/so-xd.officer/password"
    weak = client.post(path, json={"password": "1234567890"}, headers=admin)
    assert _error(weak, 422) == "password_too_common"
    assert client.post(path, json={"password": GOOD}, headers=admin).status_code == 204
    assert client.get("/staff/v1/me", headers=officer).status_code == 401
    sign_in_staff(client, "so-xd.officer", GOOD)


def test_a_person_changes_their_own_password(client, staff):
    officer = staff("so-xd.officer")
    wrong = client.post(
        "/staff/v1/me/password",
        json={"current_password": "nope", "password": GOOD},
        headers=officer,
    )
    assert _error(wrong, 422) == "wrong_current_password"
    changed = client.post(
        "/staff/v1/me/password",
        json={"current_password": "demo", "password": GOOD},
        headers=officer,
    )
    assert changed.status_code == 204
    assert client.get("/staff/v1/me", headers=officer).status_code == 401  # signed out
    old = client.post(
        "/staff/v1/auth/login", json={"username": "so-xd.officer", "password": "demo"}
    )
    assert old.status_code == 401
    sign_in_staff(client, "so-xd.officer", GOOD)


def test_the_list_filters_by_unit_role_and_active(client, staff):
    admin = staff("admin")
    client.patch("/staff/v1/staff/so-xd.officer", json={"active": False}, headers=admin)
    unit = client.get("/staff/v1/staff?unit=so-xd", headers=admin).get_json()
    assert unit and {row["department"]["code"] for row in unit} == {"so-xd"}
    off = client.get("/staff/v1/staff?active=false", headers=admin).get_json()
    assert [row["username"] for row in off] == ["so-xd.officer"]
    admins = client.get("/staff/v1/staff?role=admin", headers=admin).get_json()
    assert [row["username"] for row in admins] == ["admin"]
    bad = client.get("/staff/v1/staff?role=king", headers=admin)
    assert _error(bad, 422) == "validation_error"


def test_the_endpoints_are_documented(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert set(paths["/staff/v1/staff"]) >= {"get", "post"}
    assert "patch" in paths["/staff/v1/staff/{username}"]
    assert "post" in paths["/staff/v1/staff/{username}/password"]
    assert "post" in paths["/staff/v1/me/password"]
    assert "403" in paths["/staff/v1/staff"]["post"]["responses"]
