"""The report page in the console: what the unit reads and does, as forms."""

from __future__ import annotations

import io
import re

import pytest

from backend.db import db
from backend.models import Report, StaffUser
from tests.backend.console.conftest import csrf_token
from tests.factories import photo, sign_in_staff, staff_action, working_day


@pytest.fixture
def report(submit):
    response = submit()
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def _page(client, code):
    return client.get(f"/console/reports/{code}")


def _version(page) -> str:
    return re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True)).group(1)


def _act(client, code, action, data=None, *, version=None, **kw):
    page = _page(client, code)
    form = {"csrf_token": csrf_token(client, f"/console/reports/{code}")}
    form["version"] = version if version is not None else _version(page)
    form.update(data or {})
    return client.post(f"/console/reports/{code}/act/{action}", data=form, **kw)


def test_the_officer_sees_the_report_and_exactly_the_allowed_actions(console, report):
    client = console("so-xd.officer")
    page = _page(client, report)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert report in html and "Hai Bà Trưng" in html
    forms = re.findall(r'id="form-([a-z-]+)"', html)
    assert forms == [
        "accept",
        "start",
        "updates",
        "resolve",
        "return",
        "request-info",
        "extensions",
    ]
    assert 'id="reporter"' not in html  # units never learn who filed it
    assert 'id="mini-map"' in html and "/media/" in html  # the map and the photo


def test_another_units_report_is_a_404_page_like_the_api(console, report):
    client = console("chieu-sang.officer")
    page = _page(client, report)
    missing = _page(client, "PA-2099-999999")
    assert page.status_code == missing.status_code == 404
    code = re.compile(r'data-code="([a-z_]+)"')
    assert code.search(page.get_data(as_text=True)).group(1) == "report_not_found"
    assert code.search(missing.get_data(as_text=True)).group(1) == "report_not_found"
    assert _act(client, report, "accept", version="1").status_code == 404


