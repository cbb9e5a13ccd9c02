"""Tracking codes stay unique and gap-free when residents submit at the same moment."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from backend.db import commit, db
from backend.services.intake import next_code


def test_concurrent_code_allocation_is_unique_and_contiguous(app, committed):
    now = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)  # a new year: the counter row is created
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                for _ in range(5):
                    codes.append(next_code(now))
                    commit()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(codes) == [f"PA-2027-{n:06d}" for n in range(1, 31)]


def test_year_follows_vietnam_time(app):
    # 23:30 UTC on 31 December is already New Year's Day in Hồ Chí Minh City.
    assert next_code(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)).startswith("PA-2027-")
