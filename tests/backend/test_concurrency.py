"""Two staff members acting on the same report at the same moment cannot both win."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm.exc import StaleDataError

from backend.db import commit, db, utcnow
from backend.domain.workflow import Status, replay
from backend.models import Report, StaffUser
from backend.services import lookup, workflow

#: Several sessions and threads, each with its own connection: real commits.
pytestmark = pytest.mark.committed


@pytest.fixture
def code(resident, submit):
    return submit(resident()).get_json()["code"]


def _officer() -> StaffUser:
    return db.session.query(StaffUser).filter_by(username="so-xd.officer").one()


def test_the_second_of_two_interleaved_actions_is_refused(app, code):
    with app.app_context():  # request A reads the report (status "assigned")...
        officer_a = _officer()
        report_a = lookup.for_reader(officer_a, code)
        assert report_a.status == Status.ASSIGNED
        with app.app_context():  # ...request B reads, acts and commits first
            workflow.start(_officer(), lookup.for_reader(_officer(), code), utcnow())
            commit()
        # A still believes the report is "assigned": its write must not go through.
        with pytest.raises(StaleDataError):
            workflow.start(officer_a, report_a, utcnow())
            commit()
    report = db.session.query(Report).filter_by(code=code).one()
    assert [e.type for e in report.events].count("start") == 1


def test_parallel_http_requests_record_one_transition(app, code, staff):
    headers = staff("so-xd.officer")
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def act():
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/staff/v1/reports/{code}/start", json={}, headers=headers)
        statuses.append(response.status_code)
        if response.status_code == 409:
            assert response.get_json()["error"]["code"] in (
                "concurrent_update",
                "invalid_transition",
            )

    threads = [threading.Thread(target=act) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 5
    db.session.expire_all()
    report = db.session.query(Report).filter_by(code=code).one()
    state = replay((e.type, e.department_id) for e in report.events)
    assert state.status == report.status == Status.IN_PROGRESS
