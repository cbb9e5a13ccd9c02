"""The staff console under attack: what probing the console found (a ``next`` that breaks
the redirect, digits that are not ASCII, forms that drop their version, the CSV streamed
after its request has ended, idle sessions), and the attacks it withstands that no other
test pins down (another session's CSRF token, state changes by GET, escaped user text)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.config import Settings, flask_config
from backend.console.forms import InvalidVersion
from backend.db import commit, db, utcnow
from backend.models import Report, StaffUser
from backend.services import staff_admin, staff_sessions
from tests.backend.console.conftest import console_sign_in, csrf_token, post_form

TARGET = "/console/reports/{code}/act/{action}"


@pytest.fixture
def report(submit):
    response = submit()
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def _version(client, code) -> str:
    page = client.get(f"/console/reports/{code}").get_data(as_text=True)
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _act(client, code, action, data):
    form = {"csrf_token": csrf_token(client, f"/console/reports/{code}"), **data}
    return client.post(TARGET.format(code=code, action=action), data=form)


def _accepted(code) -> bool:
    return db.session.scalar(select(Report).filter_by(code=code)).accepted_at is not None


def _sign_in(client, next_target):
    token = csrf_token(client)
    form = {"username": "coordinator", "password": "demo", "csrf_token": token}
    return client.post("/console/login", data={**form, "next": next_target})


# ---- where signing in leads ---------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["/console\r\nSet-Cookie: x=1", "/console/desk\nX-Injected: 1", "/console/\x7fdesk"],
    ids=["crlf", "lf", "del"],
)
def test_a_next_with_a_line_break_goes_home_and_is_never_a_server_error(client, city, target):
    signed_in = _sign_in(client, target)
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/console/"
    # Signed in already, the sign-in page sends the browser straight on: the same rule.
    again = client.get("/console/login", query_string={"next": target})
    assert again.status_code == 302
    assert again.headers["Location"] == "/console/"


@pytest.mark.parametrize(
    "target",
    [
        "/consolex/desk",
        "/console.evil.example/x",
        "/console/../staff/v1/me",
        "/console/%2e%2e/portal",
        "/console/./../x",
    ],
)
def test_sign_in_leads_only_to_a_console_page(client, city, target):
    response = _sign_in(client, target)
    assert response.headers["Location"] == "/console/", target


@pytest.mark.parametrize("target", ["/console/desk?queue=all&q=%C4%91%C3%A8n", "/console"])
def test_a_console_page_with_its_query_is_still_where_sign_in_leads(client, city, target):
    assert _sign_in(client, target).headers["Location"] == target


# ---- the version every action form carries ------------------------------------------------


@pytest.mark.parametrize("version", ["²", "1²"])
def test_a_version_in_superscript_digits_is_a_422_page_not_a_server_error(console, report, version):
    # str.isdigit() says yes to "²", int() says no.
    client = console("so-xd.officer")
    response = _act(client, report, "accept", {"version": version})
    assert response.status_code == 422
    assert not _accepted(report)


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "1.0", "9" * 20])
def test_a_form_without_a_readable_version_changes_nothing(console, report, version):
    # A form that lost its version would act on whatever the report has become meanwhile:
    # the one protection against a silent overwrite would be skipped.
    client = console("so-xd.officer")
    data = {} if version is None else {"version": version}
    response = _act(client, report, "accept", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="flash flash-error"' in html
    assert InvalidVersion().in_language("vi") in html  # says what is wrong, not "invalid"
    assert not _accepted(report)


def test_an_extension_id_in_superscript_digits_is_a_422_page(console, report):
    client = console("so-xd.officer")
    data = {"version": _version(client, report), "extension_id": "²", "approve": "true"}
    response = _act(client, report, "decide-extension", data)
    assert response.status_code == 422


def test_a_double_submit_acts_once_and_the_second_is_told(console, report):
    client = console("so-xd.officer")
    version = _version(client, report)
    assert _act(client, report, "accept", {"version": version}).status_code == 302
    again = _act(client, report, "accept", {"version": version})
    assert again.status_code == 409
    assert "flash-warning" in again.get_data(as_text=True)
    events = db.session.scalar(select(Report).filter_by(code=report)).events
    assert [e.type for e in events].count("accept") == 1


# ---- the CSV export ------------------------------------------------------------------------


def test_the_csv_export_is_written_after_the_request_has_ended(console, report):
    client = console("so-xd.officer")
    response = client.get("/console/desk.csv?queue=all", buffered=False)
    assert response.status_code == 200
    # The rows are written while the browser downloads, after the view returned. In
    # production the request's app context has ended by then and Flask-SQLAlchemy has
    # removed its session (the test's app context stays pushed, so remove it here): every
    # row read before, the signed-in person included, is detached.
    db.session.remove()
    body = response.get_data(as_text=True)
    assert report in body
    assert response.headers["Cache-Control"] == "no-store"


# ---- sessions ------------------------------------------------------------------------------


def _officer() -> StaffUser:
    return db.session.scalar(select(StaffUser).filter_by(username="so-xd.officer"))


def test_a_person_at_work_is_never_signed_out_as_idle(app, city):
    # The last use is written now and then, not on every page: with a short idle limit a
    # person opening a page every four minutes must not look five minutes idle.
    lifetimes = staff_sessions.Lifetimes(absolute=timedelta(hours=12), idle=timedelta(minutes=5))
    start = utcnow()
    token, _row = staff_sessions.open_session(_officer(), start, lifetimes)
    for minutes in (4, 8, 12, 16, 20):
        at = start + timedelta(minutes=minutes)
        assert staff_sessions.check(token, at, lifetimes) is not None, minutes
    assert staff_sessions.check(token, start + timedelta(minutes=20 + 6), lifetimes) is None


def test_idle_and_expired_sessions_end(app, city):
    lifetimes = staff_sessions.Lifetimes(absolute=timedelta(hours=1), idle=timedelta(minutes=30))
    start = utcnow()
    idle, _ = staff_sessions.open_session(_officer(), start, lifetimes)
    # Idle is counted from the last use as written (at most a tenth of the limit late).
    assert staff_sessions.check(idle, start + timedelta(minutes=34), lifetimes) is None
    assert staff_sessions.check(idle, start + timedelta(minutes=1), lifetimes) is None  # ended
    busy, _ = staff_sessions.open_session(_officer(), start, lifetimes)
    for minutes in range(10, 60, 10):
        assert staff_sessions.check(busy, start + timedelta(minutes=minutes), lifetimes)
    assert staff_sessions.check(busy, start + timedelta(minutes=61), lifetimes) is None


def test_in_production_the_cookie_is_secure_and_the_csrf_check_strict(tmp_path):
    key = "k4Jx9QzR2mVt7LpW8nYc3HbF6sDg1AeU5oKi0"  # see tests/backend/test_config.py
    env = {"APP_ENV": "production", "DATABASE_URL": "postgresql://db/x", "SECRET_KEY": key}
    config = flask_config(Settings.from_env(env), str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["WTF_CSRF_SSL_STRICT"] is True  # on HTTPS a form must come from this site
    development = flask_config(Settings.from_env({}), str(tmp_path))
    assert development["SESSION_COOKIE_SECURE"] is False  # http://127.0.0.1 in the demo


def test_a_session_ended_by_deactivation_stays_ended_after_reactivation(console):
    # An administrator deactivates the account and reactivates it (the staff service every
    # account change goes through): the old cookie stays refused.
    client = console("so-xd.officer")
    admin = db.session.scalar(select(StaffUser).filter_by(username="admin"))
    staff_admin.update_staff(admin, "so-xd.officer", {"active": False}, utcnow())
    commit()
    staff_admin.update_staff(admin, "so-xd.officer", {"active": True}, utcnow())
    commit()
    assert client.get("/console/desk").status_code == 302


def test_another_sessions_csrf_token_is_refused(console, app):
    mine = console("so-xd.officer")
    other = app.test_client()
    token = csrf_token(mine, "/console/account")
    assert console_sign_in(other, "so-xd.head").status_code == 302
    response = other.post("/console/logout-everywhere", data={"csrf_token": token})
    assert response.status_code == 400
    assert other.get("/console/desk").status_code == 200


def test_the_token_of_a_signed_out_session_is_refused_after_signing_in_again(console):
    client = console("so-xd.officer")
    old = csrf_token(client, "/console/account")
    post_form(client, "/console/logout")
    console("so-xd.officer")
    assert client.post("/console/logout", data={"csrf_token": old}).status_code == 400
    assert client.get("/console/desk").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/console/logout",
        "/console/logout-everywhere",
        "/console/reports/{code}/act/accept",
        "/console/notifications/read-all",
    ],
)
def test_no_get_changes_anything(console, report, path):
    client = console("so-xd.officer")
    assert client.get(path.format(code=report)).status_code == 405
    assert client.get("/console/desk").status_code == 200
    assert not _accepted(report)


# ---- what the pages show ---------------------------------------------------------------------

PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _signed_in(app, username):
    client = app.test_client()
    assert console_sign_in(client, username).status_code == 302
    return client


def test_a_residents_markup_is_text_on_every_page(app, submit):
    response = submit(description=f"Ổ gà {PAYLOAD}", address=f"Bến {PAYLOAD}")
    code = response.get_json()["code"]
    for username, path in (
        ("so-xd.officer", f"/console/reports/{code}"),
        ("so-xd.officer", "/console/desk?queue=all"),
        ("coordinator", f"/console/reports/{code}"),
        ("coordinator", "/console/desk?queue=all&q=%3Cscript%3E"),
    ):
        html = _signed_in(app, username).get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, (username, path)
        assert "&lt;script&gt;" in html or "&lt;img" in html, (username, path)


def test_an_officer_may_not_give_a_report_to_anyone_but_its_units_officers(console, report):
    client = console("so-xd.head")
    for name in ("chieu-sang.officer", "moderator", "coordinator", "admin", "nobody-at-all"):
        response = _act(
            client, report, "assignee", {"version": _version(client, report), "officer": name}
        )
        assert response.status_code == 422, name
    assert db.session.scalar(select(Report).filter_by(code=report)).assignee_id is None


# ---- the supervising unit, and another unit's reports --------------------------------------

#: Plausible input for every action's form (each action reads its own fields).
_FIELDS = {
    "start": {"note": "Bắt đầu"},
    "updates": {"note": "Cập nhật"},
    "resolve": {"response": "Đã sửa"},
    "return": {"reason": "Không phải việc của đơn vị"},
    "forward": {"department": "so-xd"},
    "reject": {"reason": "Không rõ"},
    "duplicate": {"original": "PA-2026-000001"},
    "request-info": {"question": "Ở đâu?"},
    "extensions": {"reason": "Cần thêm thời gian", "proposed_date": "2026-12-30"},
    "decide-extension": {"extension_id": "1", "approve": "true"},
    "apology": {"reason": "Xin lỗi", "promised_date": "2026-12-30"},
    "assignee": {"officer": "chieu-sang.officer"},
}


def test_the_supervising_unit_reads_an_escalated_case_and_changes_nothing(app, monkeypatch):
    import backend.console.reports
    from backend.services.policy import StaffAction
    from tests.backend.desk_scenario import NOW, build

    monkeypatch.setattr(backend.console.reports, "utcnow", lambda: NOW)
    codes = build()
    code = codes["light"]  # the lighting company's, escalated to so-xd (which supervises it)
    client = _signed_in(app, "so-xd.head")
    page = client.get(f"/console/reports/{code}")
    assert page.status_code == 200
    assert 'id="form-' not in page.get_data(as_text=True)  # no form to act with
    before = db.session.scalar(select(Report).filter_by(code=code))
    version, events = before.version, len(before.events)
    for action in StaffAction:
        data = {"version": str(version), **_FIELDS.get(action.value, {})}
        response = _act(client, code, action.value, data)
        assert response.status_code in (403, 404, 409, 422), action
    db.session.expire_all()
    after = db.session.scalar(select(Report).filter_by(code=code))
    assert (after.version, len(after.events), after.assignee_id) == (version, events, None)


def test_the_csv_never_holds_another_units_report(console, submit):
    pothole = submit().get_json()["code"]  # so-xd's
    noise = submit(category="o-nhiem", description="Tiếng ồn karaoke").get_json()["code"]
    client = console("so-xd.officer")
    for query in ("queue=all", "queue=all&department=so-nnmt", f"queue=all&q={noise}"):
        response = client.get(f"/console/desk.csv?{query}")
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 422), query
        assert noise not in body, query
    assert pothole in client.get("/console/desk.csv?queue=all").get_data(as_text=True)
