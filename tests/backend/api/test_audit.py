"""The audit log through the APIs and the console: every staff action leaves one entry,
every reading of a reporter's identity too, and an administrator searches them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from backend.db import db
from backend.models import AuditAction, AuditEntry, Report
from tests.backend.console.conftest import console_sign_in, csrf_token
from tests.factories import staff_action

GOOD = "Cau-Rong-Can-Tho-2026"


@pytest.fixture
def console(client, city):
    def sign_in(username: str):
        assert console_sign_in(client, username).status_code == 302
        return client

    return sign_in


@pytest.fixture
def report(submit):
    response = submit()
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def _entries(action: AuditAction, code: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action.value)
    if code is not None:
        query = query.join(Report, Report.id == AuditEntry.report_id).where(Report.code == code)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_an_action_through_the_staff_api_leaves_one_entry(client, staff, report):
    staff_action(client, staff("so-xd.officer"), report, "accept")
    [entry] = _entries(AuditAction.REPORT_ACTION, report)
    assert entry.staff.username == "so-xd.officer"
    assert entry.detail == {"kind": "accept"}
    assert entry.address == "127.0.0.1"


def test_an_action_through_the_console_leaves_one_entry(client, console, report):
    console("so-xd.officer")
    page = client.get(f"/console/reports/{report}").get_data(as_text=True)
    version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": csrf_token(client, f"/console/reports/{report}"), "version": version}
    assert client.post(f"/console/reports/{report}/act/accept", data=form).status_code == 302
    [entry] = _entries(AuditAction.REPORT_ACTION, report)
    assert entry.staff.username == "so-xd.officer" and entry.detail == {"kind": "accept"}


def test_the_coordinator_reading_a_report_leaves_one_reporter_viewed(client, staff, report):
    headers = staff("coordinator")
    body = client.get(f"/staff/v1/reports/{report}", headers=headers).get_json()
    assert body["reporter"]
    [entry] = _entries(AuditAction.REPORTER_VIEWED, report)
    assert entry.staff.username == "coordinator"
    client.get(f"/staff/v1/reports/{report}", headers=headers)
    assert len(_entries(AuditAction.REPORTER_VIEWED, report)) == 2  # one per request


def test_the_coordinator_console_page_leaves_a_reporter_viewed(client, console, report):
    console("coordinator")
    assert 'id="reporter"' in client.get(f"/console/reports/{report}").get_data(as_text=True)
    assert [e.staff.username for e in _entries(AuditAction.REPORTER_VIEWED, report)] == [
        "coordinator"
    ]


def test_a_unit_officer_never_sees_the_reporter_and_leaves_no_entry(client, staff, report):
    body = client.get(f"/staff/v1/reports/{report}", headers=staff("so-xd.officer")).get_json()
    assert "reporter" not in body or body["reporter"] is None
    assert _entries(AuditAction.REPORTER_VIEWED) == []


def test_account_changes_are_recorded_without_the_password(client, staff):
    admin = staff("admin")
    new = {
        "username": "so-xd.officer9",
        "full_name": "Trần Thị D",
        "role": "department_officer",
        "unit": "so-xd",
        "password": GOOD,
    }
    assert client.post("/staff/v1/staff", json=new, headers=admin).status_code == 201
    changed = client.patch(
        "/staff/v1/staff/so-xd.officer9", json={"active": False, "full_name": "X"}, headers=admin
    )
    assert changed.status_code == 200
    reset = client.post(
        "/staff/v1/staff/so-xd.officer9/password", json={"password": GOOD + "x"}, headers=admin
    )
    assert reset.status_code == 204
    [created] = _entries(AuditAction.STAFF_CREATED)
    [change] = _entries(AuditAction.STAFF_CHANGED)
    [password] = _entries(AuditAction.PASSWORD_RESET)
    assert created.target.username == change.target.username == "so-xd.officer9"
    assert created.detail == {"role": "department_officer", "unit": "so-xd"}
    assert sorted(change.detail["fields"]) == ["active", "full_name"]
    assert password.staff.username == "admin" and password.detail is None
    for entry in (created, change, password):
        assert GOOD not in json.dumps(entry.detail)
    # The search answers show no password either.
    assert GOOD not in client.get("/staff/v1/audit", headers=admin).get_data(as_text=True)


def test_the_admin_searches_by_staff_report_action_and_day(client, staff, report, submit):
    other = submit().get_json()["code"]
    staff_action(client, staff("so-xd.officer"), report, "accept")
    staff_action(client, staff("so-xd.officer"), other, "accept")
    client.get(f"/staff/v1/reports/{report}", headers=staff("coordinator"))
    admin = staff("admin")

    def search(**query):
        response = client.get("/staff/v1/audit", query_string=query, headers=admin)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    everything = search()
    ats = [item["at"] for item in everything["items"]]
    assert ats == sorted(ats, reverse=True) and everything["total"] >= 3
    by_report = search(report=report)["items"]
    assert {i["action"] for i in by_report} == {"report_action", "reporter_viewed"}
    assert {i["report"] for i in by_report} == {report}
    viewed = search(action="reporter_viewed")["items"]
    assert [(i["staff"], i["report"]) for i in viewed] == [("coordinator", report)]
    assert {i["staff"] for i in search(staff="so-xd.officer")["items"]} == {"so-xd.officer"}
    assert search(staff="nobody")["total"] == 0
    assert search(**{"from": "2000-01-01", "to": "2000-01-02"})["total"] == 0
    page = search(page=1, page_size=1)
    assert len(page["items"]) == 1 and page["total"] == everything["total"]


@pytest.mark.parametrize(
    "query", [{"action": "nope"}, {"from": "yesterday"}, {"from": "2026-02-02", "to": "2026-02-01"}]
)
def test_bad_filters_are_the_error_envelope(client, staff, query):
    response = client.get("/staff/v1/audit", query_string=query, headers=staff("admin"))
    assert response.status_code == 422
    assert response.get_json()["error"]["message"]["en"]


@pytest.mark.parametrize("username", ["coordinator", "moderator", "so-xd.officer"])
def test_only_administrators_search(client, staff, username):
    response = client.get("/staff/v1/audit", headers=staff(username))
    assert response.status_code == 403
    assert client.get("/staff/v1/audit").status_code == 401
