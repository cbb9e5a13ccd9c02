"""Attacks on residents' sessions, sign-out, account deletion and staff API sessions.

Written in review; the weaknesses they found (a replay within the grace period, an old ID
token confirming a deletion, out-of-range ids in a signed token, undocumented answers)
are fixed.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.auth import _serializer
from backend.db import commit, db, utcnow
from backend.models import Resident, ResidentSession, StaffSession, StaffUser
from backend.services import accounts
from tests.conftest import id_token

PHONE = "+84905557001"
OTHER = "+84905557002"


def _sign_in(client, phone: str = PHONE, **kwargs) -> dict:
    response = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token(phone, **kwargs)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _bearer(body_or_token) -> dict:
    token = body_or_token if isinstance(body_or_token, str) else body_or_token["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _refresh(client, token):
    return client.post("/mobile/v1/auth/refresh", json={"refresh_token": token})


def _mine(client, body) -> int:
    return client.get("/mobile/v1/reports/mine", headers=_bearer(body)).status_code


def _envelope(response) -> tuple[int, str]:
    """The status and code of an error, checking the envelope's shape on the way."""
    assert response.status_code < 500, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}, error
    assert error["status"] == response.status_code
    assert set(error["message"]) == {"vi", "en"} and all(error["message"].values())
    assert isinstance(error["fields"], dict)
    return response.status_code, error["code"]


def _age_rotation(body: dict, by: timedelta = timedelta(minutes=2)) -> None:
    session = db.session.scalars(
        select(ResidentSession).where(ResidentSession.resident_id == body["resident"]["id"])
    ).one()
    session.rotated_at = utcnow() - by
    commit()


def _forge(**payload) -> str:
    """A correctly signed token with any payload (what a leaked SECRET_KEY or a bug in
    issuing would give): the session check must still hold."""
    return _serializer().dumps(payload)


# --- refresh tokens ------------------------------------------------------------------


def test_a_refresh_token_names_its_own_resident_whoever_presents_it(client, city):
    mine, theirs = _sign_in(client), _sign_in(client, OTHER)
    response = client.post(
        "/mobile/v1/auth/refresh",
        json={"refresh_token": theirs["refresh_token"]},
        headers=_bearer(mine),
    )
    assert response.status_code == 200
    assert response.get_json()["resident"]["id"] == theirs["resident"]["id"]


def test_an_access_token_is_not_a_refresh_token_and_vice_versa(client, city):
    body = _sign_in(client)
    assert _envelope(_refresh(client, body["access_token"])) == (401, "invalid_refresh_token")
    assert (
        _envelope(client.get("/mobile/v1/reports/mine", headers=_bearer(body["refresh_token"])))[0]
        == 401
    )


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"refresh_token": 12345},
        {"refresh_token": None},
        {"refresh_token": ["a"]},
        {"refresh_token": "a", "extra": 1},
        {"refresh_token": "\x00" * 50},
        {"refresh_token": "é" * 100},
    ],
)
def test_malformed_refresh_bodies_get_the_error_envelope(client, city, body):
    if body is None:
        response = client.post(
            "/mobile/v1/auth/refresh", data="not json", content_type="application/json"
        )
    else:
        response = client.post("/mobile/v1/auth/refresh", json=body)
    status, _code = _envelope(response)
    assert status in (400, 401, 422)


def test_the_retry_grace_does_not_outlive_a_minute_after_the_first_rotation(client, city):
    first = _sign_in(client)
    assert _refresh(client, first["refresh_token"]).status_code == 200
    # Retried again and again inside the minute: each retry works...
    for _ in range(3):
        assert _refresh(client, first["refresh_token"]).status_code == 200
    # ...but the minute counts from the rotation, not from the last retry.
    _age_rotation(first)
    assert _envelope(_refresh(client, first["refresh_token"])) == (401, "refresh_token_reused")


def test_a_replayed_refresh_token_within_the_grace_minute_does_not_take_over(client, city):
    stolen = _sign_in(client)
    owner = _refresh(client, stolen["refresh_token"]).get_json()
    assert _mine(client, owner) == 200  # the owner received its answer and uses it
    thief = _refresh(client, stolen["refresh_token"])  # replayed 1 s later: "a retry"
    owner_next = _refresh(client, owner["refresh_token"])
    # Either the replay is refused (the successor was already used, so no answer was
    # lost), or the owner's refresh ends the session as stolen: never does the thief keep
    # a working session while the owner is told only "invalid".
    thief_keeps_it = (
        thief.status_code == 200
        and _refresh(client, thief.get_json()["refresh_token"]).status_code == 200
    )
    assert not (thief_keeps_it and owner_next.status_code == 401)


