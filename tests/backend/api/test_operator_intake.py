"""POST /staff/v1/reports: an operator files a report taken by phone for a resident."""

from __future__ import annotations

import io

from backend.db import db
from backend.models import Report
from tests.factories import NINH_KIEU, photo


def _form(**fields) -> dict:
    form = {
        "channel": "hotline",
        "category": "cap-nuoc",  # no photo needed
        "description": "Mất nước sinh hoạt từ sáng ở hẻm 12 Hai Bà Trưng",
        "lat": str(NINH_KIEU[0]),
        "lng": str(NINH_KIEU[1]),
    }
    form.update({k: v for k, v in fields.items() if v is not None})
    return {k: v for k, v in form.items() if v != ""}


def _post(client, headers, form, *, photos=(), key=None):
    data = dict(form)
    data["photos"] = [(io.BytesIO(photo(name)), name) for name in photos]
    if key:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(
        "/staff/v1/reports", data=data, headers=headers, content_type="multipart/form-data"
    )


def test_an_operator_files_a_phone_report_routed_like_the_app(client, staff, run_jobs):
    operator = staff("operator")
    answer = _post(
        client,
        operator,
        _form(
            category="giao-thong",
            description="Ổ gà lớn trước số 12 Hai Bà Trưng, người gọi báo",
            phone="0912 345 678",
            name="Chị Lan",
        ),
        photos=["DSCN0021.jpg"],
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["code"].startswith("PA-") and body["report_url"].endswith(f"/r/{body['code']}")
    assert body["channel"] == "hotline" and body["department"]["code"] == "so-xd"
    assert body["location_source"] == "map" and len(body["photos"]) == 1
    assert "reporter" not in body and "entered_by" not in body  # an operator reads as a unit
    run_jobs()
    # The public record: no operator, no phone, no name.
    public = client.get(f"/public/v1/reports/{body['code']}").get_json()
    assert public["code"] == body["code"]
    text = str(public)
    # The phone in any form (photo URLs are content hashes: "912" alone may be in one).
    assert "operator" not in text and "Lan" not in text
    assert "912345678" not in text and "0912 345" not in text
    # The coordinator reads who entered it and for whom.
    seen = client.get(f"/staff/v1/reports/{body['code']}", headers=staff("coordinator")).get_json()
    assert seen["entered_by"]["username"] == "operator"
    assert seen["reporter"]["phone"] == "+84912345678"
    # The handling unit: the channel, never who entered it or who called.
    unit = client.get(
        f"/staff/v1/reports/{body['code']}", headers=staff("so-xd.officer")
    ).get_json()
    assert unit["channel"] == "hotline" and "entered_by" not in unit and "reporter" not in unit
    assert "912345678" not in str(unit) and "0912 345" not in str(unit)
    assert "Lan" not in str(unit.get("timeline"))


def test_the_operator_lists_only_what_they_filed(client, staff, submit):
    app_code = submit().get_json()["code"]
    operator = staff("operator")
    mine = _post(client, operator, _form(channel="counter")).get_json()["code"]
    listed = client.get("/staff/v1/reports", headers=operator).get_json()
    assert [r["code"] for r in listed["items"]] == [mine]
    assert client.get(f"/staff/v1/reports/{app_code}", headers=operator).status_code == 404
    assert (
        client.get(f"/staff/v1/reports/{mine}", headers=operator).get_json()["allowed_actions"]
        == []
    )


def test_roles(client, staff):
    for username in ("so-xd.officer", "so-xd.head", "moderator"):
        refused = _post(client, staff(username), _form())
        assert refused.status_code == 403, username
    for username in ("coordinator", "admin"):
        assert _post(client, staff(username), _form()).status_code == 201, username
    assert _post(client, {}, _form()).status_code == 401


def test_validation(client, staff):
    operator = staff("operator")
    cases = {
        "channel": _form(channel="app"),
        "phone": _form(phone="12345"),
        "ward": _form(lat="", lng="", ward="nowhere"),
        "lat": _form(lat="", lng=""),
        "photos": _form(category="giao-thong"),
        "lng": _form(lng=""),
    }
    for field, form in cases.items():
        answer = _post(client, operator, form)
        assert answer.status_code == 422, (field, answer.get_json())
        assert field in answer.get_json()["error"]["fields"], (field, answer.get_json())
    assert db.session.query(Report).count() == 0


def test_a_ward_places_the_report_inside_it(client, staff):
    body = _post(
        client, staff("operator"), _form(lat="", lng="", ward="92-cai-khe", address="Chợ Cái Khế")
    ).get_json()
    assert body["admin_unit"]["code"] == "92-cai-khe"
    assert body["location_source"] == "ward" and body["location"]["address"] == "Chợ Cái Khế"


def test_idempotency_key(client, staff):
    operator = staff("operator")
    first = _post(client, operator, _form(), key="call-0001")
    again = _post(client, operator, _form(), key="call-0001")
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["code"] == first.get_json()["code"]
    assert db.session.query(Report).count() == 1
    other = _post(
        client, operator, _form(description="Another call, another pothole"), key="call-0001"
    )
    assert (
        other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    )
    # Another operator's key of the same name is theirs.
    coordinator = _post(client, staff("coordinator"), _form(), key="call-0001")
    assert coordinator.status_code == 201 and "Idempotent-Replayed" not in coordinator.headers


def test_documented(client):
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/staff/v1/reports"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"201", "403", "422", "409"} <= set(operation["responses"])
    assert "get" in spec["paths"]["/staff/v1/reports"]


def test_an_address_naming_a_ward_places_the_report(client, staff):
    operator = staff("operator")
    answer = _post(client, operator, _form(lat="", lng="", address="12 Hai Bà Trưng, p. Ninh Kiều"))
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["admin_unit"]["code"] == "92-ninh-kieu" and body["location_source"] == "ward"
    assert body["location"]["address"] == "12 Hai Bà Trưng, p. Ninh Kiều"
    refused = _post(client, operator, _form(lat="", lng="", address="12 Hai Bà Trưng"))
    error = refused.get_json()["error"]
    assert refused.status_code == 422 and error["code"] == "address_not_placed"
    assert "address" in error["fields"] and "map" in error["message"]["en"]
    several = _post(client, operator, _form(lat="", lng="", address="Cái Khế - Tân An"))
    assert "Phường Tân An" in several.get_json()["error"]["message"]["vi"]
