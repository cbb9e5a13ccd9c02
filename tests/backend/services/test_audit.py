"""The audit service: what is recorded (a staff member's timeline entries, reporter
disclosures, account changes), what is not, and the administrator's search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend.db import commit, db, utcnow
from backend.errors import Forbidden
from backend.models import AuditAction, AuditEntry, StaffUser
from backend.services import accounts, audit, read_model, staff_admin, workflow

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
GOOD = "Cau-Rong-Can-Tho-2026"


def _account(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).filter_by(username=username))


def _entries(action: AuditAction | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action.value)
    return list(db.session.scalars(query))


def test_record_adds_an_entry_without_committing(city):
    admin = _account("admin")
    entry = audit.record(admin, AuditAction.STAFF_CHANGED, NOW, target=admin, address="10.0.0.1")
    assert entry in db.session.new
    db.session.flush()
    assert entry.action == "staff_changed" and entry.address == "10.0.0.1"
    with pytest.raises(ValueError):
        audit.record(admin, "staff_deleted", NOW)


def test_a_staff_members_timeline_entry_is_a_report_action_the_residents_none(file_report):
    report = file_report(NOW)  # submitted by a resident, routed by the system
    assert _entries() == []
    workflow.accept(_account("so-xd.officer"), report, NOW + timedelta(minutes=5))
    [entry] = _entries()
    assert entry.action == "report_action" and entry.report is report
    assert entry.staff.username == "so-xd.officer" and entry.detail == {"kind": "accept"}


def test_the_reporter_is_disclosed_to_oversight_once_per_request_never_to_a_unit(file_report):
    report = file_report(NOW)
    officer = read_model.build(_account("so-xd.officer"), report, NOW)
    assert officer.reporter is None and _entries() == []
    coordinator = _account("coordinator")
    view = read_model.build(coordinator, report, NOW)
    read_model.build(coordinator, report, NOW)  # the same request: one entry
    assert view.reporter is report.reporter
    commit()  # the disclosures are written with the next commit
    [entry] = _entries(AuditAction.REPORTER_VIEWED)
    assert entry.staff is coordinator and entry.report is report
    queue_row = read_model.build(_account("admin"), report, NOW, reporter=False)
    commit()
    assert queue_row.reporter is None and len(_entries(AuditAction.REPORTER_VIEWED)) == 1


def test_account_changes_name_the_fields_never_the_password(city):
    admin = _account("admin")
    new = {"username": "so-xd.officer9", "full_name": "D", "role": "department_officer"}
    staff = staff_admin.create_staff(admin, {**new, "unit": "so-xd", "password": GOOD}, NOW)
    staff_admin.update_staff(admin, "so-xd.officer9", {"role": "coordinator", "unit": None}, NOW)
    staff_admin.update_staff(admin, "so-xd.officer9", {"full_name": "D"}, NOW)  # no change
    staff_admin.reset_password(admin, "so-xd.officer9", GOOD + "1", NOW)
    accounts.change_own_password(staff, GOOD + "1", GOOD + "2", NOW)
    entries = _entries()
    assert [(e.action, e.staff.username) for e in entries] == [
        ("staff_created", "admin"),
        ("staff_changed", "admin"),
        ("password_reset", "admin"),
        ("password_reset", "so-xd.officer9"),
    ]
    assert entries[1].detail == {"fields": ["role", "unit"]}
    assert all(e.target is staff for e in entries)
    assert not any(GOOD in repr(e.detail) for e in entries)


def test_the_search_filters_and_orders_newest_first(file_report):
    first, second = file_report(NOW), file_report(NOW)
    officer = _account("so-xd.officer")
    workflow.accept(officer, first, NOW + timedelta(days=1))
    workflow.accept(officer, second, NOW + timedelta(days=3))
    read_model.build(_account("coordinator"), first, NOW + timedelta(days=2))
    commit()
    admin = _account("admin")

    def found(**filters):
        return [
            (e.action, e.report.code) for e in db.session.scalars(audit.search(admin, **filters))
        ]

    assert found() == [
        ("report_action", second.code),
        ("reporter_viewed", first.code),
        ("report_action", first.code),
    ]
    assert found(report=first.code) == found()[1:]
    assert found(action="reporter_viewed") == [("reporter_viewed", first.code)]
    assert found(staff="coordinator") == [("reporter_viewed", first.code)]
    assert found(staff="nobody") == []
    day = (NOW + timedelta(days=2)).date()
    assert found(date_from=day, date_to=day) == [("reporter_viewed", first.code)]
    assert found(date_from=day) == found()[:2]
    assert found(date_to=day) == found()[1:]


@pytest.mark.parametrize("username", ["coordinator", "moderator", "so-xd.officer"])
def test_only_an_administrator_searches(city, username):
    with pytest.raises(Forbidden):
        audit.search(_account(username))


def test_the_entry_time_is_the_actions(city):
    admin = _account("admin")
    before = utcnow()
    entry = audit.record(admin, AuditAction.PASSWORD_RESET, before, target=admin)
    db.session.flush()
    assert entry.at == before
