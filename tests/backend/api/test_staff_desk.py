"""A unit's desk: ordered by the next deadline, filtered by overdue, due soon, waiting."""

from __future__ import annotations

from datetime import timedelta

from backend.db import commit, db, utcnow
from backend.models import Report
from tests.conftest import post_json


def _due_in(code: str, delta: timedelta) -> None:
    report = db.session.query(Report).filter_by(code=code).one()
    handle = next(c for c in report.clocks if c.kind == "handle" and c.open)
    handle.due_at = utcnow() + delta
    commit()


def test_the_desk_sorts_by_deadline_and_filters_by_clock(client, staff, resident, submit):
    headers = resident()
    codes = [
        submit(headers, description=f"Ổ gà lớn số {n} trên đường Hai Bà Trưng").get_json()["code"]
        for n in range(4)
    ]
    later, soon, late, waiting = codes
    _due_in(later, timedelta(days=10))
    _due_in(soon, timedelta(hours=1))
    _due_in(late, timedelta(days=-1))
    _due_in(waiting, timedelta(days=5))
    officer = staff("so-xd.officer")
    asked = post_json(
        client, officer, f"/staff/v1/reports/{waiting}/request-info", question="Số nhà nào?"
    )
    assert asked.status_code == 200, asked.get_json()

    def desk(**query) -> list[str]:
        response = client.get("/staff/v1/reports", query_string=query, headers=officer)
        assert response.status_code == 200, response.get_json()
        return [r["code"] for r in response.get_json()["items"]]

    assert desk() == [waiting, late, soon, later]  # newest first by default
    assert desk(sort="due_at") == [late, soon, waiting, later]
    assert desk(sort="oldest") == [later, soon, late, waiting]
    assert desk(deadline="overdue") == [late]
    assert desk(deadline="due_soon") == [soon]
    assert desk(waiting="true") == [waiting]
    assert desk(waiting="false", sort="due_at") == [late, soon, later]
    bad = client.get("/staff/v1/reports?sort=deadline", headers=officer)
    assert bad.status_code == 422 and "sort" in bad.get_json()["error"]["fields"]
