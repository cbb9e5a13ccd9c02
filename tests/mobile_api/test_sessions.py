"""Residents' sessions: an hour-long access token, a refresh token rotated on every use,
sign-out of one phone or of all, and the end of a session whose refresh token was stolen."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from backend.db import commit, db, utcnow
from backend.models import Resident, ResidentSession
from backend.models.resident_session import SessionEnd
from notifications.models import Device
from tests.conftest import id_token

PHONE = "+84905550001"


def _sign_in(client, phone: str = PHONE, agent: str = "phananh-android/2.1") -> dict:
    response = client.post(
        "/mobile/v1/auth/firebase",
        json={"id_token": id_token(phone)},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _bearer(body: dict) -> dict:
    return {"Authorization": f"Bearer {body['access_token']}"}


def _refresh(client, token: str):
    return client.post("/mobile/v1/auth/refresh", json={"refresh_token": token})


def _mine(client, body: dict) -> int:
    return client.get("/mobile/v1/reports/mine", headers=_bearer(body)).status_code


def select_sessions(resident_id: int):
    return select(ResidentSession).where(ResidentSession.resident_id == resident_id)


def _code(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_sign_in_answers_an_hour_long_access_token_and_a_refresh_token(client, city):
    body = _sign_in(client)
    assert body["expires_in"] == 3600
    assert body["refresh_token"] and body["refresh_token"] != body["access_token"]
    assert body["refresh_expires_in"] == 60 * 24 * 3600
    # Only the token's hash is kept, with the app that asked.
    session = db.session.scalars(select_sessions(body["resident"]["id"])).one()
    assert body["refresh_token"] not in (session.refresh_hash, session.previous_hash)
    assert session.user_agent == "phananh-android/2.1"


def test_an_access_token_older_than_an_hour_is_refused(client, city, monkeypatch):
    issued_at = int(time.time()) - 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued_at)
    body = _sign_in(client)
    monkeypatch.undo()
    assert _code(client.get("/mobile/v1/reports/mine", headers=_bearer(body))) == (
        401,
        "invalid_token",
    )
    # The refresh token still gives a working one.
    fresh = _refresh(client, body["refresh_token"])
    assert fresh.status_code == 200, fresh.get_json()
    assert _mine(client, fresh.get_json()) == 200


def test_a_refresh_rotates_the_refresh_token(client, city):
    first = _sign_in(client)
    second = _refresh(client, first["refresh_token"]).get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["resident"]["id"] == first["resident"]["id"]
    assert _mine(client, second) == 200
    third = _refresh(client, second["refresh_token"])
    assert third.status_code == 200
    # The first one is two rotations old: just invalid.
    assert _code(_refresh(client, first["refresh_token"])) == (401, "invalid_refresh_token")


def test_a_retried_refresh_within_a_minute_still_works(client, city):
    """The answer to a refresh was lost on a bad network: the app sends it again."""
    first = _sign_in(client)
    lost = _refresh(client, first["refresh_token"]).get_json()
    retried = _refresh(client, first["refresh_token"])
    assert retried.status_code == 200, retried.get_json()
    again = retried.get_json()
    assert _mine(client, again) == 200
    assert _refresh(client, again["refresh_token"]).status_code == 200
    # The token the lost answer carried was never received: it is dropped.
    assert _code(_refresh(client, lost["refresh_token"]))[0] == 401


def test_an_old_refresh_token_used_later_ends_the_session(client, city):
    """Someone copied a refresh token and uses it after its owner refreshed."""
    stolen = _sign_in(client)
    owner = _refresh(client, stolen["refresh_token"]).get_json()
    session = db.session.scalars(select_sessions(owner["resident"]["id"])).one()
    session.rotated_at = utcnow() - timedelta(minutes=2)
    commit()
    assert _code(_refresh(client, stolen["refresh_token"])) == (401, "refresh_token_reused")
    # Ended for both: the owner's tokens stop too, and the owner signs in again.
    assert _code(_refresh(client, owner["refresh_token"])) == (401, "invalid_refresh_token")
    assert _mine(client, owner) == 401
    db.session.refresh(session)
    assert session.revoked_reason == SessionEnd.REUSED


@pytest.mark.parametrize("token", ["", "x" * 300, "not-a-refresh-token"])
def test_a_bad_refresh_token_is_refused(client, city, token):
    status, code = _code(_refresh(client, token))
    assert status in (401, 422) and code in ("invalid_refresh_token", "validation_error")


def _register_device(client, body: dict, token: str) -> None:
    response = client.post(
        "/mobile/v1/devices",
        json={"token": token, "platform": "android", "locale": "vi"},
        headers=_bearer(body),
    )
    assert response.status_code == 201, response.get_json()


def _device_tokens(resident_id: int) -> set[str]:
    return {d.token for d in db.session.query(Device).filter_by(resident_id=resident_id)}


def test_sign_out_ends_this_phone_only_and_its_pushes(client, city):
    phone_a, phone_b = _sign_in(client), _sign_in(client, agent="phananh-ios/2.1")
    _register_device(client, phone_a, "fcm-token-phone-a")
    _register_device(client, phone_b, "fcm-token-phone-b")
    response = client.post("/mobile/v1/auth/sign-out", headers=_bearer(phone_a))
    assert response.status_code == 204
    assert _mine(client, phone_a) == 401
    assert _code(_refresh(client, phone_a["refresh_token"])) == (401, "invalid_refresh_token")
    assert _mine(client, phone_b) == 200
    assert _refresh(client, phone_b["refresh_token"]).status_code == 200
    assert _device_tokens(phone_a["resident"]["id"]) == {"fcm-token-phone-b"}


def test_sign_out_everywhere_ends_every_phone(client, city):
    phone_a, phone_b = _sign_in(client), _sign_in(client)
    _register_device(client, phone_b, "fcm-token-everywhere")
    assert (
        client.post("/mobile/v1/auth/sign-out-everywhere", headers=_bearer(phone_a)).status_code
        == 204
    )
    for body in (phone_a, phone_b):
        assert _mine(client, body) == 401
        assert _code(_refresh(client, body["refresh_token"]))[0] == 401
    assert _device_tokens(phone_a["resident"]["id"]) == set()
    assert _mine(client, _sign_in(client)) == 200  # signing in again works


def test_a_locked_account_cannot_refresh_and_is_signed_out_by_the_lock(client, city):
    body = _sign_in(client)
    person = db.session.get(Resident, body["resident"]["id"])
    person.locked_at = utcnow()
    person.token_version += 1  # what the moderators' lock does
    commit()
    assert _code(_refresh(client, body["refresh_token"])) == (401, "invalid_refresh_token")
    person.locked_at = None
    commit()
    # Unlocked, the old phone's session stays ended: it signs in again.
    assert _code(_refresh(client, body["refresh_token"])) == (401, "invalid_refresh_token")


def test_a_locked_account_refreshing_is_told_it_is_locked(client, city):
    body = _sign_in(client)
    person = db.session.get(Resident, body["resident"]["id"])
    person.locked_at = utcnow()
    commit()
    assert _code(_refresh(client, body["refresh_token"])) == (403, "account_locked")