def test_an_officer_accepts_starts_and_resolves_with_an_after_photo(console, report, run_jobs):
    client = console("so-xd.officer")
    assert _act(client, report, "accept").status_code == 302
    assert _act(client, report, "start", {"note": "Đã cử cán bộ kiểm tra."}).status_code == 302
    resolved = _act(
        client,
        report,
        "resolve",
        {
            "response": "Đã vá ổ gà.",
            "photos": [(io.BytesIO(photo("Canon_40D.jpg")), "after.jpg")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert resolved.status_code == 200
    run_jobs()
    public = client.get(f"/public/v1/reports/{report}").get_json()
    assert public["status"] == "resolved" and public["response"] == "Đã vá ổ gà."
    assert [p["kind"] for p in public["photos"]].count("after") == 1


def test_an_empty_file_input_is_not_a_photo(console, report):
    client = console("so-xd.officer")
    response = _act(
        client,
        report,
        "resolve",
        {"response": "Đã xử lý.", "photos": [(io.BytesIO(b""), "")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert db.session.query(Report).filter_by(code=report).one().status == "resolved"


def test_a_missing_answer_is_a_clear_message_and_changes_nothing(console, report):
    client = console("so-xd.officer")
    response = _act(client, report, "resolve", {"response": "  "})
    assert response.status_code == 422
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert db.session.query(Report).filter_by(code=report).one().status == "assigned"


def test_the_second_of_two_officers_acting_at_once_is_told_and_sees_the_fresh_report(
    console, report, app, client
):
    first = console("so-xd.officer")
    stale = _version(_page(first, report))
    api = sign_in_staff(app.test_client(), "so-xd.officer")
    staff_action(app.test_client(), api, report, "start", note="Bắt đầu.")
    response = _act(first, report, "updates", {"note": "Cập nhật"}, version=stale)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "flash-warning" in html
    assert _version(response) != stale  # the page now shows the fresh report
    events = db.session.query(Report).filter_by(code=report).one().events
    assert [e.type for e in events].count("update") == 0


def test_an_action_the_policy_refuses_is_a_clear_conflict(console, report):
    client = console("so-xd.officer")
    response = _act(client, report, "close")
    assert response.status_code == 403  # as the staff API answers: not this role's action
    assert "flash-error" in response.get_data(as_text=True)


def test_an_unknown_action_is_a_404(console, report):
    client = console("so-xd.officer")
    assert _act(client, report, "explode").status_code == 404


def test_the_coordinator_forwards_a_returned_report_with_the_routing_suggestion(
    console, submit, app
):
    report = submit(category="chieu-sang").get_json()["code"]
    unit = app.test_client()
    staff_action(
        unit, sign_in_staff(unit, "chieu-sang.officer"), report, "return", reason="Không phải."
    )
    client = console("coordinator")
    html = _page(client, report).get_data(as_text=True)
    assert 'id="reporter"' in html  # the coordinator sees who filed it
    assert 'id="form-forward"' in html
    # The rules name street lighting's unit, which has just returned it: said, not chosen.
    assert re.search(r'<option value="[a-z-]+" selected>', html) is None
    hint = re.search(r'id="routing-hint">([^<]+)<', html).group(1)
    assert "Trung tâm" in hint or "chiếu sáng" in hint.lower(), hint
    response = _act(client, report, "forward", {"department": "so-xd", "note": ""})
    assert response.status_code == 302
    assert db.session.query(Report).filter_by(code=report).one().department.code == "so-xd"


def test_a_post_without_its_csrf_token_changes_nothing(console, report):
    client = console("so-xd.officer")
    version = _version(_page(client, report))
    response = client.post(f"/console/reports/{report}/act/accept", data={"version": version})
    assert response.status_code == 400
    assert db.session.query(Report).filter_by(code=report).one().accepted_at is None


def test_a_refused_form_comes_back_open_with_what_was_typed(console, report):
    client = console("so-xd.officer")
    _act(client, report, "accept")
    response = _act(
        client,
        report,
        "extensions",
        {"reason": "Chờ vật tư thay thế.", "proposed_date": "2020-01-06"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Chờ vật tư thay thế.</textarea>" in html  # nothing typed is lost
    assert 'value="2020-01-06"' in html
    assert '<details id="form-extensions" open>' in html  # that form, open
    assert "proposed_date" not in html.split('class="flashes"')[1].split("</div>")[0]


def test_returning_a_report_lands_on_the_desk_not_on_a_404(console, report):
    client = console("so-xd.officer")
    response = _act(client, report, "return", {"reason": "Không thuộc thẩm quyền."})
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/desk"


def test_opened_from_triage_the_back_link_leads_back_there(console, report):
    client = console("coordinator")
    html = client.get(f"/console/reports/{report}?from=triage").get_data(as_text=True)
    assert re.search(r'href="/console/triage" id="back"', html)
    assert f"/console/reports/{report}/act/updates?from=triage" in html
    plain = client.get(f"/console/reports/{report}?from=https://evil.example").get_data(
        as_text=True
    )
    assert re.search(r'href="/console/desk" id="back"', plain)


def test_the_timeline_names_who_acted(console, report):
    client = console("so-xd.officer")
    _act(client, report, "accept")
    html = _page(client, report).get_data(as_text=True)
    officer = db.session.query(StaffUser).filter_by(username="so-xd.officer").one()
    assert f'<span class="note actor">· {officer.full_name or officer.username}</span>' in html


def test_a_generic_validation_error_names_the_fields_by_their_labels(console, report):
    client = console("so-xd.officer")
    response = _act(client, report, "extensions", {"reason": "Chờ vật tư.", "proposed_date": "x"})
    assert response.status_code == 422
    flashes = response.get_data(as_text=True).split('class="flashes"')[1].split("</div>")[0]
    assert "Ngày đề nghị gia hạn mới" in flashes or "hạn mới" in flashes, flashes
    assert "proposed_date" not in flashes


def test_a_form_without_the_officer_field_does_not_take_the_report_back(console, report):
    client = console("so-xd.head")
    _act(client, report, "assignee", {"officer": "so-xd.officer"})
    assert db.session.query(Report).filter_by(code=report).one().assignee.username == (
        "so-xd.officer"
    )
    response = _act(client, report, "assignee", {})
    assert response.status_code == 422
    assert db.session.query(Report).filter_by(code=report).one().assignee is not None


def test_two_posts_racing_past_the_version_check_show_the_fresh_report(
    console, report, monkeypatch
):
    from sqlalchemy.orm.exc import StaleDataError

    from backend.console import actions

    client = console("so-xd.officer")
    spec = actions.ACTIONS[actions.A.UPDATE]

    def lost_the_race(*args):
        raise StaleDataError("UPDATE statement on table 'reports' expected to update 1 row")

    monkeypatch.setitem(
        actions.ACTIONS,
        actions.A.UPDATE,
        actions.ConsoleAction(spec.action, spec.label, spec.schema, lost_the_race, spec.done),
    )
    response = _act(client, report, "updates", {"note": "Đang thi công."})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "flash-warning" in html and "Đang thi công.</textarea>" in html


def test_the_next_unit_never_reads_what_was_decided_on_the_previous_units_extension(
    console, report, app
):
    api = app.test_client()
    officer, coordinator = (sign_in_staff(api, n) for n in ("so-xd.officer", "coordinator"))
    staff_action(
        api, officer, report, "extensions", reason="Chờ vật tư.", proposed_date=working_day(25)
    )
    (asked,) = api.get(f"/staff/v1/reports/{report}/extensions", headers=officer).get_json()
    staff_action(
        api,
        coordinator,
        report,
        f"extensions/{asked['id']}/decision",
        approve=False,
        note="Ghi chú nội bộ: nhà thầu cũ bị phạt.",
    )
    staff_action(api, officer, report, "return", reason="Không thuộc thẩm quyền.")
    staff_action(api, coordinator, report, "forward", department="chieu-sang")
    page = _page(console("chieu-sang.officer"), report).get_data(as_text=True)
    assert "nhà thầu cũ bị phạt" not in page and 'id="extensions"' not in page
    lighting = sign_in_staff(api, "chieu-sang.officer")
    assert api.get(f"/staff/v1/reports/{report}/extensions", headers=lighting).get_json() == []
    # The coordinator still reads the whole history.
    assert (
        len(api.get(f"/staff/v1/reports/{report}/extensions", headers=coordinator).get_json()) == 1
    )
