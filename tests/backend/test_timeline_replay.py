"""Every stored status can be rebuilt from the timeline (the demo covers all statuses)."""

from __future__ import annotations

from backend.db import db
from backend.domain.workflow import Status, replay
from backend.models import Report
from backend.seed import seed_demo


def test_demo_statuses_match_their_timelines(app, empty_db):
    seed_demo(reports=50)
    reports = db.session.query(Report).all()
    assert {r.status for r in reports} == {s.value for s in Status}
    for report in reports:
        state = replay((e.type, e.department_id) for e in report.events)
        assert state.status == report.status, report.code
        assert state.department_id == report.department_id, report.code
        times = [e.at for e in report.events]
        assert times == sorted(times)
