"""Department desks and the coordinator work reports through the staff API."""

from __future__ import annotations

import io

import pytest

from tests.conftest import count_statements, photo
from tests.conftest import post_json as _post


@pytest.fixture
def report(resident, submit):
    """A road-damage report in Ninh Kiều, routed to the Department of Construction."""
    body = submit(resident()).get_json()
    assert body["department"]["code"] == "so-xd"
    return body["code"]


def test_login_and_me(client, staff):
    headers = staff("so-xd.officer")
    me = client.get("/staff/v1/me", headers=headers).get_json()
    assert me["role"] == "department_officer" and me["department"]["code"] == "so-xd"
    wrong = client.post("/staff/v1/auth/login", json={"username": "admin", "password": "x"})
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"
    unknown = client.post("/staff/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert unknown.get_json() == wrong.get_json()


def test_department_works_a_report_to_resolution(client, staff, report, run_jobs):
    officer = staff("so-xd.officer")
    base = f"/staff/v1/reports/{report}"
    listed = client.get("/staff/v1/reports", headers=officer).get_json()
    assert [r["code"] for r in listed["items"]] == [report]

    before = client.get(base, headers=officer).get_json()
    assert before["allowed_actions"] == [
        "accept",
        "start",
        "updates",
        "resolve",
        "return",
        "request-info",
        "extensions",
    ]
    as_coordinator = client.get(base, headers=staff("coordinator")).get_json()
    assert as_coordinator["allowed_actions"] == [
        "updates",
        "forward",
        "reject",
        "duplicate",
        "request-info",
        "assignee",
    ]

    accepted = _post(client, officer, f"{base}/accept").get_json()
    assert "accept" not in accepted["allowed_actions"]
    assert accepted["status"] == "assigned" and accepted["accepted_at"]
    again = _post(client, officer, f"{base}/accept")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_accepted"

    started = _post(client, officer, f"{base}/start", note="Đã cử đội thi công.").get_json()
    assert started["status"] == "in_progress"
    updated = _post(client, officer, f"{base}/updates", note="Đang vá ổ gà.").get_json()
    assert updated["timeline"][-1]["note"] == "Đang vá ổ gà."

    resolved = client.post(
        f"{base}/resolve",
        data={
            "response": "Đã vá xong ổ gà.",
            "photos": [(io.BytesIO(photo("landscape_6.jpg")), "after.jpg")],
        },
        headers=officer,
        content_type="multipart/form-data",
    )
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["status"] == "resolved"
    assert resolved.get_json()["allowed_actions"] == []
    run_jobs()

    public = client.get(f"/public/v1/reports/{report}").get_json()
    assert public["status"] == "resolved" and public["response"] == "Đã vá xong ổ gà."
    assert {p["kind"] for p in public["photos"]} == {"before", "after"}
    after = next(p for p in public["photos"] if p["kind"] == "after")
    assert client.get(after["display_url"]).status_code == 200
    assert [e["type"] for e in public["timeline"]] == [
        "submit",
        "assign",
        "accept",
        "start",
        "update",
        "resolve",
    ]

    twice = _post(client, officer, f"{base}/start")
    assert twice.status_code == 409
    error = twice.get_json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["message"]["vi"] == "Không thể bắt đầu xử lý phản ánh ở trạng thái “Đã xử lý”."


def test_other_departments_cannot_see_or_touch_a_report(client, staff, report):
    lighting = staff("chieu-sang.officer")
    base = f"/staff/v1/reports/{report}"
    assert client.get(base, headers=lighting).status_code == 404
    for action in ("accept", "start"):
        response = _post(client, lighting, f"{base}/{action}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "report_not_found"
    assert client.get("/staff/v1/reports", headers=lighting).get_json()["items"] == []
    # Nothing changed for the owner.
    owner = client.get(base, headers=staff("so-xd.officer")).get_json()
    assert owner["status"] == "assigned" and owner["accepted_at"] is None


def test_reporter_identity_only_for_coordinator_roles(client, staff, report):
    base = f"/staff/v1/reports/{report}"
    department = client.get(base, headers=staff("so-xd.officer"))
    assert "reporter" not in department.get_json()
    assert "+84901111111" not in department.get_data(as_text=True)
    for role in ("coordinator", "moderator", "admin"):
        body = client.get(base, headers=staff(role)).get_json()
        assert body["reporter"]["phone"] == "+84901111111"


def test_return_forward_and_reassignment(client, staff, report):
    officer, coordinator = staff("so-xd.officer"), staff("coordinator")
    base = f"/staff/v1/reports/{report}"
    missing_reason = _post(client, officer, f"{base}/return")
    assert missing_reason.status_code == 422
    returned = _post(client, officer, f"{base}/return", reason="Thuộc thẩm quyền phường.")
    body = returned.get_json()
    assert body["status"] == "returned" and body["department"]["code"] == "ioc"
    assert body["timeline"][-1]["internal_note"] == "Thuộc thẩm quyền phường."
    # Gone from the department's desk.
    assert client.get(base, headers=officer).status_code == 404
    # The department may not forward: that is the coordinator's job.
    forwarded = _post(
        client,
        coordinator,
        f"{base}/forward",
        department="ubnd-ninh-kieu",
        note="Giao phường xử lý",
    )
    assert forwarded.get_json()["status"] == "assigned"
    assert forwarded.get_json()["department"]["code"] == "ubnd-ninh-kieu"
    ward = staff("ubnd-ninh-kieu.officer")
    seen_by_ward = client.get(base, headers=ward).get_json()
    # The ward does not read what the department wrote internally before it came here.
    assert "Thuộc thẩm quyền phường." not in str(seen_by_ward)
    assert "so-xd.officer" not in str(seen_by_ward)
    assert seen_by_ward["timeline"][-1]["internal_note"] == "Giao phường xử lý"
    assert "Thuộc thẩm quyền phường." in str(client.get(base, headers=coordinator).get_json())
    not_allowed = _post(client, ward, f"{base}/forward", department="so-xd")
    assert not_allowed.status_code == 403
    assert not_allowed.get_json()["error"]["code"] == "action_not_allowed"
    unknown = _post(client, coordinator, f"{base}/forward", department="khong-co")
    assert (
        unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "unknown_department"
    )
    # The public timeline shows the hand-offs but not the internal reason.
    public = client.get(f"/public/v1/reports/{report}").get_json()
    assert "Thuộc thẩm quyền phường." not in str(public)
    assert [e["type"] for e in public["timeline"]][-2:] == ["return", "forward"]


def test_coordinator_rejects_and_marks_duplicates(client, staff, resident, submit):
    coordinator = staff("coordinator")
    headers = resident()
    first = submit(headers).get_json()["code"]
    second = submit(headers).get_json()["code"]
    third = submit(headers).get_json()["code"]
    dup = _post(client, coordinator, f"/staff/v1/reports/{second}/duplicate", original=first)
    assert dup.get_json()["status"] == "duplicate"
    rejected = _post(
        client,
        coordinator,
        f"/staff/v1/reports/{third}/reject",
        reason="Nội dung không phải phản ánh hiện trường.",
    )
    assert rejected.get_json()["status"] == "rejected"
    # Rejected reports leave the public board; the resident still sees theirs.
    assert client.get(f"/public/v1/reports/{third}").status_code == 404
    mine = client.get(f"/mobile/v1/reports/{third}", headers=headers).get_json()
    assert mine["status"] == "rejected"
    officer = staff("so-xd.officer")
    assert (
        _post(client, officer, f"/staff/v1/reports/{first}/reject", reason="x").status_code == 403
    )


def test_close_only_after_resolution(client, staff, report):
    coordinator = staff("coordinator")
    early = _post(client, coordinator, f"/staff/v1/reports/{report}/close")
    assert early.status_code == 409


def test_department_staff_cannot_probe_other_reports(client, staff, resident, submit, report):
    """Permission is checked before anything is looked up: same answer, existing or not."""
    officer = staff("so-xd.officer")
    hidden = submit(resident(), category="chieu-sang").get_json()["code"]  # another unit's
    answers = [
        _post(client, officer, f"/staff/v1/reports/{report}/duplicate", original=code).get_json()
        for code in (hidden, "PA-1999-000001")
    ]
    assert answers[0] == answers[1] and answers[0]["error"]["code"] == "action_not_allowed"
    forwards = [
        _post(client, officer, f"/staff/v1/reports/{report}/forward", department=code)
        for code in ("chieu-sang", "khong-co")
    ]
    assert {f.status_code for f in forwards} == {403}


def test_no_duplicate_cycles(client, staff, resident, submit):
    coordinator = staff("coordinator")
    headers = resident()
    a, b = (submit(headers).get_json()["code"] for _ in range(2))
    _post(client, coordinator, f"/staff/v1/reports/{a}/duplicate", original=b)
    # b's original would be a, whose original is b: refused, not a loop.
    back = _post(client, coordinator, f"/staff/v1/reports/{b}/duplicate", original=a)
    assert back.status_code == 422 and back.get_json()["error"]["code"] == "same_report"


def test_forwarding_to_the_same_unit_is_refused_in_any_state(client, staff, report):
    officer, coordinator = staff("so-xd.officer"), staff("coordinator")
    _post(client, officer, f"/staff/v1/reports/{report}/start")
    again = _post(client, coordinator, f"/staff/v1/reports/{report}/forward", department="so-xd")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_assigned"
    assert client.get(f"/staff/v1/reports/{report}", headers=officer).get_json()["status"] == (
        "in_progress"
    )


def test_list_queries_do_not_grow_with_the_page(app, client, staff, resident, submit):
    coordinator, headers = staff("coordinator"), resident()

    def statements(n_reports: int) -> int:
        while client.get("/staff/v1/reports", headers=coordinator).get_json()["total"] < n_reports:
            submit(headers)
        count, _response = count_statements(client, "/staff/v1/reports?page_size=50", coordinator)
        return count

    assert statements(2) == statements(6)


def test_if_match_refuses_an_action_on_a_stale_view(client, staff, report):
    officer = staff("so-xd.officer")
    base = f"/staff/v1/reports/{report}"
    version = client.get(base, headers=officer).get_json()["version"]
    accepted = client.post(f"{base}/accept", headers={**officer, "If-Match": f'"{version}"'})
    assert accepted.status_code == 200
    assert accepted.get_json()["version"] > version
    stale = client.post(
        f"{base}/updates", json={"note": "Cập nhật"}, headers={**officer, "If-Match": str(version)}
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "concurrent_update"
    bad = client.post(f"{base}/updates", json={"note": "x"}, headers={**officer, "If-Match": "x"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_if_match"
    fresh = accepted.get_json()["version"]
    ok = client.post(
        f"{base}/updates",
        json={"note": "Cập nhật"},
        headers={**officer, "If-Match": f'W/"{fresh}"'},
    )
    assert ok.status_code == 200
