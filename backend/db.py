"""Database handle and the unit of work used by views and jobs.

Services only add and flush; the caller (a view, a CLI command or a job)
commits with :func:`commit`. Work that must only happen once the data is
durable (enqueueing jobs, for instance) is registered with
:func:`after_commit`; undoing side effects made before a failed commit
(files already written to storage) is registered with :func:`on_rollback`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))

_AFTER_COMMIT = "phananh_after_commit"
_ON_ROLLBACK = "phananh_on_rollback"


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def after_commit(fn: Callable[[], None]) -> None:
    """Run ``fn`` once the current transaction has committed (in registration order)."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(fn)


def on_rollback(fn: Callable[[], None]) -> None:
    """Run ``fn`` if the current transaction is rolled back instead of committed."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(fn)


def commit() -> None:
    """Commit, then run the after-commit work; on failure roll back and clean up."""
    try:
        db.session.commit()
    except Exception:
        rollback()
        raise
    db.session.info.pop(_ON_ROLLBACK, None)
    for fn in db.session.info.pop(_AFTER_COMMIT, []):
        try:
            fn()
        except Exception:  # the data is committed; a failed follow-up must not undo it
            log.exception("after-commit hook failed")


def rollback() -> None:
    """Roll back and undo side effects registered with :func:`on_rollback`.

    A ROLLBACK the database cannot answer (it went away: restarted, network lost) leaves
    nothing of the transaction behind: the session lets go of its connections instead.
    """
    try:
        db.session.rollback()
    except DBAPIError as exc:
        log.warning("rollback failed, connection dropped: %s", exc)
        db.session().invalidate()  # scoped_session does not proxy it
    db.session.info.pop(_AFTER_COMMIT, None)
    for fn in reversed(db.session.info.pop(_ON_ROLLBACK, [])):
        try:
            fn()
        except Exception:
            log.exception("rollback cleanup failed")


def has_pending_work() -> bool:
    info = db.session.info
    return bool(info.get(_AFTER_COMMIT) or info.get(_ON_ROLLBACK)) or bool(
        db.session.new or db.session.dirty or db.session.deleted
    )
