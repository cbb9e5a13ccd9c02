"""Residents sign in with a Firebase ID token (phone sign-in), verified by firebase-admin."""

from __future__ import annotations

import time

from backend.db import commit, db, utcnow
from backend.firebase import emulator_id_token
from backend.models import Resident
from tests.conftest import id_token


def test_sign_in_creates_the_resident_once(client, city):
    token = id_token("+84903333333")
    first = client.post("/mobile/v1/auth/firebase", json={"id_token": token})
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["token_type"] == "Bearer" and body["resident"]["phone"] == "+84903333333"
    again = client.post("/mobile/v1/auth/firebase", json={"id_token": token}).get_json()
    assert again["resident"]["id"] == body["resident"]["id"]
    assert db.session.query(Resident).filter_by(phone="+84903333333").count() == 1
    me = client.get(
        "/mobile/v1/reports/mine", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200


def _error(response):
    return response.status_code, response.get_json()["error"]["code"]


def test_bad_id_tokens_are_refused(client, city):
    post = lambda token: client.post("/mobile/v1/auth/firebase", json={"id_token": token})  # noqa: E731
    assert _error(post("not-a-jwt")) == (401, "invalid_id_token")
    expired = emulator_id_token("u1", "+84901", "phananh-demo", now=time.time() - 7200)
    assert _error(post(expired)) == (401, "invalid_id_token")
    other_project = emulator_id_token("u1", "+84901", "someone-else")
    assert _error(post(other_project)) == (401, "invalid_id_token")
    no_phone = emulator_id_token("u1", "", "phananh-demo")
    assert _error(post(no_phone)) == (401, "phone_sign_in_required")
    assert _error(client.post("/mobile/v1/auth/firebase", json={})) == (422, "validation_error")


def test_api_token_is_required_and_checked(client, city, resident):
    assert _error(client.get("/mobile/v1/reports/mine")) == (401, "unauthorized")
    bad = {"Authorization": "Bearer forged.token.value"}
    assert _error(client.get("/mobile/v1/reports/mine", headers=bad)) == (401, "invalid_token")
    # A staff token is not a resident token.
    staff_token = client.post(
        "/staff/v1/auth/login", json={"username": "admin", "password": "demo"}
    ).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {staff_token}"}
    assert _error(client.get("/mobile/v1/reports/mine", headers=headers)) == (401, "invalid_token")


def test_locked_resident_cannot_report(client, resident, submit):
    headers = resident("+84904444444")
    person = db.session.query(Resident).filter_by(phone="+84904444444").one()
    person.locked_at = utcnow()
    commit()
    response = submit(headers)
    assert _error(response) == (403, "account_locked")


def test_categories_are_listed_in_both_languages(client, city):
    categories = client.get("/mobile/v1/categories").get_json()
    assert len(categories) >= 10
    lighting = next(c for c in categories if c["code"] == "chieu-sang")
    assert (
        lighting["name_vi"] == "Chiếu sáng công cộng" and lighting["name_en"] == "Street lighting"
    )


def test_simultaneous_first_sign_ins_make_one_resident(app, city, committed):
    import threading

    token = id_token("+84906666666")
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def sign_in():
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post("/mobile/v1/auth/firebase", json={"id_token": token}).status_code
        )

    threads = [threading.Thread(target=sign_in) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 4
    assert db.session.query(Resident).filter_by(phone="+84906666666").count() == 1
