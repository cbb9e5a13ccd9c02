"""A resident deletes the account: the identity is erased, the reports stay public."""

from __future__ import annotations

from backend.db import db
from backend.models import IdempotencyKey, Resident
from notifications.models import Device, Notification
from tests.conftest import id_token

PHONE = "+84905550002"


def _sign_in(client, phone: str = PHONE) -> dict:
    body = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token(phone)}).get_json()
    return body


def _bearer(body: dict) -> dict:
    return {"Authorization": f"Bearer {body['access_token']}"}


def _delete(client, body: dict, phone: str = PHONE):
    return client.post(
        "/mobile/v1/me/delete", json={"id_token": id_token(phone)}, headers=_bearer(body)
    )


def test_deleting_the_account_erases_the_identity_and_keeps_the_report(client, staff, submit):
    body = _sign_in(client)
    client.post(
        "/mobile/v1/devices",
        json={"token": "fcm-deleted-person", "platform": "android", "locale": "vi"},
        headers=_bearer(body),
    )
    created = submit(_bearer(body) | {"Idempotency-Key": "deletion-test-1"})
    assert created.status_code == 201, created.get_json()
    code, resident_id = created.get_json()["code"], body["resident"]["id"]
    assert db.session.query(Notification).filter_by(resident_id=resident_id).count() >= 1

    assert _delete(client, body).status_code == 204

    person = db.session.get(Resident, resident_id)
    assert person.deleted_at is not None
    assert (person.phone, person.display_name) == (None, None)
    assert PHONE.lstrip("+") not in person.firebase_uid
    assert db.session.query(Device).filter_by(resident_id=resident_id).count() == 0
    assert db.session.query(Notification).filter_by(resident_id=resident_id).count() == 0
    assert db.session.query(IdempotencyKey).filter_by(resident_id=resident_id).count() == 0
    # Every token stops.
    assert client.get("/mobile/v1/reports/mine", headers=_bearer(body)).status_code == 401
    refresh = client.post("/mobile/v1/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert refresh.status_code == 401
    # The report stays public, and the oversight roles see that its reporter is gone.
    public = client.get(f"/public/v1/reports/{code}")
    assert public.status_code == 200
    oversight = client.get(f"/staff/v1/reports/{code}", headers=staff("coordinator")).get_json()
    assert oversight["reporter"]["phone"] is None and oversight["reporter"]["deleted_at"]
    assert PHONE not in client.get(
        f"/staff/v1/reports/{code}", headers=staff("coordinator")
    ).get_data(as_text=True)
    # The same phone signing in again gets a new, empty account.
    again = _sign_in(client)
    assert again["resident"]["id"] != resident_id
    mine = client.get("/mobile/v1/reports/mine", headers=_bearer(again)).get_json()
    assert mine["items"] == []


def test_deleting_needs_a_fresh_sign_in_of_the_same_phone(client, city):
    body = _sign_in(client)
    refused = _delete(client, body, phone="+84905550999")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "reauthentication_required"
    missing = client.post("/mobile/v1/me/delete", json={}, headers=_bearer(body))
    assert missing.status_code == 422
    assert db.session.get(Resident, body["resident"]["id"]).deleted_at is None
    assert client.get("/mobile/v1/reports/mine", headers=_bearer(body)).status_code == 200
