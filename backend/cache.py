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
- ``board``: lists and figures: replaced with any of the above.

They are replaced after the commit that made the change (SQLAlchemy session events, in
whatever process commits: a view, a job, the CLI), never on a rollback. Changes made
outside the ORM session (raw SQL on a connection) are not seen: they show when the
entries expire (``PUBLIC_CACHE_SECONDS`` x 2).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Protocol

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

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


class Store(Protocol):
    def get(self, key: str) -> bytes | None: ...
    def set(self, key: str, value: bytes, ttl: int) -> None: ...
    def generations(self, names: list[str]) -> list[str]: ...
    def replace(self, names: Iterable[str]) -> None: ...


class MemoryStore:
    """A bounded LRU of answers and a dict of generations, for one process."""

    def __init__(self, entries: int):
        self.entries = entries
        self._answers: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._generations: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._answers.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._answers[key]
                return None
            self._answers.move_to_end(key)
            return found[1]

    def set(self, key: str, value: bytes, ttl: int) -> None:
        with self._lock:
            self._answers[key] = (time.monotonic() + ttl, value)
            self._answers.move_to_end(key)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)

    def generations(self, names: list[str]) -> list[str]:
        with self._lock:
            return [self._generations.setdefault(n, secrets.token_hex(8)) for n in names]

    def replace(self, names: Iterable[str]) -> None:
        with self._lock:
            for name in names:
                self._generations[name] = secrets.token_hex(8)


class RedisStore:
    """Answers and generations in Redis, under the configured prefix."""

    #: A generation nobody replaced for this long is dropped (a new token then).
    GENERATION_TTL = 7 * 86400

    def __init__(self, conn, prefix: str):
        self.conn, self.prefix = conn, prefix

    def get(self, key: str) -> bytes | None:
        return self.conn.get(self.prefix + "a:" + key)

    def set(self, key: str, value: bytes, ttl: int) -> None:
        self.conn.set(self.prefix + "a:" + key, value, ex=ttl)

    def generations(self, names: list[str]) -> list[str]:
        keys = [self.prefix + "g:" + n for n in names]
        found = self.conn.mget(keys)
        missing = [i for i, value in enumerate(found) if value is None]
        if missing:
            pipe = self.conn.pipeline()
            for i in missing:
                pipe.set(keys[i], secrets.token_hex(8), nx=True, ex=self.GENERATION_TTL)
            pipe.execute()
            found = self.conn.mget(keys)
        return [v.decode() if isinstance(v, bytes) else str(v) for v in found]

    def replace(self, names: Iterable[str]) -> None:
        pipe = self.conn.pipeline(transaction=False)
        for name in names:
            pipe.set(self.prefix + "g:" + name, secrets.token_hex(8), ex=self.GENERATION_TTL)
        pipe.execute()


def store() -> Store | None:
    """This app's store (None: the cache is off)."""
    if not current_app.config.get("PUBLIC_CACHE", True):
        return None
    found = current_app.extensions.get(_EXT)
    if found is None:
        from backend.jobs import redis_connection  # jobs owns the Redis connection

        conn = redis_connection()
        prefix = current_app.config.get("PUBLIC_CACHE_PREFIX", "pa:pc:")
        if conn is not None:
            found = RedisStore(conn, prefix)
        else:
            found = MemoryStore(current_app.config.get("PUBLIC_CACHE_ENTRIES", 1000))
        current_app.extensions[_EXT] = found
    return found


def generations(names: list[str]) -> list[str] | None:
    """The current tokens of ``names`` (None: no cache, or Redis failed: do not cache)."""
    found = store()
    if found is None:
        return None
    try:
        return found.generations(names)
    except RedisError as exc:
        log.warning("public cache: reading generations failed: %s", exc)
        return None


def get(key: str) -> bytes | None:
    found = store()
    try:
        return found.get(key) if found is not None else None
    except RedisError as exc:
        log.warning("public cache: read failed: %s", exc)
        return None


def put(key: str, value: bytes) -> None:
    found = store()
    if found is None:
        return
    try:
        found.set(key, value, 2 * current_app.config.get("PUBLIC_CACHE_SECONDS", 30))
    except RedisError as exc:
        log.warning("public cache: write failed: %s", exc)


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
