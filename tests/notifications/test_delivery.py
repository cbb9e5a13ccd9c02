"""The outbox pushed through FCM (a real firebase-admin app against the local stand-in)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backend.db import commit, db
from notifications.delivery import deliver_due
from notifications.models import Delivery, Device, Notification


@pytest.fixture
def fcm(app, sender, standin, no_network):
    """Deliver through FcmSender (the embedded default would only record)."""
    app.config["QUIET_HOURS"] = (datetime.min.time(), datetime.min.time())
    app.extensions["phananh_push_sender"] = sender
    return standin


def _register(client, headers, token, platform="android", locale="vi"):
    response = client.post(
        "/mobile/v1/devices",
        json={"token": token, "platform": platform, "locale": locale},
        headers=headers,
    )
    assert response.status_code == 201


def test_pushed_once_with_the_tag_that_replaces_a_resend(client, resident, submit, fcm):
    """(``submit`` runs the queued jobs with a real RQ worker when Redis is configured.)"""
    headers = resident()
    _register(client, headers, "android-token-000001")
    _register(client, headers, "ios-token-0000000001", platform="ios", locale="en")
    code = submit(headers, description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    received = db.session.query(Notification).filter_by(kind="received").one()
    assert received.status == Delivery.SENT
    sent = [r.message for r in fcm.requests if r.message["data"]["kind"] == "received"]
    assert {m["token"] for m in sent} == {"android-token-000001", "ios-token-0000000001"}
    android = next(m for m in sent if m["token"].startswith("android"))
    ios = next(m for m in sent if m["token"].startswith("ios"))
    assert android["notification"]["title"] == f"Đã tiếp nhận phản ánh {code}"
    assert ios["notification"]["title"] == f"Report {code} received"
    assert android["android"]["notification"]["tag"] == str(received.id)
    assert ios["apns"]["headers"]["apns-collapse-id"] == str(received.id)
    assert android["data"]["report_code"] == code
    # Acknowledged: never sent again.
    before = len(fcm.requests)
    deliver_due(datetime.now().astimezone() + timedelta(days=1))
    assert len(fcm.requests) == before


def test_dead_tokens_are_pruned_and_throttled_ones_retried(client, resident, submit, fcm):
    headers = resident()
    _register(client, headers, "dead-token-0000000001")
    _register(client, headers, "quota-token-000000001")
    submit(headers, description="Ổ gà lớn trên đường Hai Bà Trưng")
    assert db.session.query(Device).filter_by(token="dead-token-0000000001").count() == 0
    row = db.session.query(Notification).filter_by(kind="received").one()
    assert row.status == Delivery.PENDING and row.attempts == 1
    assert row.next_attempt_at > row.created_at  # backed off
    # Later the device answers again: pushed, and done.
    db.session.query(Device).filter_by(token="quota-token-000000001").update(
        {"token": "fine-token-0000000001"}
    )
    commit()
    deliver_due(row.next_attempt_at + timedelta(seconds=1))
    db.session.expire_all()
    assert db.session.get(Notification, row.id).status == Delivery.SENT


def test_nothing_is_lost_when_the_queue_is_down(app, client, resident, submit, fcm):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nobody listens there
    app.extensions.pop("phananh_redis", None)
    headers = resident()
    _register(client, headers, "android-token-000002")
    response = submit(headers, description="Ổ gà lớn trên đường Hai Bà Trưng", run=False)
    assert response.status_code == 201  # the report is safe
    pending = db.session.query(Notification).filter_by(status=Delivery.PENDING).count()
    assert pending >= 1
    app.config["REDIS_URL"] = None  # the periodic re-dispatch, once things are back
    counts = deliver_due()
    assert counts["notifications"] == pending
    assert db.session.query(Notification).filter_by(status=Delivery.PENDING).count() == 0
