"""What a request answers when the database fails, decided in backend.resilience: one retry
of a safe request that lost its connection, 503 for what is worth trying again (with a
Retry-After long enough for a write's idempotency lease), 500 for a real bug."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from backend.app import create_app
from backend.config import Settings


def _lost() -> OperationalError:
    orig = psycopg.OperationalError("server closed the connection unexpectedly")
    return OperationalError("SELECT 1", {}, orig, connection_invalidated=True)


def _sqlite(message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))


FAILURES = {
    "lost": _lost,
    "pool": lambda: PoolTimeout("QueuePool limit reached"),
    "missing_table": lambda: _sqlite("no such table: reports"),
    "locked": lambda: _sqlite("database is locked"),
}


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    """An app of its own (routes are added before its first request) whose test routes
    fail once with the named error, then answer 200; ``calls`` counts the attempts."""
    folder = tmp_path_factory.mktemp("resilience")
    app = create_app(
        Settings.from_env({"DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}),
        overrides={"TESTING": True, "RATELIMIT_ENABLED": False},
    )
    calls: dict[str, int] = {}

    def view(kind: str):
        calls[kind] = calls.get(kind, 0) + 1
        if calls[kind] == 1:
            raise FAILURES[kind]()
        return {"ok": True}

    app.add_url_rule("/_test/fail/<kind>", view_func=view, methods=["GET", "POST"])
    return app, calls


def _call(failing, method: str, kind: str):
    app, calls = failing
    calls.pop(kind, None)
    response = app.test_client().open(f"/_test/fail/{kind}", method=method)
    return response, calls.get(kind, 0)


def test_a_read_that_lost_its_connection_is_retried_once_and_answers(failing):
    response, attempts = _call(failing, "GET", "lost")
    assert (response.status_code, attempts) == (200, 2)


def test_a_write_that_lost_its_connection_is_not_retried_and_waits_for_the_lease(failing):
    response, attempts = _call(failing, "POST", "lost")
    assert (response.status_code, attempts) == (503, 1)
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert response.headers["Retry-After"] == "60"  # the Idempotency-Key's lease


def test_an_exhausted_pool_is_answered_at_once_not_waited_for_twice(failing):
    response, attempts = _call(failing, "GET", "pool")
    assert (response.status_code, attempts) == (503, 1)
    assert response.headers["Retry-After"] == "5"


def test_a_busy_sqlite_file_is_a_503_and_a_missing_table_a_real_500(failing):
    busy, attempts = _call(failing, "GET", "locked")
    assert (busy.status_code, attempts) == (503, 1)
    bug, attempts = _call(failing, "GET", "missing_table")
    assert (bug.status_code, attempts) == (500, 1)
    assert bug.get_json()["error"]["code"] == "internal_error"
