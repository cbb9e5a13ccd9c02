"""Events become notifications for the right people, in their language, once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from backend.db import db
from notifications.models import Delivery, Device, Notification
from notifications.outbox import after_quiet_hours
from tests.conftest import count_statements
from tests.conftest import post_json as _post

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def daytime(app):
    app.config["QUIET_HOURS"] = (datetime.min.time(), datetime.min.time())  # no quiet hours


def test_reporter_and_followers_hear_and_read_in_their_language(
    client, resident, submit, staff, daytime, run_jobs
):
    reporter, follower = resident("+84901111111"), resident("+84902222222")
    _post(
        client,
        reporter,
        "/mobile/v1/devices",
        token="reporter-phone-token-1",
        platform="android",
        locale="vi",
    )
    _post(
        client,
        follower,
        "/mobile/v1/devices",
        token="follower-phone-token-1",
        platform="ios",
        locale="en",
    )
    code = submit(reporter, description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    _post(client, follower, f"/mobile/v1/reports/{code}/follow")
    _post(
        client,
        staff("so-xd.officer"),
        f"/staff/v1/reports/{code}/updates",
        note="Đã cử đội thi công, gọi 0901234567",
    )
    run_jobs()  # the RQ worker, where there is one

    mine = client.get("/mobile/v1/inbox", headers=reporter).get_json()
    assert [i["kind"] for i in mine["items"]] == ["update", "assigned", "received"]
    assert mine["items"][2]["title"] == f"Đã tiếp nhận phản ánh {code}"
    assert mine["items"][0]["body"] == "Đã cử đội thi công, gọi [số điện thoại]"
    theirs = client.get("/mobile/v1/inbox?locale=en", headers=follower).get_json()
    assert [i["kind"] for i in theirs["items"]] == ["update"]
    assert theirs["items"][0]["title"] == f"Update on report {code}"
    # Embedded default: recorded, not sent; each notification once.
    rows = db.session.query(Notification).all()
    assert {r.status for r in rows} == {Delivery.RECORDED}
    assert len(rows) == len({(r.event_id, r.resident_id, r.staff_id) for r in rows})


def test_staff_hear_about_assignments(client, resident, submit, staff, daytime):
    officer = staff("so-xd.officer")
    _post(client, officer, "/staff/v1/devices", token="officer-desktop-token", platform="web")
    code = submit(resident(), description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    inbox = client.get("/staff/v1/inbox", headers=officer).get_json()
    assert [(i["kind"], i["report_code"]) for i in inbox["items"]] == [("new_assignment", code)]
    other = client.get("/staff/v1/inbox", headers=staff("chieu-sang.officer")).get_json()
    assert other["items"] == []


def test_unread_count_and_marking_read(client, resident, submit, daytime):
    headers = resident()
    submit(headers, description="Ổ gà lớn trên đường Hai Bà Trưng")
    assert client.get("/mobile/v1/inbox/unread-count", headers=headers).get_json() == {"unread": 2}
    first = client.get("/mobile/v1/inbox", headers=headers).get_json()["items"][0]["id"]
    read = _post(client, headers, f"/mobile/v1/inbox/{first}/read")
    assert read.get_json()["read"] is True
    assert client.get("/mobile/v1/inbox/unread-count", headers=headers).get_json()["unread"] == 1
    _post(client, headers, "/mobile/v1/inbox/read-all")
    assert client.get("/mobile/v1/inbox/unread-count", headers=headers).get_json()["unread"] == 0
    other = resident("+84909999999")
    assert _post(client, other, f"/mobile/v1/inbox/{first}/read").status_code == 404
    english = client.post(f"/mobile/v1/inbox/{first}/read?locale=en", headers=headers)
    assert english.get_json()["title"].startswith("Report ")


def test_the_inbox_does_not_grow_in_queries_with_its_length(client, resident, submit, daytime):
    headers = resident()
    submit(headers)
    few, _ = count_statements(client, "/mobile/v1/inbox", headers)
    for _ in range(3):
        submit(headers)
    many, response = count_statements(client, "/mobile/v1/inbox", headers)
    assert len(response.get_json()["items"]) == 8 and few == many


def test_devices(client, resident):
    headers = resident()
    created = _post(
        client,
        headers,
        "/mobile/v1/devices",
        token="a-device-token-123",
        platform="ios",
        locale="en",
    )
    assert created.status_code == 201
    bad = _post(client, headers, "/mobile/v1/devices", token="x", platform="nokia")
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {
        "token",
        "platform",
    }
    # Someone else cannot take it (tests/notifications/test_device_tokens.py).
    taken = _post(
        client,
        resident("+84902222222"),
        "/mobile/v1/devices",
        token="a-device-token-123",
        platform="ios",
    )
    assert taken.status_code == 409 and db.session.query(Device).count() == 1
    gone = client.delete("/mobile/v1/devices/a-device-token-123", headers=headers)
    assert gone.status_code == 204 and db.session.query(Device).count() == 0


def test_quiet_hours(app):
    def at(h, m=0, day=23):
        return datetime(2026, 11, day, h, m, tzinfo=VN)

    assert after_quiet_hours(at(21, 59)) == at(21, 59)
    assert after_quiet_hours(at(22, 30)) == at(6, 30, day=24)
    assert after_quiet_hours(at(3, 0)) == at(6, 30)
    assert after_quiet_hours(at(6, 30)) == at(6, 30)


def test_urgent_pushes_skip_quiet_hours(app, client, resident, submit, run_jobs):
    app.config["QUIET_HOURS"] = (datetime.min.time(), datetime.max.time())  # always quiet
    headers = resident()
    submit(headers, description="Ổ gà lớn trên đường Hai Bà Trưng")
    submit(headers, category="an-ninh", description="Nhóm thanh niên đua xe ban đêm ở đây")
    rows = db.session.query(Notification).all()
    urgent = [r for r in rows if r.urgent]
    normal = [r for r in rows if not r.urgent]
    assert urgent and normal
    # Urgent ones went out at once; the others wait for the end of the quiet hours.
    assert all(r.status == Delivery.RECORDED for r in urgent)
    assert all(r.status == Delivery.PENDING and r.next_attempt_at > r.created_at for r in normal)


def test_the_unit_hears_of_ratings_and_reopened_reports(client, resident, submit, staff, daytime):
    officer, alice = staff("so-xd.officer"), resident()
    code = submit(alice, description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={"response": "Đã vá xong."},
        headers=officer,
        content_type="multipart/form-data",
    )
    base = f"/mobile/v1/reports/{code}"
    rated = client.post(f"{base}/rating", json={"score": 2, "comment": "Chưa sạch"}, headers=alice)
    assert rated.status_code == 201, rated.get_json()
    reopened = client.post(f"{base}/reopen", json={"reason": "Vẫn còn ổ gà"}, headers=alice)
    assert reopened.status_code == 200, reopened.get_json()
    items = client.get("/staff/v1/inbox?locale=en", headers=officer).get_json()["items"]
    assert [i["kind"] for i in items[:2]] == ["report_reopened", "resident_rated"]
    assert items[0]["body"] == (
        "The resident is not satisfied with the resolution and reopened the report."
    )
    assert items[1]["body"] == "Satisfaction: 2/5."  # the comment stays in the staff view
