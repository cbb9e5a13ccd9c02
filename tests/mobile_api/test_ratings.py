"""Residents rate resolutions, reopen once when unsatisfied, followers say if it helped.

Decision: rating or reopening someone else's *public* report is ``403 not_reporter``
(the report is public, so there is nothing to hide); a report the resident may
not see at all (unknown, refused, or held by moderation) is ``404 report_not_found``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.db import commit, db, utcnow
from backend.models import Rating, Report, ReportClock
from backend.services.ratings import REOPEN_NOTE
from tests.conftest import count_statements

ALICE, BINH, CHAU = "+84901000001", "+84901000002", "+84901000003"
COMMENT = "Vá chưa phẳng, gọi tôi 0901234567 nếu cần"
MASKED = "Vá chưa phẳng, gọi tôi [số điện thoại] nếu cần"


@pytest.fixture
def alices(resident, submit) -> str:
    """Alice reports a pothole at Ninh Kiều wharf (routed to so-xd); returns its code."""
    response = submit(resident(ALICE))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["department"]["code"] == "so-xd"
    return response.get_json()["code"]


def resolve(client, staff, code: str, response: str = "Đã vá xong ổ gà.") -> None:
    resolved = client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={"response": response},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert resolved.status_code == 200, resolved.get_json()


@pytest.fixture
def resolved(client, staff, alices) -> str:
    resolve(client, staff, alices)
    return alices


def rate(client, headers, code: str, score, comment=None):
    body = {"score": score} if comment is None else {"score": score, "comment": comment}
    return client.post(f"/mobile/v1/reports/{code}/rating", json=body, headers=headers)


def reopen(client, headers, code: str, reason: str = "Ổ gà vẫn còn, nước đọng."):
    body = {"reason": reason}
    return client.post(f"/mobile/v1/reports/{code}/reopen", json=body, headers=headers)


def feedback(client, headers, code: str, helped, comment=None):
    body = {"helped": helped} if comment is None else {"helped": helped, "comment": comment}
    return client.post(f"/mobile/v1/reports/{code}/feedback", json=body, headers=headers)


def error(response, status: int) -> str:
    assert response.status_code == status, response.get_json()
    body = response.get_json()["error"]
    assert body["status"] == status and body["message"]["vi"] and body["message"]["en"]
    return body["code"]


def public(client, code: str) -> dict:
    response = client.get(f"/public/v1/reports/{code}")
    assert response.status_code == 200
    return response.get_json()


def inbox_kinds(client, headers) -> list[tuple[str, str]]:
    items = client.get("/staff/v1/inbox?locale=en", headers=headers).get_json()["items"]
    return [(i["kind"], i["body"]) for i in items]


def summary(score, *, reopened=False, helped=0, not_helped=0) -> dict:
    return {
        "score": score,
        "unsatisfied": None if score is None else score <= 2,
        "reopened": reopened,
        "followers_helped": helped,
        "followers_not_helped": not_helped,
    }


def set_resolved_at(code: str, when) -> None:
    db.session.execute(update(Report).where(Report.code == code).values(resolved_at=when))
    commit()


# ---- the reporter rates --------------------------------------------------------------------


def test_reporter_rates_a_resolution(client, resident, staff, resolved):
    alice = resident(ALICE)
    before = client.get(f"/mobile/v1/reports/{resolved}", headers=alice).get_json()
    assert before["can_rate"] is True and before["can_reopen"] is False
    assert before["my_rating"] is None and before["rating"] is None

    response = rate(client, alice, resolved, 4, COMMENT)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["code"] == resolved and body["status"] == "resolved"
    mine = body["my_rating"]
    assert mine.pop("created_at")
    assert mine == {
        "kind": "reporter",
        "score": 4,
        "helped": None,
        "comment": COMMENT,
        "reopened_at": None,
        "reopen_reason": None,
    }
    assert body["rating"] == summary(4)
    assert body["can_rate"] is False and body["can_reopen"] is False

    own = client.get(f"/mobile/v1/reports/{resolved}", headers=alice).get_json()
    assert own["mine"] is True and own["my_rating"]["comment"] == COMMENT
    assert own["rating"] == summary(4)

    # The public sees the score, never the comment, nor who rated.
    shown = public(client, resolved)
    assert shown["rating"] == summary(4)
    assert "my_rating" not in shown and "Vá chưa phẳng" not in str(shown)
    assert "rated" not in [e["type"] for e in shown["timeline"]]
    # Not on the board rows (they stay one query per page).
    assert "rating" not in client.get("/public/v1/reports").get_json()["items"][0]

    # The unit reads the comment with personal data masked; the coordinator as written.
    officer = staff("so-xd.officer")
    unit_view = client.get(f"/staff/v1/reports/{resolved}", headers=officer).get_json()
    [row] = unit_view["ratings"]
    assert row.pop("created_at")
    assert row == {
        "kind": "reporter",
        "score": 4,
        "helped": None,
        "comment": MASKED,
        "reopened_at": None,
        "reopen_reason": None,
        "department": "so-xd",
    }
    assert "resident" not in str(row) and "phone" not in row
    rated = unit_view["timeline"][-1]
    assert (rated["type"], rated["public"], rated["actor_kind"]) == ("rated", False, "resident")
    assert rated["data"] == {"rating": 4} and rated["actor"] is None
    assert rated["internal_note"] == MASKED  # the timeline never names the reporter either
    coordinator_view = client.get(
        f"/staff/v1/reports/{resolved}", headers=staff("coordinator")
    ).get_json()
    assert coordinator_view["ratings"][0]["comment"] == COMMENT

    # The unit hears of it; the push says the score.
    assert inbox_kinds(client, officer)[0] == ("resident_rated", "Satisfaction: 4/5.")


def test_rating_before_resolution_is_refused(client, resident, alices):
    response = rate(client, resident(ALICE), alices, 5)
    assert error(response, 409) == "not_resolved"
    assert db.session.scalar(select(Rating.id)) is None


def test_rating_twice_is_refused(client, resident, resolved):
    alice = resident(ALICE)
    assert rate(client, alice, resolved, 5).status_code == 201
    again = rate(client, alice, resolved, 1, "Đổi ý")
    assert error(again, 409) == "already_rated"
    assert public(client, resolved)["rating"] == summary(5)


def test_only_the_reporter_rates(client, resident, staff, resolved, submit):
    binh = resident(BINH)
    assert error(rate(client, binh, resolved, 1), 403) == "not_reporter"
    assert error(reopen(client, binh, resolved), 403) == "not_reporter"
    assert error(rate(client, binh, "PA-2026-999999", 1), 404) == "report_not_found"
    # A refused report is not public: for anyone but its reporter it does not exist.
    other = submit(resident(ALICE), description="Đèn đường tắt cả tuần").get_json()["code"]
    client.post(
        f"/staff/v1/reports/{other}/reject",
        json={"reason": "Không thuộc phạm vi."},
        headers=staff("coordinator"),
    )
    assert error(rate(client, binh, other, 3), 404) == "report_not_found"
    assert error(rate(client, resident(ALICE), other, 3), 409) == "not_resolved"
    assert public(client, resolved)["rating"] is None


def test_the_tracking_code_may_be_typed_in_lower_case(client, resident, resolved):
    response = rate(client, resident(ALICE), f" {resolved.lower()} ", 3)
    assert response.status_code == 201
    assert response.get_json()["rating"] == summary(3)


def test_rating_window(app, client, resident, resolved):
    alice = resident(ALICE)
    set_resolved_at(resolved, utcnow() - timedelta(days=7, minutes=1))
    late = rate(client, alice, resolved, 5)
    assert error(late, 409) == "rating_window_closed"
    assert "7" in late.get_json()["error"]["message"]["en"]
    view = client.get(f"/mobile/v1/reports/{resolved}", headers=alice).get_json()
    assert view["can_rate"] is False
    # The window is configurable.
    app.config["RATING_WINDOW_DAYS"] = 8
    assert client.get(f"/mobile/v1/reports/{resolved}", headers=alice).get_json()["can_rate"]
    assert rate(client, alice, resolved, 5).status_code == 201


def test_within_the_window_on_its_last_day(client, resident, resolved):
    set_resolved_at(resolved, utcnow() - timedelta(days=6, hours=23))
    assert rate(client, resident(ALICE), resolved, 2).status_code == 201


@pytest.mark.parametrize("score", [0, 6, -1, "x", "4", 2.5, True, None])
def test_scores_are_whole_numbers_from_1_to_5(client, resident, resolved, score):
    response = rate(client, resident(ALICE), resolved, score)
    assert error(response, 422) == "validation_error"
    assert list(response.get_json()["error"]["fields"]) == ["score"]


def test_bad_bodies(client, resident, resolved):
    alice = resident(ALICE)
    missing = client.post(f"/mobile/v1/reports/{resolved}/rating", json={}, headers=alice)
    assert error(missing, 422) == "validation_error"
    assert list(missing.get_json()["error"]["fields"]) == ["score"]
    long = rate(client, alice, resolved, 3, "x" * 2001)
    assert error(long, 422) == "validation_error"
    assert list(long.get_json()["error"]["fields"]) == ["comment"]
    assert error(reopen(client, alice, resolved, "   "), 422) == "validation_error"
    assert client.post(f"/mobile/v1/reports/{resolved}/rating", json={"score": 3}).status_code == (
        401
    )
    # A blank comment is no comment.
    ok = rate(client, alice, resolved, 3, "   ").get_json()
    assert ok["my_rating"]["comment"] is None


# ---- reopening -----------------------------------------------------------------------------


def test_reopen_needs_an_unsatisfied_rating(client, resident, resolved):
    alice = resident(ALICE)
    assert error(reopen(client, alice, resolved), 409) == "reopen_requires_unsatisfied_rating"
    assert rate(client, alice, resolved, 3).status_code == 201
    assert error(reopen(client, alice, resolved), 409) == "reopen_requires_unsatisfied_rating"
    assert public(client, resolved)["status"] == "resolved"


def test_reopen_before_resolution_is_refused(client, resident, alices):
    assert error(reopen(client, resident(ALICE), alices), 409) == "not_resolved"


def test_unsatisfied_reporter_reopens_once(client, resident, staff, resolved):
    alice, officer = resident(ALICE), staff("so-xd.officer")
    rated = rate(client, alice, resolved, 2, "Vẫn còn ổ gà").get_json()
    assert rated["can_reopen"] is True and rated["rating"] == summary(2)

    response = reopen(client, alice, resolved, "Ổ gà vẫn còn, nước đọng.")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "assigned" and body["department"]["code"] == "so-xd"
    assert body["resolved_at"] is None
    assert body["my_rating"]["reopened_at"] is not None
    assert body["my_rating"]["reopen_reason"] == "Ổ gà vẫn còn, nước đọng."
    assert body["can_rate"] is False and body["can_reopen"] is False
    assert body["rating"] == summary(2, reopened=True)
    last = body["timeline"][-1]
    assert (last["type"], last["status"], last["note"]) == ("reopen", "assigned", REOPEN_NOTE)
    assert last["department"]["code"] == "so-xd"

    # Publicly: a "reopen" entry without the resident's reason.
    shown = public(client, resolved)
    assert shown["timeline"][-1]["type"] == "reopen" and "nước đọng" not in str(shown)
    assert shown["rating"] == summary(2, reopened=True)

    # The unit has it again, with new running clocks, and hears of it.
    unit_view = client.get(f"/staff/v1/reports/{resolved}", headers=officer).get_json()
    assert unit_view["allowed_actions"][:2] == ["accept", "start"]
    assert "resolve" in unit_view["allowed_actions"]
    assert unit_view["timeline"][-1]["internal_note"] == "Ổ gà vẫn còn, nước đọng."
    assert unit_view["accepted_at"] is None and unit_view["closed_at"] is None
    clocks = unit_view["deadlines"]["clocks"]
    assert clocks["handle"]["status"] == clocks["accept"]["status"] == "running"
    assert clocks["handle"]["department"] == "so-xd"
    assert clocks["handle"]["started_at"] == unit_view["assigned_at"] == last["at"]
    report_id = db.session.scalar(select(Report.id).where(Report.code == resolved))
    running = db.session.scalars(
        select(ReportClock).where(
            ReportClock.report_id == report_id, ReportClock.completed_at.is_(None)
        )
    ).all()
    assert sorted(c.kind for c in running) == ["accept", "handle"]
    assert [kind for kind, _ in inbox_kinds(client, officer)[:2]] == [
        "report_reopened",
        "resident_rated",
    ]

    # Handled again: Alice rates the new resolution, but cannot reopen a second time.
    assert error(rate(client, alice, resolved, 1), 409) == "not_resolved"
    resolve(client, staff, resolved, "Đã vá lại và thông cống.")
    again = client.get(f"/mobile/v1/reports/{resolved}", headers=alice).get_json()
    assert again["can_rate"] is True and again["my_rating"] is None
    second = rate(client, alice, resolved, 1, "Vẫn chưa ổn")
    assert second.status_code == 201
    assert second.get_json()["rating"] == summary(1, reopened=True)
    assert second.get_json()["can_reopen"] is False
    assert error(reopen(client, alice, resolved), 409) == "already_reopened"
    assert error(rate(client, alice, resolved, 5), 409) == "already_rated"
    ratings = client.get(f"/staff/v1/reports/{resolved}", headers=officer).get_json()["ratings"]
    assert [(r["score"], r["reopened_at"] is not None) for r in ratings] == [(2, True), (1, False)]


def test_a_closed_report_can_be_reopened(client, resident, staff, resolved):
    alice = resident(ALICE)
    closed = client.post(f"/staff/v1/reports/{resolved}/close", headers=staff("coordinator"))
    assert closed.status_code == 200
    assert rate(client, alice, resolved, 1).status_code == 201
    body = reopen(client, alice, resolved).get_json()
    assert body["status"] == "assigned" and body["department"]["code"] == "so-xd"


def test_no_reopening_after_the_window(client, resident, resolved):
    alice = resident(ALICE)
    assert rate(client, alice, resolved, 1).status_code == 201
    set_resolved_at(resolved, utcnow() - timedelta(days=8))
    assert error(reopen(client, alice, resolved), 409) == "rating_window_closed"
    view = client.get(f"/mobile/v1/reports/{resolved}", headers=alice).get_json()
    assert view["can_reopen"] is False and view["status"] == "resolved"


# ---- followers -----------------------------------------------------------------------------


def test_followers_say_whether_it_helped(client, resident, staff, alices):
    binh, chau, dung = resident(BINH), resident(CHAU), resident("+84901000004")
    for headers in (binh, chau):
        followed = client.post(f"/mobile/v1/reports/{alices}/follow", headers=headers)
        assert followed.status_code == 200
    assert error(feedback(client, binh, alices, True), 409) == "not_resolved"
    resolve(client, staff, alices)

    view = client.get(f"/mobile/v1/reports/{alices}", headers=binh).get_json()
    assert view["can_give_feedback"] is True and view["my_feedback"] is None

    yes = feedback(client, binh, alices, True, "Đi lại dễ hơn, cảm ơn")
    assert yes.status_code == 201, yes.get_json()
    body = yes.get_json()
    assert body["mine"] is False and body["following"] is True
    assert body["can_give_feedback"] is False
    assert body["my_feedback"]["helped"] is True and body["my_feedback"]["score"] is None
    assert body["my_feedback"]["comment"] == "Đi lại dễ hơn, cảm ơn"
    assert body["rating"] == summary(None, helped=1)

    assert feedback(client, chau, alices, False).status_code == 201
    assert error(feedback(client, binh, alices, False), 409) == "already_rated"
    # Not following, or the reporter herself: refused.
    assert error(feedback(client, dung, alices, True), 403) == "not_follower"
    assert error(feedback(client, resident(ALICE), alices, True), 403) == "not_follower"
    assert error(feedback(client, dung, "PA-2026-999999", True), 404) == "report_not_found"
    for bad in ("yes", 1, None):
        assert error(feedback(client, chau, alices, bad), 422) == "validation_error"

    assert rate(client, resident(ALICE), alices, 5).status_code == 201
    shown = public(client, alices)
    assert shown["rating"] == summary(5, helped=1, not_helped=1)
    assert "Đi lại dễ hơn" not in str(shown)
    unit = client.get(f"/staff/v1/reports/{alices}", headers=staff("so-xd.officer")).get_json()
    assert [(r["kind"], r["score"], r["helped"]) for r in unit["ratings"]] == [
        ("follower", None, True),
        ("follower", None, False),
        ("reporter", 5, None),
    ]
    assert unit["ratings"][0]["comment"] == "Đi lại dễ hơn, cảm ơn"
    assert [e["type"] for e in unit["timeline"]][-4:] == [
        "resolve",
        "follower_feedback",
        "follower_feedback",
        "rated",
    ]


def test_feedback_after_the_window_is_refused(client, resident, staff, alices):
    binh = resident(BINH)
    client.post(f"/mobile/v1/reports/{alices}/follow", headers=binh)
    resolve(client, staff, alices)
    set_resolved_at(alices, utcnow() - timedelta(days=7, seconds=1))
    assert error(feedback(client, binh, alices, True), 409) == "rating_window_closed"


# ---- lists stay one query per page ---------------------------------------------------------


def _statements(client, path: str, headers: dict) -> int:
    return count_statements(client, path, headers)[0]


def test_lists_with_ratings_do_not_grow_with_the_page(client, resident, staff, submit):
    alice, coordinator = resident(ALICE), staff("coordinator")

    def add_rated(n: int) -> None:
        for _ in range(n):
            code = submit(alice).get_json()["code"]
            resolve(client, staff, code)
            assert rate(client, alice, code, 4, "Tốt").status_code == 201

    add_rated(2)
    few = (
        _statements(client, "/mobile/v1/reports/mine", alice),
        _statements(client, "/staff/v1/reports", coordinator),
    )
    add_rated(3)
    many = (
        _statements(client, "/mobile/v1/reports/mine", alice),
        _statements(client, "/staff/v1/reports", coordinator),
    )
    assert few == many
    listed = client.get("/mobile/v1/reports/mine", headers=alice).get_json()["items"]
    assert [r["rating"]["score"] for r in listed] == [4] * 5
    assert {r["my_rating"]["comment"] for r in listed} == {"Tốt"}
