"""The officer a report is given to hears of it: once, and never from themselves."""

from __future__ import annotations

from datetime import datetime

import pytest

from backend.db import db
from backend.models import StaffUser
from notifications.models import Notification, NotificationKind
from tests.conftest import post_json


@pytest.fixture
def daytime(app):
    app.config["QUIET_HOURS"] = (datetime.min.time(), datetime.min.time())  # no quiet hours


@pytest.fixture
def code(submit, daytime):
    return submit(description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]


def _assign(client, headers, code, officer):
    response = post_json(client, headers, f"/staff/v1/reports/{code}/assignee", officer=officer)
    assert response.status_code == 200, response.get_json()
    return response


def _told(kind=NotificationKind.OFFICER_ASSIGNED) -> list[str]:
    rows = db.session.query(Notification).filter_by(kind=kind).order_by(Notification.id)
    return [row.staff_id and _username(row.staff_id) for row in rows]


def _username(staff_id: int) -> str:
    return db.session.get(StaffUser, staff_id).username


def test_the_assignee_is_told_once_even_when_the_request_is_retried(client, staff, code):
    head = staff("so-xd.head")
    _assign(client, head, code, "so-xd.officer2")
    _assign(client, head, code, "so-xd.officer2")  # a retry
    assert _told() == ["so-xd.officer2"]
    inbox = client.get("/staff/v1/inbox", headers=staff("so-xd.officer2")).get_json()["items"]
    assert (inbox[0]["kind"], inbox[0]["report_code"]) == ("officer_assigned", code)
    assert inbox[0]["title"] == f"Phản ánh {code} được giao cho bạn"
    assert "Hư hỏng đường, ổ gà" in inbox[0]["body"] and "Sở Xây dựng" in inbox[0]["body"]
    english = client.get("/staff/v1/inbox?locale=en", headers=staff("so-xd.officer2")).get_json()
    assert english["items"][0]["title"] == f"Report {code} assigned to you"
    # Nobody else of the unit is told of it (they heard of the report's arrival).
    others = client.get("/staff/v1/inbox", headers=staff("so-xd.officer")).get_json()["items"]
    assert "officer_assigned" not in [i["kind"] for i in others]


def test_reassigned_the_new_officer_is_told_unassigned_nobody(client, staff, code):
    head = staff("so-xd.head")
    _assign(client, head, code, "so-xd.officer")
    _assign(client, head, code, "so-xd.officer2")
    _assign(client, head, code, None)
    assert _told() == ["so-xd.officer", "so-xd.officer2"]


def test_taking_it_oneself_tells_nobody(app, client, staff, code):
    app.config["ASSIGN_BY_ANY_OFFICER"] = True
    _assign(client, staff("so-xd.officer"), code, "so-xd.officer")
    assert _told() == []
    _assign(client, staff("so-xd.officer"), code, "so-xd.officer2")  # handing it on
    assert _told() == ["so-xd.officer2"]
