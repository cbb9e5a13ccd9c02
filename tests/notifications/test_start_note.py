"""A public note given when work starts reaches the reporter and the followers, like updates."""

from __future__ import annotations

from tests.conftest import post_json


def test_a_start_with_a_public_note_reaches_the_reporter_and_followers(
    client, resident, submit, staff
):
    reporter, follower = resident("+84901111111"), resident("+84902222222")
    code = submit(reporter).get_json()["code"]
    post_json(client, follower, f"/mobile/v1/reports/{code}/follow")
    started = post_json(
        client,
        staff("so-xd.officer"),
        f"/staff/v1/reports/{code}/start",
        note="Đã cử đội thi công, liên hệ 0901234567",
    )
    assert started.status_code == 200, started.get_json()

    mine = client.get("/mobile/v1/inbox", headers=reporter).get_json()["items"]
    assert [i["kind"] for i in mine] == ["started", "assigned", "received"]
    assert mine[0]["title"] == f"Phản ánh {code} đang được xử lý"
    assert mine[0]["body"] == "Đã cử đội thi công, liên hệ [số điện thoại]"
    theirs = client.get("/mobile/v1/inbox?locale=en", headers=follower).get_json()["items"]
    assert [(i["kind"], i["title"]) for i in theirs] == [
        ("started", f"Work started on report {code}")
    ]


def test_a_start_without_a_note_adds_nothing_to_the_inbox(client, resident, submit, staff):
    reporter = resident()
    code = submit(reporter).get_json()["code"]
    started = post_json(client, staff("so-xd.officer"), f"/staff/v1/reports/{code}/start")
    assert started.status_code == 200, started.get_json()
    mine = client.get("/mobile/v1/inbox", headers=reporter).get_json()["items"]
    assert [i["kind"] for i in mine] == ["assigned", "received"]
