"""The coordinators hear of what waits for their decision and no deadline announces: a
unit's extension request and a report a unit returned. Only the coordinator accounts
(role coordinator, active), not the administrators or the units."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import current_app
from sqlalchemy import select

from backend.db import commit, db
from backend.domain.roles import Role
from backend.models import Department, StaffUser
from notifications.models import Notification, NotificationKind
from tests.conftest import post_json
from tests.factories import working_day


@pytest.fixture
def daytime(app):
    app.config["QUIET_HOURS"] = (datetime.min.time(), datetime.min.time())  # no quiet hours


@pytest.fixture
def coordinators(city) -> list[str]:
    """The demo's coordinator, a second active one (no unit) and a deactivated one."""
    for username, active in (("coordinator2", True), ("coordinator-old", False)):
        account = StaffUser(
            username=username, full_name=username, role=Role.COORDINATOR, active=active
        )
        account.set_password("demo", current_app.config.get("PASSWORD_HASH_METHOD", "argon2"))
        db.session.add(account)
    commit()
    return ["coordinator", "coordinator2"]


@pytest.fixture
def code(submit, daytime, coordinators) -> str:
    """A pothole routed to Sở Xây dựng."""
    return submit(description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]


def _told(kind: NotificationKind) -> list[str]:
    rows = db.session.scalars(
        select(Notification).where(Notification.kind == kind).order_by(Notification.staff_id)
    )
    return sorted(db.session.get(StaffUser, row.staff_id).username for row in rows)


def _unit_name() -> str:
    """Sở Xây dựng's name as the demo city names it."""
    return db.session.scalar(select(Department.name).where(Department.code == "so-xd"))


def test_an_extension_request_tells_the_coordinators(client, staff, code, coordinators):
    proposed = working_day(40)
    asked = post_json(
        client,
        staff("so-xd.officer"),
        f"/staff/v1/reports/{code}/extensions",
        reason="Chờ vật tư.",
        proposed_date=proposed,
    )
    assert asked.status_code == 200, asked.get_json()
    assert _told(NotificationKind.EXTENSION_REQUESTED) == coordinators  # not admin, not so-xd
    coordinator = staff("coordinator")
    inbox = client.get("/staff/v1/inbox", headers=coordinator).get_json()["items"]
    told = inbox[0]
    assert (told["kind"], told["report_code"]) == ("extension_requested", code)
    day = datetime.fromisoformat(proposed).strftime("%d/%m/%Y")
    assert told["title"] == f"Đơn vị xin gia hạn phản ánh {code}"
    unit = _unit_name()
    assert told["body"] == f"{unit} xin gia hạn đến ngày {day}; vui lòng xem và quyết định."
    english = client.get("/staff/v1/inbox?locale=en", headers=coordinator).get_json()["items"]
    assert english[0]["title"] == f"Extension requested for report {code}"
    assert english[0]["body"] == (
        f"{unit} asks to move the deadline to {day}; decide on the report."
    )
    assert "Chờ vật tư" not in told["body"]  # the unit's reason stays on the report

    # Deciding clears it from the deciding coordinator's inbox (not from the other one's).
    request_id = client.get(f"/staff/v1/reports/{code}/extensions", headers=coordinator)
    request_id = request_id.get_json()[0]["id"]
    decided = post_json(
        client,
        coordinator,
        f"/staff/v1/reports/{code}/extensions/{request_id}/decision",
        approve=False,
    )
    assert decided.status_code == 200, decided.get_json()
    rows = db.session.scalars(
        select(Notification).where(Notification.kind == NotificationKind.EXTENSION_REQUESTED)
    ).all()
    read = {db.session.get(StaffUser, r.staff_id).username: r.read_at is not None for r in rows}
    assert read == {"coordinator": True, "coordinator2": False}


def test_a_returned_report_tells_the_coordinators(client, staff, code, coordinators):
    returned = post_json(
        client,
        staff("so-xd.head"),
        f"/staff/v1/reports/{code}/return",
        reason="Không thuộc thẩm quyền của Sở.",
    )
    assert returned.status_code == 200, returned.get_json()
    assert _told(NotificationKind.REPORT_RETURNED) == coordinators
    told = client.get("/staff/v1/inbox", headers=staff("coordinator2")).get_json()["items"][0]
    assert told["kind"] == "report_returned"
    assert told["title"] == f"Phản ánh {code} bị trả lại để phân công lại"
    unit = _unit_name()
    assert told["body"] == (
        f"{unit} đã trả lại phản ánh “Hư hỏng đường, ổ gà”; lý do ghi trong phản ánh."
    )
    english = client.get("/staff/v1/inbox?locale=en", headers=staff("coordinator2")).get_json()
    assert english["items"][0]["title"] == f"Report {code} returned for reassignment"
    assert f"{unit} returned the “" in english["items"][0]["body"]
    assert "thẩm quyền" not in told["body"]  # the reason stays on the report
    # The unit that returned it, and the administrator, hear nothing of it.
    for username in ("so-xd.head", "so-xd.officer", "admin"):
        items = client.get("/staff/v1/inbox", headers=staff(username)).get_json()["items"]
        assert "report_returned" not in [i["kind"] for i in items], username
