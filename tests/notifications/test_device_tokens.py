"""An FCM token belongs to one account at a time: it cannot be taken, it can be handed on."""

from __future__ import annotations

from datetime import datetime

from backend.db import db
from notifications.fcm import RecordingSender
from notifications.models import Device
from tests.conftest import post_json

TOKEN = "victim-phone-fcm-token-0001"


def _register(client, headers, path="/mobile/v1/devices", token=TOKEN, **extra):
    return post_json(client, headers, path, token=token, platform="android", **extra)


def _owner(token=TOKEN) -> tuple:
    device = db.session.query(Device).filter_by(token=token).one()
    return device.resident_id, device.staff_id


def test_a_token_held_by_another_account_cannot_be_taken(app, client, resident, staff, submit):
    app.config["QUIET_HOURS"] = (datetime.min.time(), datetime.min.time())  # push at once
    pushed = app.extensions["phananh_push_sender"] = RecordingSender()
    victim, attacker = resident("+84901111111"), resident("+84903333333")
    assert _register(client, victim).status_code == 201
    held = _owner()

    taken = _register(client, attacker)
    assert taken.status_code == 409
    assert taken.get_json()["error"]["code"] == "device_token_in_use"
    # Nor through the staff API, nor by "unregistering" it.
    assert _register(client, staff("so-xd.officer"), "/staff/v1/devices").status_code == 409
    assert client.delete(f"/mobile/v1/devices/{TOKEN}", headers=attacker).status_code == 204
    assert _owner() == held

    # The victim's pushes still reach the victim's phone, and nobody else's do.
    mine = submit(victim).get_json()["code"]
    submit(attacker)
    assert {(p.token, p.report_code) for p in pushed.sent} == {(TOKEN, mine)}


def test_the_same_account_refreshes_its_token(client, resident):
    alice = resident()
    assert _register(client, alice, locale="vi").status_code == 201
    again = _register(client, alice, locale="en")
    assert again.status_code == 201 and again.get_json()["locale"] == "en"
    assert db.session.query(Device).count() == 1


def test_a_family_phone_switches_accounts_after_sign_out(client, resident):
    mother, son = resident("+84901111111"), resident("+84904444444")
    assert _register(client, mother).status_code == 201
    assert client.delete(f"/mobile/v1/devices/{TOKEN}", headers=mother).status_code == 204
    assert _register(client, son).status_code == 201
    son_id = db.session.query(Device).one().resident_id
    assert son_id != _mother_id(client, mother)
    # Now the son holds it, and the mother has to wait for his sign-out in turn.
    assert _register(client, mother).status_code == 409


def _mother_id(client, headers) -> int:
    post_json(client, headers, "/mobile/v1/devices", token="mother-other-token-1", platform="ios")
    return db.session.query(Device).filter_by(token="mother-other-token-1").one().resident_id


def test_a_token_whose_holder_is_long_gone_moves_to_the_new_account(client, resident):
    """A shared phone whose first account's session expired can no longer sign out there:
    after 30 days unseen the install's new account takes the token."""
    from datetime import timedelta

    first, second = resident("+84901111111"), resident("+84903333333")
    assert _register(client, first).status_code == 201
    device = db.session.query(Device).filter_by(token=TOKEN).one()
    first_owner = _owner()
    device.last_seen_at -= timedelta(days=29)
    db.session.commit()
    assert _register(client, second).status_code == 409  # still the first account's
    device.last_seen_at -= timedelta(days=2)
    db.session.commit()
    assert _register(client, second).status_code == 201
    assert _owner() != first_owner and _owner()[0] is not None


def test_a_token_is_taken_as_fcm_issues_it(client, resident):
    headers = resident()
    for spelling in (f" {TOKEN} ", f"{TOKEN}\u200b", f"{TOKEN}\n", "fcm token with spaces"):
        refused = _register(client, headers, token=spelling)
        assert refused.status_code == 422, spelling
        assert "token" in refused.get_json()["error"]["fields"]
