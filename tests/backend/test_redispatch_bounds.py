"""Re-dispatching renditions stays bounded: one batch per pass (the oldest first), no pass
while the queue is already deep, the scheduler's catch-up at most once a minute; and the
scheduler retries only what waiting can heal (Redis unreachable), never after a stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis.exceptions import AuthenticationError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.exceptions import StopRequested

from backend import jobs, tasks
from backend.db import commit, db
from backend.models import Photo
from backend.models.photo import RenditionStatus
from tests.factories import file_report, new_resident, run_jobs

COPIES = ("report_id", "kind", "original_key", "mime", "width", "height", "size_bytes")


def _pending_photos(count: int, filed: datetime) -> list[int]:
    """``count`` pending photos (their jobs lost), copies of a real one, filed at ``filed``."""
    file_report(new_resident("bounded", "+84900000091"), filed)
    model = db.session.query(Photo).order_by(Photo.id.desc()).first()
    fields = {name: getattr(model, name) for name in COPIES}
    photos = [
        Photo(**fields, sha256=f"{n:064x}", created_at=filed, rendition_status="pending")
        for n in range(count)
    ]
    db.session.add_all(photos)
    commit()
    return [p.id for p in photos]


def _pending(ids: list[int]) -> list[int]:
    db.session.expire_all()
    found = db.session.query(Photo.id).filter(
        Photo.id.in_(ids), Photo.rendition_status == RenditionStatus.PENDING
    )
    return sorted(i for (i,) in found)


@pytest.fixture
def rq_only(app):
    if jobs.redis_connection() is None:
        pytest.skip("needs REDIS_URL (the PostgreSQL + Redis pass)")
    jobs.redis_connection().delete(tasks.CATCH_UP_KEY)
    yield jobs.get_queue()
    jobs.redis_connection().delete(tasks.CATCH_UP_KEY)


def test_pending_renditions_are_redispatched_in_bounded_passes_oldest_first(app, city, monkeypatch):
    monkeypatch.setattr(tasks, "REDISPATCH_BATCH", 2)
    filed = datetime.now(UTC) - timedelta(minutes=5)
    ids = _pending_photos(5, filed)
    passes = []
    while _pending(ids) and len(passes) < 5:
        passes.append(tasks.redispatch_renditions())
        if jobs.redis_connection() is not None:
            assert jobs.get_queue().count == passes[-1]  # one pipelined batch, no more
        run_jobs()
    assert passes == [2, 2, 1]
    assert _pending(ids) == []


def test_a_pass_is_skipped_while_the_queue_is_deep(app, city, monkeypatch, rq_only):
    monkeypatch.setattr(tasks, "REDISPATCH_BATCH", 2)
    ids = _pending_photos(3, datetime.now(UTC) - timedelta(minutes=5))
    assert tasks.redispatch_renditions() == 2
    assert tasks.redispatch_renditions() == 0  # those two still wait: nothing added
    assert rq_only.count == 2
    run_jobs()
    assert _pending(ids) == ids[2:]  # oldest first
    assert tasks.redispatch_renditions() == 1


def test_the_catch_up_runs_at_most_once_a_minute(app, city, monkeypatch, rq_only):
    ids = _pending_photos(2, datetime.now(UTC))  # fresh: only the catch-up takes them
    assert tasks.catch_up_renditions() == 2
    run_jobs()
    db.session.query(Photo).filter(Photo.id.in_(ids)).update({"rendition_status": "pending"})
    commit()
    assert tasks.catch_up_renditions() == 0  # another scheduler started within the minute
    assert rq_only.count == 0
    assert 0 < jobs.redis_connection().ttl(tasks.CATCH_UP_KEY) <= tasks.CATCH_UP_EVERY


class _Scheduler:
    """RQ's cron scheduler, its start failing as told."""

    failures: list[BaseException] = []

    def __init__(self, connection):
        pass

    def register(self, *args, **kwargs):
        pass

    def start(self):
        if self.failures:
            raise self.failures.pop(0)


class _Queue:
    def enqueue(self, *args, **kwargs):
        pass


@pytest.fixture
def scheduler(monkeypatch):
    monkeypatch.setattr(jobs, "CronScheduler", _Scheduler)
    monkeypatch.setattr(jobs, "redis_connection", lambda: None)
    monkeypatch.setattr(jobs, "get_queue", _Queue)
    sleeps = []
    monkeypatch.setattr(jobs.time, "sleep", sleeps.append)
    return sleeps


def test_the_scheduler_waits_for_an_unreachable_redis(scheduler):
    _Scheduler.failures = [RedisConnectionError("refused"), RedisTimeoutError("slow")]
    jobs.run_scheduler([])
    assert scheduler == [jobs.REDIS_RETRY_SECONDS] * 2


@pytest.mark.parametrize(
    "error", [AuthenticationError("invalid password"), ResponseError("NOPERM no rights")]
)
def test_the_scheduler_exits_on_a_misconfigured_redis(scheduler, error):
    _Scheduler.failures = [error]
    with pytest.raises(type(error)):
        jobs.run_scheduler([])
    assert scheduler == []


def test_the_scheduler_is_not_restarted_after_a_stop(scheduler, monkeypatch):
    _Scheduler.failures = [RedisConnectionError("refused")]

    def stop(seconds):
        raise StopRequested

    monkeypatch.setattr(jobs.time, "sleep", stop)
    jobs.run_scheduler([])  # returns instead of starting again
    assert _Scheduler.failures == []
