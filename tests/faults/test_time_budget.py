"""The per-request time budget on PostgreSQL: a statement past REQUEST_TIME_BUDGET_SECONDS
is cancelled (statement_timeout) and the request answers 503 time_budget_exceeded, in
both languages, with nothing of it written."""

from __future__ import annotations

import time

from sqlalchemy import text

from backend.db import commit, db
from tests.faults.conftest import build_app, service_env

YEAR = 1901  # a report_sequences row no real report uses


def test_a_request_over_its_time_budget_answers_503_and_writes_nothing(city_db, tmp_path):
    env = service_env(city_db, tmp_path / "media", REQUEST_TIME_BUDGET_SECONDS="1")
    app = build_app(env)

    # A slow request of the test's own (the production app has no such route): it writes,
    # then runs a statement longer than the budget, then would commit.
    def slow():
        db.session.execute(
            text("INSERT INTO report_sequences (year, last_value) VALUES (:y, 0)"), {"y": YEAR}
        )
        db.session.execute(text("SELECT pg_sleep(3)"))
        commit()
        return {"done": True}

    app.add_url_rule("/_test/slow", view_func=slow, methods=["POST"])
    client = app.test_client()
    started = time.monotonic()
    response = client.post("/_test/slow")
    elapsed = time.monotonic() - started
    assert response.status_code == 503, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "time_budget_exceeded"
    assert error["message"]["en"].startswith("The server could not answer in time")
    assert error["message"]["vi"] and error["message"]["vi"] != error["message"]["en"]
    assert response.headers["Retry-After"]
    assert 0.9 < elapsed < 2.5  # cancelled at the budget, not after the 3 s statement
    with app.app_context():
        written = db.session.execute(
            text("SELECT count(*) FROM report_sequences WHERE year = :y"), {"y": YEAR}
        ).scalar()
        assert written == 0
        # A normal request on the same pool still works.
        assert client.get("/public/v1/departments").status_code == 200
        db.engine.dispose()
