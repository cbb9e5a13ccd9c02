"""Background jobs: what RQ workers run (inline on the embedded default).

Each job takes ids, reloads its rows, is idempotent, and commits its own work;
the services it calls never commit. The periodic ones are run by
``flask --app wsgi scheduler`` (RQ's cron scheduler) or by cron through the
CLI (``flask --app wsgi sla sweep``, ``flask --app wsgi jobs redispatch``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import delete, select
from sqlalchemy.orm.exc import StaleDataError

from backend.db import commit, db
from backend.jobs import RENDITIONS_JOB, dispatch, dispatch_many, get_queue, redis_connection
from backend.models import MediaDeletion, Photo
from backend.models.photo import RenditionStatus
from backend.services import idempotency, photos, resident_sessions, sla, staff_sessions
from backend.storage import get_storage

#: A rendition still pending after this long lost its job (Redis was down at the commit, a
#: worker died) or waits for the storage to come back: enqueue it again. Checked every
#: 30 seconds by the scheduler, which also runs every periodic job at once when Redis comes
#: back (backend.jobs.run_scheduler): a lost rendition is made within a minute of Redis
#: (or the storage) being back. A job still queued behind a longer backlog may run
#: twice; the second run finds the photo ready and does nothing.
REDISPATCH_AFTER = timedelta(seconds=30)
#: At most this many renditions enqueued again per pass (the oldest first), and no pass at
#: all while the queue already holds this many jobs: those waiting jobs do the work, and
#: enqueueing the same photos again every 30 s would only flood Redis.
REDISPATCH_BATCH = 1000
#: The catch-up at a scheduler's start runs at most once per CATCH_UP_EVERY seconds,
#: however many schedulers (re)start: the first to set this key does it.
CATCH_UP_KEY = "phananh:catch-up"
CATCH_UP_EVERY = 60

log = logging.getLogger(__name__)


def make_renditions(photo_id: int) -> None:
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.rendition_status != RenditionStatus.PENDING:
        return
    photos.make_renditions(photo)
    commit()


def redispatch_renditions(now: datetime | None = None, *, older_than=REDISPATCH_AFTER) -> int:
    """Re-enqueue renditions whose job never ran; safe to repeat (the job is idempotent).

    One bounded batch per pass, the oldest first; the next pass takes the next ones. No
    pass while the queue is already deep (see :data:`REDISPATCH_BATCH`)."""
    batch = REDISPATCH_BATCH
    if redis_connection() is not None:
        try:
            waiting = get_queue().count
        except RedisError as exc:
            log.warning("rendition re-dispatch skipped, Redis unreachable (%s)", exc)
            return 0
        if waiting >= batch:
            log.info("rendition re-dispatch skipped: %d jobs already queued", waiting)
            return 0
    ids = photos.stale_pending(now or datetime.now(UTC), older_than, limit=batch)
    db.session.remove()
    dispatch_many(RENDITIONS_JOB, ids)
    return len(ids)


def catch_up_renditions() -> int:
    """The pending renditions, whatever their age: run when the scheduler (re)starts, as
    Redis comes back after an outage (the jobs of the photos sent meanwhile were lost).
    At most once a minute across all schedulers (:data:`CATCH_UP_KEY`)."""
    conn = redis_connection()
    if conn is not None and not conn.set(CATCH_UP_KEY, "1", nx=True, ex=CATCH_UP_EVERY):
        log.info("rendition catch-up skipped: another ran less than a minute ago")
        return 0
    return redispatch_renditions(older_than=timedelta(0))


def rebuild_missing_renditions(*, batch: int = 500) -> int:
    """After a restore of the photo store from the originals alone: every ready photo whose
    public files are missing is made again (pending, then the rendition job). Idempotent:
    a second run finds nothing missing."""
    storage, after, count = get_storage(), 0, 0
    while True:
        found = db.session.scalars(
            select(Photo)
            .where(Photo.id > after, Photo.rendition_status == RenditionStatus.READY)
            .order_by(Photo.id)
            .limit(batch)
        ).all()
        if not found:
            return count
        after = found[-1].id
        missing = [
            p.id
            for p in found
            if not (p.thumb_key and storage.exists(p.thumb_key))
            or not (p.display_key and storage.exists(p.display_key))
        ]
        for photo in found:
            if photo.id in missing:
                photo.rendition_status = RenditionStatus.PENDING
        commit()
        for photo_id in missing:
            dispatch(RENDITIONS_JOB, photo_id)
        count += len(missing)


def delete_withdrawn_files(*, batch: int = 500) -> int:
    """Delete the stored files of withdrawn photos (hidden, or of a refused report), batch
    by batch; idempotent (a file already gone is no error). Enqueued after the commit that
    withdrew them, and every minute by the scheduler for what a store outage left behind."""
    count = 0
    while True:
        done, failed = photos.delete_withdrawn(batch=batch)
        if done:
            db.session.execute(delete(MediaDeletion).where(MediaDeletion.id.in_(done)))
            commit()
        count += len(done)
        if failed or len(done) < batch:
            return count


def sla_sweep(now: datetime | None = None, *, batch: int = 500) -> dict[str, int]:
    """Reminders, overdue marking, escalation and apology checks that have come due.

    Batch by batch, each committed with its timeline events: a batch another sweep
    (or a request) changed under it is rolled back and done again clock by clock,
    the clock that lost skipped (counted in ``conflicts``) and left to the next run.
    """
    now = now or datetime.now(UTC)
    result, skipped = sla.SweepResult(), set()
    while True:
        step = sla.sweep_batch(now, batch=batch, skip=skipped)
        if not step.ids:
            break
        try:
            commit()
        except StaleDataError:  # rolled back by commit()
            _sweep_one_by_one(step.ids, now, result, skipped)
            continue
        result.add(step.result)
        skipped |= step.stuck
    return result.as_dict()


def _sweep_one_by_one(ids: list[int], now: datetime, result, skipped: set[int]) -> None:
    for clock_id in ids:
        step = sla.sweep_clock(clock_id, now)
        if not step.ids:
            continue
        try:
            commit()
        except StaleDataError:
            skipped.add(clock_id)
            result.conflicts += 1
            continue
        result.add(step.result)
        skipped |= step.stuck


def purge_ended_sessions(now: datetime | None = None) -> int:
    """Delete residents' and staff sessions ended a month ago (daily, by the scheduler)."""
    now = now or datetime.now(UTC)
    deleted = resident_sessions.purge_ended(now) + staff_sessions.purge_ended(now)
    commit()
    return deleted


def purge_idempotency_keys(now: datetime | None = None) -> int:
    """Delete the residents' idempotency keys past their day (hourly, by the scheduler)."""
    deleted = idempotency.purge_expired(now or datetime.now(UTC))
    commit()
    return deleted
