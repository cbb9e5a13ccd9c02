"""The test harness itself: every test starts from the demo city and nothing else.

The tests here run in file order: each "...is_gone" test checks that what the test
before it wrote, committed, enqueued or saved did not outlive it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import current_app

from backend.db import after_commit, commit, db
from backend.models import Department, Photo, Report, Resident, StaffUser
from backend.models.photo import RenditionStatus
from backend.storage import get_storage

PHONE = "+84909990001"


def test_the_demo_city_is_there_without_seeding(city):
    assert db.session.query(Department).filter_by(code="ioc").count() == 1
    assert db.session.query(StaffUser).filter_by(username="so-xd.officer").count() == 1
    assert db.session.query(Report).count() == 0


def test_a_view_commits_its_hooks_run_and_jobs_see_its_rows(client, resident, submit):
    ran: list[str] = []
    db.session.add(Resident(firebase_uid="harness-direct", phone="+84909990002"))
    after_commit(lambda: ran.append("hook"))
    commit()
    assert ran == ["hook"]
    response = submit(resident(PHONE))
    assert response.status_code == 201, response.get_json()
    # The renditions job ran after the view's commit (inline, or drained by run_jobs)
    # and saw the report's rows, which are only in the test's transaction.
    db.session.expire_all()
    photo = db.session.query(Photo).one()
    assert photo.rendition_status == RenditionStatus.READY
    assert get_storage().exists(photo.original_key)
    current_app.config["HARNESS_FLAG"] = True


def test_what_the_test_before_wrote_is_gone(app):
    assert (
        db.session.query(Resident).filter(Resident.phone.in_([PHONE, "+84909990002"])).all() == []
    )
    assert db.session.query(Report).count() == db.session.query(Photo).count() == 0
    assert "HARNESS_FLAG" not in app.config
    media = Path(app.config["MEDIA_ROOT"])
    assert not media.exists() or not any(media.rglob("*"))


def test_empty_db_has_no_rows_at_all(empty_db):
    assert db.session.query(Department).count() == db.session.query(StaffUser).count() == 0


def test_after_empty_db_the_city_is_back(city):
    assert db.session.query(Department).filter_by(code="ioc").count() == 1


def test_committed_rows_are_seen_from_another_connection(app, city, committed):
    db.session.add(Resident(firebase_uid="harness-committed", phone=PHONE))
    commit()
    seen: list[int] = []

    def other_thread():
        with app.app_context():
            seen.append(db.session.query(Resident).filter_by(phone=PHONE).count())
            db.session.remove()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == [1]


def test_committed_rows_are_gone_and_the_city_is_back(city):
    assert db.session.query(Resident).filter_by(phone=PHONE).count() == 0
    assert db.session.query(Department).filter_by(code="ioc").count() == 1
