"""The demo gives Sở Xây dựng work of its own in every state, on any day, and addresses
that do not name the city twice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from backend.db import db
from backend.demo_data import CITY_NAME, DESK_WORK
from backend.demo_vinh_long import REPORTS as VL_REPORTS
from backend.models import Report, StaffUser
from backend.seed import seed_demo
from backend.services import desk
from backend.services.desk import Queue
from backend.services.queries import DeskFilter

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.username == username))


@pytest.mark.parametrize(
    "now, due_today",
    [
        (datetime(2026, 11, 25, 10, tzinfo=VN), 1),  # a Wednesday morning
        (datetime(2026, 11, 28, 21, tzinfo=VN), 0),  # Saturday night: nothing due today
    ],
)
def test_the_demo_fills_sở_xây_dựngs_desk(app, empty_db, now, due_today):
    seed_demo(reports=2, now=now)
    counted = desk.counts(staff("so-xd.officer"), now)
    assert counted[Queue.TO_ACCEPT] == 2  # one nobody has yet, one given to an officer
    assert counted[Queue.IN_PROGRESS] == 3
    assert counted[Queue.OVERDUE] == 1
    assert counted[Queue.DUE_TODAY] == due_today
    assert counted[Queue.DUE_THIS_WEEK] >= due_today
    mine = desk.counts(staff("so-xd.officer2"), now, desk=DeskFilter(assignee="me"))
    assert mine[Queue.OPEN] == 4  # the head gave four to the second officer
    # Vĩnh Long, the second province, files its own reports.
    assert db.session.query(Report).count() == 2 + 2 + len(DESK_WORK) + len(VL_REPORTS)


def test_demo_addresses_leave_the_place_to_the_page(app, empty_db):
    seed_demo(reports=10, now=datetime(2026, 11, 25, 10, tzinfo=VN))
    addresses = [a for a in db.session.scalars(select(Report.address)) if a]
    assert addresses and not any(a.endswith(CITY_NAME) for a in addresses)
