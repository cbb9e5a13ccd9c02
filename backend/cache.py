"""The public reads' response cache, and the generations that invalidate it.

Where: Redis when ``REDIS_URL`` is set (every app server and worker sees the same
entries and generations), else a bounded in-process LRU (the embedded default: one
process, which then also holds the generations, so it invalidates correctly there).

What invalidates: *generations*, random tokens replaced when what they cover changes.
A cached answer's key holds the tokens it was built under, so a change makes the old
entries unreachable at once (they expire on their own):

- ``report:<id>``: that report and what hangs off it (events, photos, clocks, ratings,
  followers, extension requests);
- ``epoch``: what every report page shows (categories, units, places, SLA policies and
  calendar; any bulk UPDATE/DELETE through the ORM, whose rows are not known);
- ``places``: the tables of ``epoch`` alone (not bulk statements on report rows): the key
  of each process's boundary and province indexes and working calendars;
- ``board``: the lists: replaced with any of the above. The figures (statistics, the
  scoreboards, the provinces' ranking) are not keyed by it (every new report anywhere
  replaces it): they keep ``places`` and a time bucket of ``PUBLIC_FIGURES_SECONDS``;

They are replaced after the commit that made the change (SQLAlchemy session events, in
whatever process commits: a view, a job, the CLI), never on a rollback. Changes made
outside the ORM session (raw SQL on a connection) are not seen: they show when the
entries expire (``PUBLIC_CACHE_SECONDS`` x 2).

When a time bucket ends, the previous bucket's answer (same generations) is served while
one request rebuilds it (:mod:`backend.cache_store`: single flight, a short lock).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from backend.cache_store import REBUILD_LOCK_MS, Found, MemoryStore, RedisStore, Store

log = logging.getLogger(__name__)

_EXT = "phananh_public_cache"
BOARD = "board"
EPOCH = "epoch"
#: Units, boundaries, categories, SLA policies, the calendar: what the per-process indexes
#: and calendars (backend.services.geo, provinces, sla.config) are built from.
PLACES = "places"

#: Tables whose rows belong to one report (``report_id``) or are the report itself.
REPORT_TABLES = frozenset(
    {
        "reports",
        "report_events",
        "photos",
        "report_ratings",
        "report_followers",
        "report_clocks",
        "extension_requests",
    }
)
#: Tables every public page may show (names of units, categories, places; the calendar).
EPOCH_TABLES = frozenset(
    {
        "admin_units",
        "legacy_unit_codes",
        "categories",
        "category_questions",
        "departments",
        "sla_policies",
        "calendar_exceptions",
    }
)


def report_generation(report_id: int) -> str:
    return f"report:{report_id}"


def store() -> Store | None:
    """This app's store (None: the cache is off)."""
    if not current_app.config.get("PUBLIC_CACHE", True):
        return None
    found = current_app.extensions.get(_EXT)
    if found is None:
        from backend.jobs import redis_connection  # jobs owns the Redis connection

        conn = redis_connection()
        config = current_app.config
        prefix = config.get("PUBLIC_CACHE_PREFIX", "pa:pc:")
        # A build lock outlives the slowest request (its time budget): never a second
        # builder of the same answer while the first is still counting.
        budget = int(config.get("REQUEST_TIME_BUDGET_SECONDS", 20))
        lock_ms = max(REBUILD_LOCK_MS, (budget + 5) * 1000)
        if conn is not None:
            found = RedisStore(conn, prefix, lock_ms)
        else:
            found = MemoryStore(config.get("PUBLIC_CACHE_ENTRIES", 1000), lock_ms)
        current_app.extensions[_EXT] = found
    return found


def _on_store(what: str, call, otherwise):
    """``call(store)`` on the cache's store; ``otherwise`` without a cache or when Redis
    fails (logged: a cache that is away never fails a request)."""
    found = store()
    if found is None:
        return otherwise
    try:
        return call(found)
    except RedisError as exc:
        log.warning("public cache: %s failed: %s", what, exc)
        return otherwise


def generations(names: list[str]) -> list[str] | None:
    """The current tokens of ``names`` (None: no cache, or Redis failed: do not cache)."""
    return _on_store("reading generations", lambda found: found.generations(names), None)


