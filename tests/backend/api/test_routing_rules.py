"""The routing rules and the tester through the staff API: roles, validation, errors in
the envelope, the audit log, and the documentation in /openapi.json."""

from __future__ import annotations

import pytest

from tests.conftest import HOAN_KIEM, NINH_KIEU

RULES = "/staff/v1/admin/routing-rules"
TEST = "/staff/v1/routing/test"


def _error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()["error"]
    assert body["status"] == status and body["message"]["vi"] and body["message"]["en"]
    return body["code"]


def test_an_admin_adds_changes_and_deletes_a_rule(client, staff):
    admin = staff("admin")
    made = client.post(
        RULES, json={"category": "xay-dung", "area": "92-ninh-kieu", "unit": "so-xd"}, headers=admin
    )
    assert made.status_code == 201, made.get_json()
    rule = made.get_json()
    assert rule["category"]["code"] == "xay-dung" and rule["category"]["name_en"]
    assert rule["area"] == {"code": "92-ninh-kieu", "name": "Phường Ninh Kiều", "kind": "ward"}
    assert rule["unit"]["code"] == "so-xd" and rule["unit"]["active"] is True
    listed = client.get(RULES, query_string={"category": "xay-dung"}, headers=admin).get_json()
    assert [r["id"] for r in listed] == [rule["id"]]

    changed = client.patch(f"{RULES}/{rule['id']}", json={"area": None}, headers=admin)
    assert changed.status_code == 200 and changed.get_json()["area"] is None
    assert client.delete(f"{RULES}/{rule['id']}", headers=admin).status_code == 204
    assert _error(client.delete(f"{RULES}/{rule['id']}", headers=admin), 404) == (
        "routing_rule_not_found"
    )

    audit = client.get(
        "/staff/v1/audit", query_string={"action": "routing_rule_changed"}, headers=admin
    ).get_json()
    items = audit["items"] if isinstance(audit, dict) else audit
    assert [e["detail"]["op"] for e in items] == ["deleted", "updated", "created"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"unit": "so-xd"}, 422, "rule_needs_category_or_area"),
        ({"category": "no-such", "unit": "so-xd"}, 422, "unknown_category"),
        ({"area": "no-such", "unit": "so-xd"}, 422, "unknown_area"),
        ({"category": "xay-dung", "unit": "no-such"}, 422, "unknown_unit"),
        ({"category": "xay-dung"}, 422, "validation_error"),
        ({"category": 5, "unit": "so-xd"}, 422, "validation_error"),
        ({"category": "giao-thong", "unit": "ca-tp"}, 409, "duplicate_routing_rule"),
    ],
)
def test_bad_rules_are_refused_in_the_envelope(client, staff, body, status, code):
    admin = staff("admin")
    count = len(client.get(RULES, headers=admin).get_json())
    assert _error(client.post(RULES, json=body, headers=admin), status) == code
    assert len(client.get(RULES, headers=admin).get_json()) == count


def test_roles(client, staff):
    coordinator, officer = staff("coordinator"), staff("so-xd.officer")
    assert client.get(RULES, headers=coordinator).status_code == 200
    body = {"category": "xay-dung", "unit": "so-xd"}
    assert _error(client.post(RULES, json=body, headers=coordinator), 403) == "forbidden"
    first = client.get(RULES, headers=coordinator).get_json()[0]["id"]
    assert _error(client.patch(f"{RULES}/{first}", json={}, headers=coordinator), 403)
    assert _error(client.delete(f"{RULES}/{first}", headers=coordinator), 403)
    for headers in (officer, staff("moderator")):
        assert _error(client.get(RULES, headers=headers), 403) == "forbidden"
        here = {"lat": NINH_KIEU[0], "lng": NINH_KIEU[1], "category": "giao-thong"}
        assert _error(client.post(TEST, json=here, headers=headers), 403) == "forbidden"
    assert _error(client.get(RULES), 401)


def test_an_unknown_filter_is_refused(client, staff):
    response = client.get(RULES, query_string={"colour": "red"}, headers=staff("admin"))
    assert _error(response, 422) == "validation_error"


def test_the_tester_says_where_and_why(client, staff):
    here = {"lat": NINH_KIEU[0], "lng": NINH_KIEU[1], "category": "giao-thong"}
    response = client.post(TEST, json=here, headers=staff("coordinator"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["area"]["code"] == "92-ninh-kieu"
    assert [u["code"] for u in body["chain"]] == ["92-ninh-kieu", "92"]
    assert body["unit"]["code"] == "so-xd" and body["to_coordinator"] is False
    assert body["matched"]["step"] == "category_anywhere"
    assert body["matched"]["rule"]["unit"]["code"] == "so-xd"
    assert [c["outcome"] for c in body["candidates"]] == ["no_rule", "no_rule", "matched"]
    assert body["candidates"][0]["area"]["code"] == "92-ninh-kieu"


def test_the_tester_shows_a_new_rule(client, staff):
    admin = staff("admin")
    rule = {"category": "giao-thong", "area": "92-ninh-kieu", "unit": "ubnd-ninh-kieu"}
    assert client.post(RULES, json=rule, headers=admin).status_code == 201
    here = {"lat": NINH_KIEU[0], "lng": NINH_KIEU[1], "category": "giao-thong"}
    body = client.post(TEST, json=here, headers=admin).get_json()
    assert body["unit"]["code"] == "ubnd-ninh-kieu" and body["matched"]["step"] == "category_area"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (
            {"lat": HOAN_KIEM[0], "lng": HOAN_KIEM[1], "category": "giao-thong"},
            "province_not_served",
        ),
        ({"lat": 9.0, "lng": 108.5, "category": "giao-thong"}, "outside_service_area"),
        ({"lat": NINH_KIEU[0], "lng": NINH_KIEU[1], "category": "no-such"}, "unknown_category"),
        ({"lat": 91, "lng": NINH_KIEU[1], "category": "giao-thong"}, "validation_error"),
        ({"lat": NINH_KIEU[0], "category": "giao-thong"}, "validation_error"),
    ],
)
def test_the_testers_refusals(client, staff, body, code):
    assert _error(client.post(TEST, json=body, headers=staff("admin")), 422) == code


def test_documented_in_openapi(client):
    spec = client.get("/openapi.json").get_json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths[RULES])
    assert {"patch", "delete"} <= set(paths[RULES + "/{rule_id}"])
    assert "422" in paths[TEST]["post"]["responses"]
    assert "409" in paths[RULES]["post"]["responses"]