def test_concurrent_refreshes_of_one_token_leave_one_working_successor(app, city, committed):
    """Two (or more) refreshes of the same token at once, as an app firing parallel
    requests does: no 500, and exactly one successor goes on working."""
    body = _sign_in(app.test_client(), "+84905557009")
    barrier = threading.Barrier(4)
    answers: list = []

    def go():
        client = app.test_client()
        barrier.wait()
        answers.append(_refresh(client, body["refresh_token"]))

    threads = [threading.Thread(target=go) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers)
    assert all(s in (200, 401, 503) for s in statuses), [a.get_json() for a in answers]
    assert 200 in statuses
    successors = [a.get_json()["refresh_token"] for a in answers if a.status_code == 200]
    client = app.test_client()
    working = [t for t in successors if _refresh(client, t).status_code == 200]
    assert len(working) <= 1, working


# --- access tokens -------------------------------------------------------------------


def test_forged_access_tokens_naming_another_session_or_version_are_refused(client, city):
    mine, theirs = _sign_in(client), _sign_in(client, OTHER)
    me = db.session.get(Resident, mine["resident"]["id"])
    their_session = db.session.scalars(
        select(ResidentSession.id).where(ResidentSession.resident_id == theirs["resident"]["id"])
    ).one()
    my_session = db.session.scalars(
        select(ResidentSession.id).where(ResidentSession.resident_id == me.id)
    ).one()
    base = {"k": "resident", "id": me.id, "v": me.token_version}
    for payload in (
        base | {"s": their_session},  # another resident's session
        base | {"s": str(my_session)},  # the right id, as a string
        base | {"s": None},
        base,  # no session: a token from before sessions
        base | {"s": my_session, "v": me.token_version - 1},  # an old version
        base | {"s": my_session, "k": "staff"},
    ):
        response = client.get("/mobile/v1/reports/mine", headers=_bearer(_forge(**payload)))
        assert _envelope(response) == (401, "invalid_token"), payload
    assert _mine(client, _forge(**base, s=my_session)) == 200


def test_resident_tokens_on_staff_routes_and_staff_tokens_on_resident_routes(client, city, staff):
    resident = _bearer(_sign_in(client))
    coordinator = staff("coordinator")
    for path in ("/staff/v1/me", "/staff/v1/auth/sign-out", "/staff/v1/auth/sign-out-everywhere"):
        method = client.get if path.endswith("/me") else client.post
        assert _envelope(method(path, headers=resident))[0] == 401, path
    for path in ("/mobile/v1/auth/sign-out", "/mobile/v1/auth/sign-out-everywhere"):
        assert _envelope(client.post(path, headers=coordinator))[0] == 401, path
    response = client.post(
        "/mobile/v1/me/delete", json={"id_token": id_token(PHONE)}, headers=coordinator
    )
    assert _envelope(response)[0] == 401
    assert client.get("/staff/v1/me", headers=coordinator).status_code == 200


def test_signing_out_twice_and_without_a_token(client, city):
    body = _sign_in(client)
    assert client.post("/mobile/v1/auth/sign-out", headers=_bearer(body)).status_code == 204
    assert _envelope(client.post("/mobile/v1/auth/sign-out", headers=_bearer(body)))[0] == 401
    assert _envelope(client.post("/mobile/v1/auth/sign-out"))[0] == 401
    assert _envelope(client.post("/mobile/v1/auth/sign-out-everywhere"))[0] == 401


def test_a_signed_out_sessions_old_refresh_token_is_just_invalid(client, city):
    """After sign-out, the replaced token is not 'reused' (no second sign-out signal)."""
    body = _sign_in(client)
    fresh = _refresh(client, body["refresh_token"]).get_json()
    client.post("/mobile/v1/auth/sign-out", headers=_bearer(fresh))
    assert _envelope(_refresh(client, body["refresh_token"])) == (401, "invalid_refresh_token")


# --- locked accounts -----------------------------------------------------------------


def _lock(body: dict) -> None:
    person = db.session.get(Resident, body["resident"]["id"])
    person.locked_at = utcnow()
    person.token_version += 1
    commit()


def _flag_locked(body: dict) -> None:
    """The lock without its sign-out (as a lock set straight in the database would be)."""
    db.session.get(Resident, body["resident"]["id"]).locked_at = utcnow()
    commit()


