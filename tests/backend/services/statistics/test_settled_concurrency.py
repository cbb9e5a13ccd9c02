"""Two transactions settling one report at once (PostgreSQL, real commits): the stored
figures are those of everything both committed, whichever settles first.

Settling reads the report's clocks and ratings and writes its cases' figures. Without a
lock, a transaction that read before another one committed would write what it read over
the other's figures: here the reporter's unsatisfied rating would be lost from the
statistics because a follower answered at the same moment.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import text

from backend.db import commit, db
from backend.models import Rating, Resident
from backend.services import ratings, statistics, workflow
from backend.services.statistics import Period, Scope
from backend.services.statistics.settled import settle_pending
from tests.backend.services.statistics.test_settled import stored
from tests.backend.services.statistics.worked_out import worked_out_figures
from tests.backend.services.test_sla import at, clock, user

pytestmark = pytest.mark.committed

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
NOW = at(2026, 12, 2, 9)
UNIT = Scope(department="so-xd")


def _waiting_on_a_lock(seconds: float = 10.0) -> bool:
    """Whether another connection of this database waits on a lock (within ``seconds``)."""
    deadline = time.monotonic() + seconds
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            ).scalar()
            conn.rollback()
            if waiting:
                return True
            time.sleep(0.05)
    return False


def test_a_rating_and_a_follower_answering_at_once_both_count(app, file_report):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    report = file_report(at(2026, 11, 2, 8))
    workflow.resolve(user("so-xd.officer"), report, at(2026, 11, 4, 8), "Đã vá.", [], max_photos=6)
    commit()
    follower = Resident(firebase_uid="follower", phone="+84900000002")
    db.session.add(follower)
    commit()
    report_id, clock_id, follower_id = report.id, clock(report, "handle").id, follower.id
    assert stored(report)["case_score"] is None

    # The reporter rates 1 (unsatisfied): flushed and settled, not committed yet.
    ratings.rate(report.reporter, report.code, at(2026, 11, 5, 8), 1, "Chưa ổn", window_days=7)
    settle_pending()

    failures: list[BaseException] = []

    def follower_answers():
        try:
            with app.app_context():
                db.session.add(
                    Rating(
                        report_id=report_id,
                        clock_id=clock_id,
                        resident_id=follower_id,
                        kind="follower",
                        helped=True,
                        created_at=at(2026, 11, 5, 8),
                    )
                )
                commit()  # settles the report too
                db.session.remove()
        except BaseException as exc:  # reported to the test below
            failures.append(exc)

    other = threading.Thread(target=follower_answers)
    other.start()
    assert _waiting_on_a_lock(), "the follower's transaction should wait for the rating's"
    commit()
    other.join(30)
    assert not other.is_alive() and not failures, failures

    assert stored(report)["case_score"] == 1
    assert stored(report)["case_deduction"] == "unsatisfied"
    figures = statistics.summary(UNIT, NOVEMBER, NOW)["figures"]
    assert (figures["ratings"], figures["unsatisfied"]) == (1, 1)
    assert figures == worked_out_figures(UNIT, NOVEMBER, NOW)
