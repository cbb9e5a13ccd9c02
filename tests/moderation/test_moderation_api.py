"""The moderation queue and every moderator action, through the APIs."""

from __future__ import annotations

import pytest

from backend.db import db
from backend.models import Report, ReportFollower
from tests.conftest import photo
from tests.conftest import post_json as _post

ABUSIVE = "Địt mẹ cái ổ gà này sâu quá không ai sửa"


@pytest.fixture
def held(resident, submit):
    headers = resident()
    body = submit(headers, description=ABUSIVE).get_json()
    return body["code"], headers


def test_clean_report_goes_straight_on(client, resident, submit):
    body = submit(resident(), description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()
    assert body["status"] == "assigned"
    assert client.get(f"/public/v1/reports/{body['code']}").status_code == 200


def test_flagged_report_waits_in_the_queue_until_approved(client, staff, held):
    code, headers = held
    moderator = staff("moderator")
    assert client.get(f"/public/v1/reports/{code}").status_code == 404
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["status"] == "new" and mine["department"]["code"] == "ioc"
    assert mine["deadlines"]["clocks"] == {}
    queue = client.get("/moderation/v1/queue", headers=moderator).get_json()
    (item,) = queue["items"]
    assert item["code"] == code and item["reporter"]["phone"] == "+84901111111"
    assert item["moderation_flags"][0] == {"kind": "abusive_words", "words": ["dit me"]}
    approved = _post(client, moderator, f"/moderation/v1/reports/{code}/approve", note="Ổn")
    body = approved.get_json()
    assert body["status"] == "assigned" and body["department"]["code"] == "so-xd"
    assert body["deadlines"]["clocks"]["handle"]["status"] == "running"
    assert client.get(f"/public/v1/reports/{code}").status_code == 200
    assert client.get("/moderation/v1/queue", headers=moderator).get_json()["items"] == []
    again = _post(client, moderator, f"/moderation/v1/reports/{code}/approve")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "not_in_moderation_queue"
    timeline = body["timeline"]
    assert timeline[1]["type"] == "moderation_approved" and timeline[1]["actor"]["username"] == (
        "moderator"
    )


def test_reject_with_reason_and_message(client, staff, held):
    code, headers = held
    moderator = staff("moderator")
    bad = _post(
        client, moderator, f"/moderation/v1/reports/{code}/reject", reason="rude", message="x"
    )
    assert bad.status_code == 422
    rejected = _post(
        client,
        moderator,
        f"/moderation/v1/reports/{code}/reject",
        reason="abusive",
        message="Nội dung có lời lẽ thiếu văn hóa.",
    )
    assert rejected.get_json()["status"] == "rejected"
    event = rejected.get_json()["timeline"][-1]
    assert event["data"] == {"reason_code": "abusive"}
    assert event["actor"]["username"] == "moderator"
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["timeline"][-1]["note"] == "Nội dung có lời lẽ thiếu văn hóa."
    assert client.get(f"/public/v1/reports/{code}").status_code == 404


def test_request_info_pauses_the_clock(client, staff, resident, submit):
    headers = resident()
    code = submit(headers, description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    asked = _post(
        client,
        staff("moderator"),
        f"/moderation/v1/reports/{code}/request-info",
        question="Xin gửi thêm ảnh cận cảnh?",
    )
    assert asked.get_json()["deadlines"]["clocks"]["handle"]["status"] == "paused"
    answered = _post(client, headers, f"/mobile/v1/reports/{code}/info", text="Đã gửi.")
    assert answered.get_json()["deadlines"]["clocks"]["handle"]["status"] == "running"


def test_edit_public_text_keeps_the_original(client, staff, held):
    code, _headers = held
    moderator = staff("moderator")
    _post(client, moderator, f"/moderation/v1/reports/{code}/approve")
    edited = client.put(
        f"/moderation/v1/reports/{code}/public-text",
        headers=moderator,
        json={"text": "Ổ gà sâu, gọi 0901234567", "reason": "Bỏ lời lẽ thô tục"},
    )
    assert edited.status_code == 200
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert public["description"] == "Ổ gà sâu, gọi [số điện thoại]"
    assert "Địt" not in str(public)
    assert client.get("/public/v1/reports?q=dit").get_json()["items"] == []
    assert client.get("/public/v1/reports?q=o ga sau").get_json()["total"] == 1
    unit = client.get(f"/staff/v1/reports/{code}", headers=moderator).get_json()
    assert unit["description"] == ABUSIVE
    event = unit["timeline"][-1]
    assert event["type"] == "text_edited" and event["internal_note"] == "Bỏ lời lẽ thô tục"
    assert event["public"] is False and event["data"]["previous_public_text"] == ABUSIVE


def test_hide_and_show_a_photo(client, staff, resident, submit, run_jobs):
    headers = resident()
    code = submit(headers, description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    public = client.get(f"/public/v1/reports/{code}").get_json()
    url = public["photos"][0]["display_url"]
    assert client.get(url).status_code == 200
    photo_id = db.session.query(Report).filter_by(code=code).one().photos[0].id
    moderator = staff("moderator")
    hidden = _post(
        client,
        moderator,
        f"/moderation/v1/reports/{code}/photos/{photo_id}/hide",
        reason="Lộ biển số xe",
    )
    assert hidden.status_code == 200
    run_jobs()  # the deletion of its public files, a job after the commit
    assert client.get(f"/public/v1/reports/{code}").get_json()["photos"] == []
    assert client.get(url).status_code == 404  # the public file is gone
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["photos"] == []
    _post(
        client,
        moderator,
        f"/moderation/v1/reports/{code}/photos/{photo_id}/show",
        reason="Đã xem lại",
    )
    run_jobs()
    assert len(client.get(f"/public/v1/reports/{code}").get_json()["photos"]) == 1
    missing = _post(
        client, moderator, f"/moderation/v1/reports/{code}/photos/999999/hide", reason="x"
    )
    assert missing.status_code == 404


def test_merge_makes_the_reporter_a_follower(client, staff, resident, submit):
    first = submit(resident("+84901111111"), description="Ổ gà lớn trên đường Hai Bà Trưng")
    second = submit(resident("+84902222222"), description="Đường Hai Bà Trưng có ổ gà to")
    original, duplicate = first.get_json()["code"], second.get_json()["code"]
    merged = _post(
        client, staff("moderator"), f"/moderation/v1/reports/{duplicate}/merge", original=original
    )
    assert merged.get_json()["status"] == "duplicate"
    follower = db.session.query(ReportFollower).one()
    assert follower.source == "merged"
    assert db.session.get(Report, follower.report_id).code == original


def test_lock_and_unlock_an_abusive_reporter(client, staff, held, submit):
    code, headers = held
    moderator = staff("moderator")
    locked = _post(
        client,
        moderator,
        f"/moderation/v1/reports/{code}/lock-reporter",
        reason="Nhiều lần dùng lời lẽ thô tục",
    )
    assert locked.status_code == 200
    assert locked.get_json()["timeline"][-1]["type"] == "reporter_locked"
    # Signed out everywhere, and cannot sign in and report again.
    assert client.get("/mobile/v1/reports/mine", headers=headers).status_code == 401
    from tests.conftest import id_token

    sign_in = lambda: client.post(  # noqa: E731
        "/mobile/v1/auth/firebase", json={"id_token": id_token("+84901111111")}
    )
    blocked = sign_in()
    assert blocked.status_code == 403 and blocked.get_json()["error"]["code"] == "account_locked"
    twice = _post(client, moderator, f"/moderation/v1/reports/{code}/lock-reporter", reason="x")
    assert twice.status_code == 409
    _post(client, moderator, f"/moderation/v1/reports/{code}/unlock-reporter", reason="Hết hạn")
    token = sign_in().get_json()["access_token"]
    assert submit({"Authorization": f"Bearer {token}"}).status_code == 201


def test_only_moderation_roles(client, staff, held):
    code, _ = held
    officer = staff("so-xd.officer")
    assert client.get("/moderation/v1/queue", headers=officer).status_code == 403
    response = _post(client, officer, f"/moderation/v1/reports/{code}/approve")
    assert response.status_code == 403
    assert client.get("/moderation/v1/queue", headers=staff("coordinator")).status_code == 200


@pytest.mark.parametrize(
    "mode, held_reports", [("all", 4), ("first:2", 3), ("flagged", 1), ("off", 0)]
)
def test_moderation_modes(app, client, resident, submit, mode, held_reports):
    app.config["MODERATION_MODE"] = mode
    headers = resident()
    for text in ["Ổ gà lớn trên đường Hai Bà Trưng"] * 3 + [ABUSIVE]:
        submit(headers, description=text, photos=[(photo("Canon_40D.jpg"), "a.jpg")])
    pending = db.session.query(Report).filter_by(moderation_status="pending").count()
    assert pending == held_reports


def test_the_queue_suggests_what_a_held_report_may_duplicate(client, staff, resident, submit):
    standing = submit(resident("+84902222222"), description="Ổ gà lớn trên đường Hai Bà Trưng")
    held = submit(resident(), description=ABUSIVE).get_json()["code"]
    (item,) = client.get("/moderation/v1/queue", headers=staff("moderator")).get_json()["items"]
    assert item["code"] == held
    assert [s["code"] for s in item["similar_reports"]] == [standing.get_json()["code"]]
    assert item["similar_reports"][0]["distance_m"] == 0.0


def test_staff_actions_respect_the_queue(client, staff, held):
    code, _ = held
    coordinator = staff("coordinator")
    forward = _post(client, coordinator, f"/staff/v1/reports/{code}/forward", department="so-xd")
    assert forward.status_code == 409 and forward.get_json()["error"]["code"] == "in_moderation"
    # A held report is decided in the moderation queue only: the staff API lists nothing
    # for it and refuses every workflow action the same way.
    view = client.get(f"/staff/v1/reports/{code}", headers=coordinator).get_json()
    assert view["allowed_actions"] == []
    reject = _post(client, coordinator, f"/staff/v1/reports/{code}/reject", reason="Thô tục.")
    assert reject.status_code == 409 and reject.get_json()["error"]["code"] == "in_moderation"
    _post(
        client,
        coordinator,
        f"/moderation/v1/reports/{code}/reject",
        reason="abusive",
        message="Lời lẽ thô tục.",
    )
    assert client.get("/moderation/v1/queue", headers=coordinator).get_json()["items"] == []


def test_merge_only_into_a_public_open_report_and_bring_the_supporters(
    client, staff, resident, submit, held
):
    held_code, _ = held
    moderator = staff("moderator")
    first = submit(resident("+84902222222"), description="Ổ gà lớn trên đường Hai Bà Trưng")
    original = first.get_json()["code"]
    dup = submit(resident("+84903333333"), description="Đường Hai Bà Trưng có ổ gà rất to")
    duplicate = dup.get_json()["code"]
    _post(client, resident("+84904444444"), f"/mobile/v1/reports/{duplicate}/follow")
    into_held = _post(
        client, moderator, f"/moderation/v1/reports/{duplicate}/merge", original=held_code
    )
    assert into_held.status_code == 422
    assert into_held.get_json()["error"]["code"] == "merge_target_invalid"
    _post(client, moderator, f"/moderation/v1/reports/{duplicate}/merge", original=original)
    public = client.get(f"/public/v1/reports/{original}").get_json()
    assert public["supporters"] == 2  # the duplicate's reporter and its follower
    assert public["timeline"][-1]["type"] == "merged_in"
    following_dup = _post(
        client, resident("+84905555555"), f"/mobile/v1/reports/{duplicate}/follow"
    )
    assert following_dup.status_code == 409  # merged away: nothing left to support
    assert following_dup.get_json()["error"]["code"] == "report_closed"


def test_rejecting_withdraws_the_public_photos(client, staff, resident, submit, run_jobs):
    code = submit(resident(), description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    url = client.get(f"/public/v1/reports/{code}").get_json()["photos"][0]["display_url"]
    assert client.get(url).status_code == 200
    _post(
        client,
        staff("moderator"),
        f"/moderation/v1/reports/{code}/reject",
        reason="spam",
        message="Quảng cáo.",
    )
    run_jobs()  # the deletion of its public files, a job after the commit
    assert client.get(url).status_code == 404


def test_questions_to_the_resident_are_not_public(client, staff, resident, submit):
    headers = resident()
    code = submit(headers, description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]
    _post(
        client,
        staff("moderator"),
        f"/moderation/v1/reports/{code}/request-info",
        question="Chị Lan ơi, gọi lại 0901234567 giúp em",
    )
    assert "Chị Lan" not in client.get(f"/public/v1/reports/{code}").get_data(as_text=True)
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["timeline"][-1]["note"] == "Chị Lan ơi, gọi lại 0901234567 giúp em"


def test_units_read_the_masked_text(client, staff, resident, submit):
    body = submit(
        resident(), description="Ổ gà lớn, gọi tôi 0901234567", address="Nhà số 5, ĐT 0912345678"
    ).get_json()
    unit = client.get(f"/staff/v1/reports/{body['code']}", headers=staff("so-xd.officer"))
    assert "0901234567" not in unit.get_data(as_text=True)
    assert "0912345678" not in unit.get_data(as_text=True)
    coordinator = client.get(f"/staff/v1/reports/{body['code']}", headers=staff("coordinator"))
    assert "0901234567" in coordinator.get_data(as_text=True)


def test_abusive_address_is_flagged(client, staff, resident, submit):
    body = submit(
        resident(), description="Ổ gà lớn trên đường Hai Bà Trưng", address="Hẻm vcl cuối đường"
    ).get_json()
    (item,) = client.get("/moderation/v1/queue", headers=staff("moderator")).get_json()["items"]
    assert item["code"] == body["code"]
    assert item["moderation_flags"][0]["field"] == "address"