def test_a_locked_resident_is_refused_at_sign_in_and_refresh_but_may_sign_out(client, city):
    body = _sign_in(client)
    _flag_locked(body)
    refused = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token(PHONE)})
    assert _envelope(refused) == (403, "account_locked")
    assert _envelope(client.get("/mobile/v1/reports/mine", headers=_bearer(body))) == (
        403,
        "account_locked",
    )
    assert _envelope(_refresh(client, body["refresh_token"])) == (403, "account_locked")
    # Signing out is allowed: the phone's session and push devices go.
    assert client.post("/mobile/v1/auth/sign-out", headers=_bearer(body)).status_code == 204


def test_a_locked_resident_cannot_delete_the_account(client, city):
    """The lock stays on the person: deleting it would let them start afresh at once."""
    body = _sign_in(client)
    _flag_locked(body)
    response = client.post(
        "/mobile/v1/me/delete", json={"id_token": id_token(PHONE)}, headers=_bearer(body)
    )
    assert _envelope(response) == (403, "account_locked")
    assert db.session.get(Resident, body["resident"]["id"]).deleted_at is None


# --- account deletion ----------------------------------------------------------------


def _delete(client, body, token: str | None = None):
    return client.post(
        "/mobile/v1/me/delete",
        json={"id_token": token or id_token(PHONE)},
        headers=_bearer(body),
    )


def test_deleting_twice_and_signing_in_again(client, city):
    body = _sign_in(client)
    other_phone = _sign_in(client)  # the same resident on a second phone
    assert _delete(client, body).status_code == 204
    assert _envelope(_delete(client, body)) == (401, "invalid_token")
    assert _envelope(_delete(client, other_phone)) == (401, "invalid_token")
    assert _envelope(_refresh(client, other_phone["refresh_token"])) == (
        401,
        "invalid_refresh_token",
    )
    again = _sign_in(client)
    assert again["resident"]["id"] != body["resident"]["id"]
    assert again["resident"]["phone"] == PHONE
    assert _mine(client, again) == 200
    # The old placeholder keeps nothing that names the person.
    old = db.session.get(Resident, body["resident"]["id"])
    assert (old.phone, old.display_name, old.deleted_at is not None) == (None, None, True)
    # The new account's deletion works too, and leaves a second placeholder.
    assert _delete(client, again).status_code == 204


def test_deleting_with_a_garbage_or_another_phones_id_token(client, city):
    body = _sign_in(client)
    assert _envelope(_delete(client, body, token="garbage"))[0] == 401
    assert _envelope(_delete(client, body, token=id_token(OTHER))) == (
        403,
        "reauthentication_required",
    )
    expired = id_token(PHONE, now=time.time() - 7200)
    assert _envelope(_delete(client, body, token=expired))[0] == 401
    assert _mine(client, body) == 200


def test_deletion_needs_a_recent_phone_sign_in(client, city):
    stale = id_token(PHONE, now=time.time() - 50 * 60)
    body = client.post("/mobile/v1/auth/firebase", json={"id_token": stale}).get_json()
    assert _envelope(_delete(client, body, token=stale)) == (403, "reauthentication_required")


