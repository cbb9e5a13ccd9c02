"""FcmSender against the local stand-in: real firebase-admin, real HTTP, no network."""

from __future__ import annotations

import logging
import socket

import firebase_admin
import pytest
from firebase_admin import messaging

from notifications.fcm import MAX_BATCH, FcmSender, Push, RecordingSender, SendResult
from tests.notifications.conftest import PROJECT, new_app
from tests.notifications.standin import write_service_account

CODE = "PA-2026-000051"

pytestmark = pytest.mark.usefixtures("no_network")


def push(notification_id=41, token="android-token-1", platform="android", **overrides) -> Push:
    fields = {
        "title": "Phản ánh PA-2026-000051 đang được xử lý",
        "body": "Sở Xây dựng đã cử đội thi công.",
        "report_code": CODE,
        "urgent": True,
        "data": {"kind": "status_changed"},
    }
    fields.update(overrides)
    return Push(notification_id=notification_id, token=token, platform=platform, **fields)


def free_port() -> int:
    """A port nothing listens on (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_android_push_reaches_fcm_exactly(sender, standin):
    result = sender.send([push()])

    assert result == SendResult(sent=[41])
    [request] = standin.requests
    assert request.project == PROJECT
    assert request.authorization == "Bearer standin-token"
    assert request.body == {
        "message": {
            "token": "android-token-1",
            "notification": {
                "title": "Phản ánh PA-2026-000051 đang được xử lý",
                "body": "Sở Xây dựng đã cử đội thi công.",
            },
            "data": {"kind": "status_changed", "notification_id": "41", "report_code": CODE},
            "android": {
                "priority": "high",
                "collapse_key": CODE,
                "notification": {"tag": "41", "sound": "default"},
            },
            "apns": {
                "headers": {"apns-collapse-id": "41", "apns-priority": "10"},
                "payload": {"aps": {"sound": "default", "thread-id": CODE}},
            },
        }
    }
    # The OAuth2 exchange went to the stand-in, signed with the service account's key.
    [form] = standin.token_requests
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assert form["assertion"][0].count(".") == 2


def test_ios_push_reaches_fcm_exactly(sender, standin):
    ios = push(7, "ios-token-1", "ios", urgent=False, data={})

    assert sender.send([ios]).sent == [7]
    [request] = standin.requests
    assert request.authorization == "Bearer standin-token"
    assert request.body == {
        "message": {
            "token": "ios-token-1",
            "notification": {
                "title": "Phản ánh PA-2026-000051 đang được xử lý",
                "body": "Sở Xây dựng đã cử đội thi công.",
            },
            "data": {"notification_id": "7", "report_code": CODE},
            "android": {
                "priority": "normal",
                "collapse_key": CODE,
                "notification": {"tag": "7", "sound": "default"},
            },
            "apns": {
                "headers": {"apns-collapse-id": "7", "apns-priority": "5"},
                "payload": {"aps": {"sound": "default", "thread-id": CODE}},
            },
        }
    }


def test_web_push_without_report(sender, standin):
    web = push(9, "web-token-1", "web", urgent=False, report_code=None, data={})

    assert sender.send([web]).sent == [9]
    message = standin.requests[0].message
    assert message["data"] == {"notification_id": "9"}
    assert message["webpush"] == {"headers": {"Urgency": "normal"}, "notification": {"tag": "9"}}
    assert "collapse_key" not in message["android"]
    assert message["apns"]["payload"] == {"aps": {"sound": "default"}}


def test_resend_replaces_itself_on_the_device(sender, standin):
    """After a crash the outbox sends the row again: same tag, same collapse id."""
    sender.send([push(41, "android-token-1"), push(41, "ios-token-1", "ios")])
    sender.send([push(41, "android-token-1"), push(41, "ios-token-1", "ios")])

    first, second = standin.requests[:2], standin.requests[2:]
    by_token = {r.token: r.body for r in first}
    assert {r.token: r.body for r in second} == by_token
    for body in by_token.values():
        message = body["message"]
        assert message["android"]["notification"]["tag"] == "41"
        assert message["apns"]["headers"]["apns-collapse-id"] == "41"
    # One OAuth2 token for both sends: fetched before the first batch, then cached.
    assert len(standin.token_requests) == 1


def test_dead_token_is_unregistered(sender, standin):
    result = sender.send([push(1, "dead-token-1"), push(2, "live-token-2")])

    assert result == SendResult(sent=[2], unregistered=["dead-token-1"])
    assert standin.attempts("dead-token-1") == 1  # a 404 is not retried


def test_errors_are_sorted_for_the_outbox(sender, standin):
    result = sender.send(
        [
            push(1, "busy-token-1"),
            push(2, "quota-token-2"),
            push(3, "invalid-token-3"),
            push(4, "payload-token-4"),
            push(5, "mismatch-token-5"),
            push(6, "live-token-6"),
            push(7, "dead-token-7"),
        ]
    )

    assert result == SendResult(
        sent=[6],
        unregistered=["invalid-token-3", "dead-token-7"],
        retry=[1, 2],
        failed=[(4, "INVALID_ARGUMENT"), (5, "SENDER_ID_MISMATCH")],
    )
    # firebase-admin itself retries a 503 four times (with back-off in production:
    # 0 + 1 + 2 + 4 s) before the error reaches us; a 429 it leaves to us.
    assert standin.attempts("busy-token-1") == 5
    assert standin.attempts("quota-token-2") == 1


def test_unreachable_fcm_is_retried_later(fcm_app):
    url = f"http://127.0.0.1:{free_port()}/v1/projects/{{project}}/messages:send"
    sender = FcmSender(fcm_app, endpoint=url)

    assert sender.send([push(1), push(2)]) == SendResult(retry=[1, 2])


def test_unreachable_token_endpoint_retries_the_whole_batch(tmp_path):
    path = write_service_account(tmp_path / "sa.json", f"http://127.0.0.1:{free_port()}/token")
    app = new_app(path)
    try:
        sender = FcmSender(app, endpoint=f"http://127.0.0.1:{free_port()}/v1/x/messages:send")
        assert sender.send([push(1), push(2), push(3)]) == SendResult(retry=[1, 2, 3])
    finally:
        firebase_admin.delete_app(app)


def test_unsendable_push_spoils_no_batch(sender, standin):
    result = sender.send([push(1, title=123), push(2, "live-token-2")])

    assert result == SendResult(sent=[2], failed=[(1, "INVALID_MESSAGE")])
    assert [r.token for r in standin.requests] == ["live-token-2"]


def test_1200_pushes_go_out_in_three_batches(sender, standin, monkeypatch):
    calls: list[int] = []
    real_send_each = messaging.send_each

    def counting_send_each(messages, dry_run=False, app=None):
        calls.append(len(messages))
        return real_send_each(messages, dry_run=dry_run, app=app)

    monkeypatch.setattr(messaging, "send_each", counting_send_each)
    pushes = [push(n, f"token-{n}", ("android", "ios")[n % 2]) for n in range(1, 1201)]

    result = sender.send(pushes)

    assert calls == [MAX_BATCH, MAX_BATCH, 200]
    assert sorted(result.sent) == list(range(1, 1201))
    assert result.unregistered == result.retry == result.failed == []
    assert len(standin.requests) == 1200
    assert len(standin.token_requests) == 1
    assert {r.token for r in standin.requests} == {p.token for p in pushes}


def test_push_refuses_what_fcm_would_refuse():
    with pytest.raises(ValueError, match="platform"):
        push(platform="fax")
    with pytest.raises(ValueError, match="token"):
        push(token="")
    with pytest.raises(ValueError, match="strings"):
        push(data={"count": 3})
    with pytest.raises(ValueError, match="reserved"):
        push(data={"google.sent_time": "1"})


def test_recording_sender_records_and_logs(caplog):
    sender = RecordingSender()
    pushes = [push(1, "abcdefghijklmnop"), push(2, "ios-token-2", "ios", report_code=None)]

    with caplog.at_level(logging.INFO, logger="notifications.push"):
        result = sender.send(pushes)

    assert result == SendResult(sent=[1, 2])
    assert sender.sent == pushes
    first, second = (r.getMessage() for r in caplog.records)
    assert "abcdefgh…" in first and "abcdefghijklmnop" not in first
    assert "Phản ánh PA-2026-000051 đang được xử lý" in first and CODE in first
    assert "ios-toke…" in second
