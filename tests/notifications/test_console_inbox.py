"""The staff inbox in the console: the unread badge, marking read, only one's own, the language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, select

from backend.db import commit, db, rollback
from backend.domain.vocabulary import EventKind
from backend.models import Report, StaffUser
from backend.services import timeline, workflow
from notifications import console as inbox_module
from notifications.models import Notification, NotificationKind
from tests import factories
from tests.backend.console.conftest import console_sign_in, post_form
from tests.factories import file_report, new_resident

INBOX = "/console/notifications"
_BADGE = re.compile(
    r'<a href="/console/notifications"[^>]*>[^<]*(?:<span class="badge" data-count="(\d+)")?'
)


def _signed_in(app, username: str):
    client = app.test_client()
    assert console_sign_in(client, username).status_code == 302
    return client


def _badge(page) -> int | None:
    """The Notifications menu entry's badge (None: the entry shows none), asserting the
    entry is there."""
    found = _BADGE.search(page.get_data(as_text=True))
    assert found, "no Notifications entry in the console menu"
    return int(found.group(1)) if found.group(1) else None


def _rows(username: str) -> list[Notification]:
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    return list(
        db.session.scalars(
            select(Notification).where(Notification.staff_id == staff.id).order_by(Notification.id)
        )
    )


def _file(n: int = 1) -> str:
    """A pothole in Ninh Kiều, routed to Sở Xây dựng (its head and officers hear of it);
    returns its code."""
    report = file_report(new_resident(f"inbox-console-{n}", f"+8490000007{n}"), datetime.now(UTC))
    # A real RQ worker ends the session its jobs used: the report comes back detached.
    return db.session.scalar(select(Report.code).where(Report.id == inspect(report).identity[0]))


@pytest.fixture
def filed(city) -> str:
    return _file()


def test_an_assignment_shows_in_the_badge_and_reading_it_lowers_the_badge(app, city):
    officer = _signed_in(app, "so-xd.officer")
    assert _badge(officer.get("/console/desk")) is None  # nothing told yet
    code = _file()
    page = officer.get(INBOX)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and _badge(page) == 1
    assert f"Phản ánh mới {code}" in html  # Vietnamese by default
    assert f'href="/console/reports/{code}"' in html
    assert 'class="tag tag-unread"' in html  # said in words, not only in colour
    (row,) = _rows("so-xd.officer")
    assert row.kind == NotificationKind.NEW_ASSIGNMENT and row.read_at is None
    # Looking (the inbox, the desk) marks nothing.
    assert _badge(officer.get("/console/desk")) == 1

    done = post_form(officer, f"{INBOX}/{row.id}/read", {"then": "inbox"}, page=INBOX)
    assert done.status_code == 303 and done.headers["Location"] == INBOX
    after = officer.get(INBOX)
    assert _badge(after) is None
    assert 'class="tag tag-unread"' not in after.get_data(as_text=True)
    db.session.refresh(row)
    assert row.read_at is not None
    # The unit's head was told separately and has still read nothing.
    head = _signed_in(app, "so-xd.head")
    assert _badge(head.get(INBOX)) == 1


def test_mark_read_and_open_goes_to_the_report(app, filed):
    officer = _signed_in(app, "so-xd.officer")
    (row,) = _rows("so-xd.officer")
    done = post_form(officer, f"{INBOX}/{row.id}/read", {"then": "report"}, page=INBOX)
    assert done.status_code == 303
    assert done.headers["Location"] == f"/console/reports/{filed}"
    db.session.refresh(row)
    assert row.read_at is not None


def test_another_persons_notification_is_not_found_and_stays_unread(app, filed):
    (heads,) = _rows("so-xd.head")
    officer = _signed_in(app, "so-xd.officer")
    refused = post_form(officer, f"{INBOX}/{heads.id}/read", page=INBOX)
    assert refused.status_code == 404
    assert post_form(officer, f"{INBOX}/{10**9}/read", page=INBOX).status_code == 404
    db.session.refresh(heads)
    assert heads.read_at is None
    assert _badge(_signed_in(app, "so-xd.head").get(INBOX)) == 1


def test_mark_all_read_marks_only_ones_own(app, filed):
    _file(2)
    officer = _signed_in(app, "so-xd.officer")
    assert _badge(officer.get(INBOX)) == 2
    done = post_form(officer, f"{INBOX}/read-all", page=INBOX)
    assert done.status_code == 303 and done.headers["Location"] == INBOX
    assert _badge(officer.get(INBOX)) is None
    assert all(r.read_at is not None for r in _rows("so-xd.officer"))
    assert all(r.read_at is None for r in _rows("so-xd.head"))


def test_marking_needs_the_forms_csrf_token(app, filed):
    officer = _signed_in(app, "so-xd.officer")
    (row,) = _rows("so-xd.officer")
    for path in (f"{INBOX}/{row.id}/read", f"{INBOX}/read-all"):
        refused = officer.post(path, data={"then": "inbox"})
        assert refused.status_code == 400
        assert 'data-code="csrf_failed"' in refused.get_data(as_text=True)
    db.session.refresh(row)
    assert row.read_at is None


def test_the_english_page_is_in_english(app, filed):
    officer = _signed_in(app, "so-xd.officer")
    page = officer.get(f"{INBOX}?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="en">' in html
    assert f"New report {filed}" in html
    assert "was assigned to your unit" in html
    assert "Mark all as read" in html and ">Unread<" in html
    assert "Phản ánh mới" not in html
    assert _badge(page) == 1


def test_pages_are_newest_first_and_bad_page_numbers_are_refused(app, filed, monkeypatch):
    newer = _file(2)
    monkeypatch.setattr(inbox_module, "PAGE_SIZE", 1)
    officer = _signed_in(app, "so-xd.officer")
    first = officer.get(f"{INBOX}?lang=en").get_data(as_text=True)
    assert f"New report {newer}" in first and filed not in first
    assert "Page 1 of 2" in first and f'href="{INBOX}?page=2"' in first
    second = officer.get(f"{INBOX}?page=2").get_data(as_text=True)
    assert filed in second and newer not in second
    assert officer.get(f"{INBOX}?page=9").status_code == 200  # past the end: an empty page
    for bad in ("0", "abc", "-1", "²", "9" * 5000, "1.5"):
        refused = officer.get(f"{INBOX}?page={bad}")
        assert refused.status_code == 422, bad
    (row, _) = _rows("so-xd.officer")
    assert (
        post_form(officer, f"{INBOX}/{row.id}/read", {"page": "x"}, page=INBOX).status_code == 422
    )


@pytest.mark.parametrize("username", ["coordinator", "admin", "moderator", "so-xd.head"])
def test_every_staff_role_has_the_inbox(app, city, username):
    client = _signed_in(app, username)
    page = client.get(INBOX)
    assert page.status_code == 200
    _badge(page)


def test_signed_out_browsers_are_sent_to_sign_in(client, city):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login")


# ---- acting on a report reads what one was told about it ----------------------------------


def _report(code: str) -> Report:
    return db.session.scalar(select(Report).where(Report.code == code))


def test_acting_on_a_report_in_the_console_marks_its_notifications_read(app, city):
    first, second = _file(1), _file(2)
    officer = _signed_in(app, "so-xd.officer")
    assert _badge(officer.get(INBOX)) == 2
    page = f"/console/reports/{first}"
    assert officer.get(page).status_code == 200  # reading the report marks nothing
    assert _badge(officer.get(INBOX)) == 2
    done = post_form(
        officer,
        f"{page}/act/accept",
        {"version": str(_report(first).version)},
        page=page,
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    rows = {row.report.code: row for row in _rows("so-xd.officer")}
    accepted = _report(first).events[-1]
    assert accepted.type == "accept" and rows[first].read_at == accepted.at
    assert rows[second].read_at is None  # another report's: still unread
    assert _badge(officer.get(INBOX)) == 1
    # The head was told too and did nothing: theirs stays unread.
    assert [r.read_at for r in _rows("so-xd.head")] == [None, None]


def test_acting_through_the_staff_api_marks_them_read_too(app, client, city):
    code = _file()
    headers = factories.sign_in_staff(client, "so-xd.head")
    factories.staff_action(client, headers, code, "start", note="Đã cử đội thi công.")
    db.session.expire_all()
    (row,) = _rows("so-xd.head")
    assert row.read_at == _report(code).events[-1].at
    (officers,) = _rows("so-xd.officer")
    assert officers.read_at is None


def test_a_refused_or_rolled_back_action_marks_nothing(app, client, city):
    code = _file()
    headers = factories.sign_in_staff(client, "so-xd.officer")
    refused = client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    report = _report(code)
    officer = db.session.scalar(select(StaffUser).where(StaffUser.username == "so-xd.officer"))
    workflow.accept(officer, report, datetime.now(UTC))
    rollback()
    db.session.expire_all()
    assert [r.read_at for r in _rows("so-xd.officer")] == [None]


def test_the_platforms_own_entries_mark_nothing(app, client, city):
    code = _file()
    report = _report(code)
    timeline.note(report, EventKind.SLA_REMINDER, datetime.now(UTC), data={"clock": "handle"})
    commit()
    db.session.expire_all()
    rows = _rows("so-xd.officer")
    assert [r.kind for r in rows] == ["new_assignment", "sla_reminder"]
    assert all(r.read_at is None for r in rows)
