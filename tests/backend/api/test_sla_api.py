"""SLA features end to end through the staff, mobile and public APIs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.db import commit, db
from backend.models import Report, StaffUser
from backend.services import sla
from tests.conftest import post_json as _post


@pytest.fixture
def report(resident, submit):
    headers = resident()
    body = submit(headers).get_json()
    return body["code"], headers


def _future_working_day(days: int) -> str:
    cal = sla.working_calendar()
    day = datetime.now(UTC).astimezone(cal.tz).date() + timedelta(days=days)
    while not cal.is_working_day(day):
        day += timedelta(days=1)
    return day.isoformat()


def test_deadlines_are_shown_to_staff_resident_and_public(client, staff, report):
    code, headers = report
    staff_view = client.get(f"/staff/v1/reports/{code}", headers=staff("so-xd.officer")).get_json()
    handle = staff_view["deadlines"]["clocks"]["handle"]
    assert handle["status"] == "running" and handle["working_hours_left"] > 100
    assert handle["department"] == "so-xd" and not handle["extended"]
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["deadlines"]["clocks"]["handle"]["due_at"] == handle["due_at"]
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert public["deadlines"]["overdue"] is False
    board = client.get("/public/v1/reports").get_json()["items"][0]
    assert board["overdue"] is False and board["working_days_late"] is None


def test_request_information_and_the_residents_answer(client, staff, report):
    code, headers = report
    officer = staff("so-xd.officer")
    asked = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/request-info",
        question="Xin cho biết số nhà cụ thể?",
    )
    assert asked.status_code == 200
    assert asked.get_json()["deadlines"]["waiting_for_resident"] is True
    assert asked.get_json()["deadlines"]["clocks"]["handle"]["status"] == "paused"
    again = _post(client, officer, f"/staff/v1/reports/{code}/request-info", question="?")
    assert again.status_code == 409
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["timeline"][-1]["note"] == "Xin cho biết số nhà cụ thể?"
    answered = _post(client, headers, f"/mobile/v1/reports/{code}/info", text="Số 12.")
    assert answered.status_code == 200
    assert answered.get_json()["deadlines"]["waiting_for_resident"] is False
    twice = _post(client, headers, f"/mobile/v1/reports/{code}/info", text="Số 12.")
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "no_information_requested"


def test_extension_request_and_decision(client, staff, report):
    code, _headers = report
    officer, coordinator = staff("so-xd.officer"), staff("coordinator")
    proposed = _future_working_day(40)
    asked = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/extensions",
        reason="Chờ vật tư.",
        proposed_date=proposed,
    )
    assert asked.status_code == 200, asked.get_json()
    pending = client.get(f"/staff/v1/reports/{code}/extensions", headers=officer).get_json()
    assert [e["status"] for e in pending] == ["pending"]
    # Only the coordinator decides; a second request waits for the first.
    denied = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/extensions/{pending[0]['id']}/decision",
        approve=True,
    )
    assert denied.status_code == 403
    second = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/extensions",
        reason="Lần hai",
        proposed_date=proposed,
    )
    assert second.status_code == 409
    decided = _post(
        client,
        coordinator,
        f"/staff/v1/reports/{code}/extensions/{pending[0]['id']}/decision",
        approve=True,
        note="Đồng ý gia hạn.",
    )
    handle = decided.get_json()["deadlines"]["clocks"]["handle"]
    assert handle["extended"] is True and handle["due_at"].startswith(proposed)
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert any("gia hạn" in (e["note"] or "") for e in public["timeline"])
    bad = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/extensions",
        reason="x",
        proposed_date="2020-01-06",
    )
    assert bad.status_code == 422


def test_overdue_report_apology_is_public(client, staff, report):
    code, headers = report
    officer = staff("so-xd.officer")
    early = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/apology",
        reason="x",
        promised_date=_future_working_day(3),
    )
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "apology_not_due"
    sla.sweep(datetime.now(UTC) + timedelta(days=60))
    commit()
    view = client.get(f"/staff/v1/reports/{code}", headers=officer).get_json()
    assert view["deadlines"]["overdue"] is True and "apology" in view["allowed_actions"]
    board = client.get("/public/v1/reports").get_json()["items"][0]
    assert board["overdue"] is True and board["working_days_late"] is not None
    apology = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/apology",
        reason="Thiếu nhân lực do mưa bão.",
        promised_date=_future_working_day(5),
    )
    assert apology.status_code == 200
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert "Thiếu nhân lực do mưa bão." in public["timeline"][-1]["note"]
    assert public["deadlines"]["clocks"]["handle"]["promised_due_at"]
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["timeline"][-1]["type"] == "apology"
    once = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/apology",
        reason="Lại trễ",
        promised_date=_future_working_day(9),
    )
    assert once.status_code == 409 and once.get_json()["error"]["code"] == "apology_already_given"


def test_timeliness_figures(client, staff, report):
    code, _ = report
    officer, coordinator = staff("so-xd.officer"), staff("coordinator")
    client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={"response": "Xong."},
        headers=officer,
        content_type="multipart/form-data",
    )
    today = datetime.now(UTC).date()
    query = f"from={today - timedelta(days=2)}&to={today + timedelta(days=2)}"
    mine = client.get(f"/staff/v1/stats/timeliness?{query}", headers=officer).get_json()
    assert [f["department"]["code"] for f in mine] == ["so-xd"]
    assert mine[0]["received"] == 1 and mine[0]["resolved_on_time"] == 1
    assert mine[0]["on_time_rate"] == 1.0
    everyone = client.get(f"/staff/v1/stats/timeliness?{query}", headers=coordinator).get_json()
    assert len(everyone) > 5
    one = client.get(
        f"/staff/v1/stats/timeliness?{query}&department=chieu-sang", headers=coordinator
    ).get_json()
    assert one[0]["received"] == 0 and one[0]["on_time_rate"] is None
    bad = client.get(
        "/staff/v1/stats/timeliness?from=2026-02-01&to=2026-01-01", headers=coordinator
    )
    assert bad.status_code == 422


def test_policies_and_calendar_are_administered(client, staff, resident, submit):
    admin, officer = staff("admin"), staff("so-xd.officer")
    policies = client.get("/staff/v1/admin/sla-policies", headers=admin).get_json()
    normal = next(p for p in policies if p["severity"] == "normal" and p["category"] is None)
    assert (normal["accept_hours"], normal["handle_days"], normal["publish_days"]) == (8, 15, 2)
    assert normal["source"] == "default"
    forbidden = _post(
        client,
        officer,
        "/staff/v1/admin/sla-policies",
        severity="normal",
        accept_hours=4,
        handle_days=10,
        publish_days=1,
    )
    assert forbidden.status_code == 403
    created = _post(
        client,
        admin,
        "/staff/v1/admin/sla-policies",
        severity="normal",
        category="giao-thong",
        accept_hours=4,
        handle_days=10,
        publish_days=1,
    )
    assert created.status_code == 201 and created.get_json()["handle_days"] == 10
    invalid = _post(
        client,
        admin,
        "/staff/v1/admin/sla-policies",
        severity="normal",
        accept_hours=4,
        handle_days=10,
        handle_hours=3,
        publish_days=1,
    )
    assert invalid.status_code == 422
    body = submit(resident()).get_json()
    handle = body["deadlines"]["clocks"]["handle"]
    started = datetime.fromisoformat(handle["started_at"])
    cal = sla.working_calendar()
    assert datetime.fromisoformat(handle["due_at"]) == cal.add_days(started, 10)

    year = client.get("/staff/v1/admin/calendar?year=2026", headers=admin).get_json()
    assert {"date": "2026-02-17", "name": "Lunar New Year"} in year["holidays"]
    assert "2026-08-22" in year["weekend_working_days"]
    put = client.put(
        "/staff/v1/admin/calendar/exceptions/2026-11-24",
        json={"kind": "ignore_holiday", "note": "Chưa có văn bản"},
        headers=admin,
    )
    assert put.status_code == 200
    # The admin's province's calendar (the national one for a national admin).
    province = db.session.query(StaffUser).filter_by(username="admin").one().province_id
    assert sla.working_calendar(province).is_working_day(datetime(2026, 11, 24).date())
    year = client.get("/staff/v1/admin/calendar?year=2026", headers=admin).get_json()
    assert [{k: v for k, v in e.items() if k != "scope"} for e in year["exceptions"]] == [
        {"date": "2026-11-24", "kind": "ignore_holiday", "note": "Chưa có văn bản"}
    ]
    gone = client.delete("/staff/v1/admin/calendar/exceptions/2026-11-24", headers=admin)
    assert gone.status_code == 204
    db.session.remove()
    assert not sla.working_calendar(province).is_working_day(datetime(2026, 11, 24).date())
    assert (
        client.put(
            "/staff/v1/admin/calendar/exceptions/24-11-2026",
            json={"kind": "day_off"},
            headers=admin,
        ).status_code
        == 422
    )


def test_reports_resolved_directly_have_a_published_answer(client, staff, report):
    code, _ = report
    client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={"response": "Xong."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    view = client.get(f"/public/v1/reports/{code}").get_json()["deadlines"]["clocks"]
    assert view["handle"]["status"] == "on_time" and view["publish"]["status"] == "on_time"
    assert db.session.query(Report).filter_by(code=code).one().waiting_since is None


def test_the_residents_answer_is_not_public(client, staff, report, resident):
    code, headers = report
    _post(
        client, staff("so-xd.officer"), f"/staff/v1/reports/{code}/request-info", question="Số nhà?"
    )
    _post(client, headers, f"/mobile/v1/reports/{code}/info", text="Tôi là An, 0901234567")
    assert "0901234567" not in client.get(f"/public/v1/reports/{code}").get_data(as_text=True)
    other = client.get(f"/mobile/v1/reports/{code}", headers=resident("+84908888888"))
    assert "0901234567" not in other.get_data(as_text=True)
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["timeline"][-1]["note"] == "Tôi là An, 0901234567"
    unit = client.get(f"/staff/v1/reports/{code}", headers=staff("so-xd.officer")).get_json()
    assert unit["timeline"][-1]["note"] == "Tôi là An, 0901234567"


def test_a_supervising_unit_reads_but_does_not_apologise(client, staff, resident, submit):
    code = submit(resident(), category="chieu-sang").get_json()["code"]
    sla.sweep(datetime.now(UTC) + timedelta(days=60))
    commit()
    supervisor = staff("so-xd.officer")  # supervises the lighting company
    assert client.get(f"/staff/v1/reports/{code}", headers=supervisor).status_code == 200
    for path, body in (
        ("apology", {"reason": "x", "promised_date": _future_working_day(5)}),
        ("extensions", {"reason": "x", "proposed_date": _future_working_day(50)}),
    ):
        response = _post(client, supervisor, f"/staff/v1/reports/{code}/{path}", **body)
        assert response.status_code == 403, path


@pytest.mark.parametrize(
    "path, body",
    [
        (
            "/staff/v1/admin/sla-policies",
            {"severity": "normal", "accept_hours": 8, "handle_days": 2500, "publish_days": 2},
        ),
        (
            "/staff/v1/admin/sla-policies",
            {"severity": "normal", "accept_hours": 8, "handle_hours": 99999, "publish_days": 2},
        ),
    ],
)
def test_absurd_budgets_are_refused(client, staff, path, body):
    response = _post(client, staff("admin"), path, **body)
    assert response.status_code == 422


def test_far_dates_are_refused(client, staff, report):
    code, _ = report
    officer = staff("so-xd.officer")
    far = _post(
        client,
        officer,
        f"/staff/v1/reports/{code}/extensions",
        reason="x",
        proposed_date="9999-12-31",
    )
    assert far.status_code == 422 and "proposed_date" in far.get_json()["error"]["fields"]
    stats = client.get("/staff/v1/stats/timeliness?from=0001-01-01&to=9999-12-31", headers=officer)
    assert stats.status_code == 422
