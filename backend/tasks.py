"""Background jobs: what RQ workers run (inline on the embedded default).

Each job takes ids, reloads its rows, is idempotent, and commits its own work;
the services it calls never commit. The periodic ones are run by
``flask --app wsgi scheduler`` (RQ's cron scheduler) or by cron through the
CLI (``flask --app wsgi sla sweep``, ``flask --app wsgi jobs redispatch``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from backend.db import commit, db
from backend.jobs import RENDITIONS_JOB, dispatch
from backend.models import Photo
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


def make_renditions(photo_id: int) -> None:
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.rendition_status != RenditionStatus.PENDING:
        return
    photos.make_renditions(photo)
    commit()


def redispatch_renditions(now: datetime | None = None, *, older_than=REDISPATCH_AFTER) -> int:
    """Re-enqueue renditions whose job never ran; safe to repeat (the job is idempotent)."""
    ids = photos.stale_pending(now or datetime.now(UTC), older_than)
    db.session.remove()
    for photo_id in ids:
        dispatch(RENDITIONS_JOB, photo_id)
    return len(ids)


def catch_up_renditions() -> int:
    """Every pending rendition, whatever its age: run when the scheduler (re)starts, as
    Redis comes back after an outage (the jobs of the photos sent meanwhile were lost)."""
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