def lookup(slot: str, names: list[str], bucket: int, stale: bool) -> Found | None:
    """The slot's answer for these generations and time bucket (:class:`Found`); None: no
    cache, or Redis failed (then nothing is cached: the view answers)."""
    return _on_store("lookup", lambda found: found.lookup(slot, names, bucket, stale), None)


def keep(slot: str, version: str, value: bytes, ttl: int) -> None:
    """Keep ``value`` as the slot's answer of ``version`` (and release its rebuild lock)."""
    _on_store("write", lambda found: found.keep(slot, version, value, ttl), None)


def lock_seconds() -> float:
    """How long a build lock lasts (0: no cache)."""
    found = store()
    return found.lock_ms / 1000 if found is not None else 0.0


def claim(slot: str) -> bool:
    """Take the slot's build lock (False: another request holds it). Without a cache, or
    when Redis fails: True (build it, as if no one else were)."""
    return _on_store("taking a build lock", lambda found: found.claim(slot), True)


def release(slot: str) -> None:
    """A rebuild that kept nothing (an error, a cookie): the next request rebuilds (if
    Redis fails, the lock expires on its own)."""
    _on_store("releasing a rebuild lock", lambda found: found.release(slot), None)


def invalidate(names: Iterable[str]) -> None:
    """Replace these generations (and the board's: it shows everything)."""
    names = {BOARD, *names}
    found = store()
    if found is None:
        return
    try:
        found.replace(sorted(names))
    except RedisError as exc:  # committed already: the entries expire on their own
        log.error("public cache: invalidation failed (stale for up to 2 x max-age): %s", exc)


# ---- what a commit changed -------------------------------------------------------------

_PENDING = "public_cache_changed"


def _changed(session: Session) -> set[str]:
    return session.info.setdefault(_PENDING, set())


def _note(session: Session, objects: Iterable) -> None:
    changed = _changed(session)
    for obj in objects:
        table = getattr(obj, "__tablename__", None)
        if table in EPOCH_TABLES:
            changed.update((EPOCH, PLACES))
        elif table == "reports":
            if obj.id is not None:
                changed.add(report_generation(obj.id))
        elif table in REPORT_TABLES:
            report_id = getattr(obj, "report_id", None)
            changed.add(report_generation(report_id) if report_id else EPOCH)


def _after_flush(session: Session, _context) -> None:
    _note(session, (*session.new, *session.dirty, *session.deleted))


def _on_orm_execute(state) -> None:
    """INSERT/UPDATE/DELETE statements through the session (not unit-of-work flushes).

    An INSERT of one row that names its report (a follower added with ON CONFLICT DO
    NOTHING) changes that report; otherwise which reports is not known, so all of them.
    """
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    statement = state.statement
    tables = {getattr(t, "name", None) for t in getattr(statement, "get_final_froms", list)()}
    tables.add(getattr(getattr(statement, "table", None), "name", None))
    changed = _changed(state.session)
    if tables & EPOCH_TABLES:
        changed.update((EPOCH, PLACES))
    if tables & REPORT_TABLES:
        report_id = _one_report(state) if state.is_insert else None
        changed.add(report_generation(report_id) if report_id else EPOCH)


def _one_report(state) -> int | None:
    """The report an INSERT of one row names, if it names exactly one."""
    params = state.parameters
    rows = params if isinstance(params, list) else [params or {}]
    try:
        compiled = state.statement.compile().params
    except Exception:  # not knowing is answered by invalidating everything
        compiled = {}
    found = {row.get("report_id") for row in rows if row} | {compiled.get("report_id")}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def _after_commit(session: Session) -> None:
    changed = session.info.pop(_PENDING, None)
    if changed and has_app_context():
        invalidate(changed)


def _after_rollback(session: Session, _previous) -> None:
    if not session.in_transaction():  # the whole transaction, not a SAVEPOINT inside it
        session.info.pop(_PENDING, None)


def _listen() -> None:
    """On every session of the process (the app's, a job's, the CLI's), once."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_rollback)


_listen()