def test_a_sign_in_racing_the_deletion_does_not_restore_the_phone(
    app, city, committed, monkeypatch
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and READ COMMITTED: PostgreSQL only")
    body = _sign_in(app.test_client(), "+84905557010")
    flushed = threading.Event()
    original = accounts.delete_resident

    def slow_delete(*args, **kwargs):
        original(*args, **kwargs)
        flushed.set()  # the deletion is written, not yet committed: the row is locked
        time.sleep(0.7)

    monkeypatch.setattr(accounts, "delete_resident", slow_delete)
    answers: dict = {}

    def delete():
        answers["delete"] = app.test_client().post(
            "/mobile/v1/me/delete",
            json={"id_token": id_token("+84905557010")},
            headers=_bearer(body),
        )

    def sign_in():
        flushed.wait(5)
        answers["sign_in"] = app.test_client().post(
            "/mobile/v1/auth/firebase", json={"id_token": id_token("+84905557010")}
        )

    threads = [threading.Thread(target=delete), threading.Thread(target=sign_in)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers["delete"].status_code == 204
    assert answers["sign_in"].status_code < 500
    db.session.expire_all()
    erased = db.session.get(Resident, body["resident"]["id"])
    assert erased.deleted_at is not None
    # The sign-in waited for the deletion (the row is locked), then found no account with
    # that uid: it opened a new, empty one instead of writing the phone back.
    assert erased.phone is None, "the deleted account got its phone number back"
    assert answers["sign_in"].status_code == 200
    assert answers["sign_in"].get_json()["resident"]["id"] != erased.id


@pytest.mark.parametrize("kind", ["resident", "staff"])
def test_a_signed_token_with_an_out_of_range_id_is_refused_not_a_500(client, city, kind):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite integers are 64-bit")
    if kind == "resident":
        body = _sign_in(client)
        person = db.session.get(Resident, body["resident"]["id"])
        payload, path = (
            {"k": kind, "id": person.id, "v": person.token_version},
            "/mobile/v1/reports/mine",
        )
    else:
        _staff_login(client)
        person = db.session.query(StaffUser).filter_by(username="coordinator").one()
        payload, path = {"k": kind, "id": person.id, "v": person.token_version}, "/staff/v1/me"
    for forged in (payload | {"s": 2**40}, payload | {"id": 2**40, "s": 1}):
        assert _envelope(client.get(path, headers=_bearer(_forge(**forged)))) == (
            401,
            "invalid_token",
        )


# --- staff API sessions --------------------------------------------------------------


def _staff_login(client, agent: str = "erp/1.0") -> str:
    response = client.post(
        "/staff/v1/auth/login",
        json={"username": "coordinator", "password": "demo"},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 200
    return response.get_json()["access_token"]


def test_staff_tokens_with_a_forged_session_are_refused(client, city):
    token = _staff_login(client)
    coordinator = db.session.query(StaffUser).filter_by(username="coordinator").one()
    other = db.session.query(StaffUser).filter(StaffUser.id != coordinator.id).first()
    foreign = db.session.scalar(select(StaffSession.id).where(StaffSession.staff_id == other.id))
    base = {"k": "staff", "id": coordinator.id, "v": coordinator.token_version}
    payloads = [base, base | {"s": "1"}]
    if foreign is not None:
        payloads.append(base | {"s": foreign})
    for payload in payloads:
        response = client.get("/staff/v1/me", headers=_bearer(_forge(**payload)))
        assert _envelope(response) == (401, "invalid_token"), payload
    assert client.get("/staff/v1/me", headers=_bearer(token)).status_code == 200


def test_the_consoles_sessions_list_shows_api_sessions_without_secrets(app, client, city):
    from tests.backend.console.conftest import console_sign_in

    token = _staff_login(client, agent="<script>alert(1)</script>")
    page = app.test_client()
    assert console_sign_in(page, "coordinator").status_code == 302
    html = page.get("/console/account").get_data(as_text=True)
    assert "API · " in html
    assert "<script>alert(1)</script>" not in html  # escaped
    assert token not in html
    # The console can only end every session at once: there is no per-row sign-out.
    assert "/console/sessions/" not in html


# --- the OpenAPI document ------------------------------------------------------------


def test_openapi_documents_the_session_routes(client, city):
    spec = client.get("/openapi.json").get_json()
    paths = spec["paths"]
    for path in (
        "/mobile/v1/auth/refresh",
        "/mobile/v1/auth/sign-out",
        "/mobile/v1/auth/sign-out-everywhere",
        "/mobile/v1/me/delete",
        "/staff/v1/auth/sign-out",
        "/staff/v1/auth/sign-out-everywhere",
    ):
        assert "post" in paths[path], path
    token = spec["components"]["schemas"]["ResidentToken"]["properties"]
    assert {"refresh_token", "refresh_expires_in", "access_token", "expires_in"} <= set(token)
    assert "422" in paths["/mobile/v1/auth/refresh"]["post"]["responses"]
    assert "422" in paths["/mobile/v1/me/delete"]["post"]["responses"]


def test_openapi_documents_account_locked_where_it_is_answered(client, city):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/mobile/v1/auth/firebase", "/mobile/v1/auth/refresh", "/mobile/v1/me/delete"):
        assert "403" in paths[path]["post"]["responses"], path


def test_a_locked_account_can_still_sign_out_but_not_sign_in(client, city):
    body = _sign_in(client, "+84905557099")
    person = db.session.get(Resident, body["resident"]["id"])
    person.locked_at = utcnow()
    commit()
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.post("/mobile/v1/auth/sign-out", headers=headers).status_code == 204
    again = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token("+84905557099")})
    assert again.status_code == 403 and again.get_json()["error"]["code"] == "account_locked"


def test_using_an_access_token_on_a_read_records_the_sessions_last_use(app, city, committed):
    client = app.test_client()
    body = _sign_in(client, "+84905557011")
    session = db.session.scalars(
        select(ResidentSession).where(ResidentSession.resident_id == body["resident"]["id"])
    ).one()
    long_ago = utcnow() - timedelta(minutes=30)
    session.last_used_at = long_ago
    commit()
    assert _mine(client, body) == 200
    db.session.expire_all()
    assert db.session.get(ResidentSession, session.id).last_used_at > long_ago
