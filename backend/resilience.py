"""What a request answers when PostgreSQL is away or too slow: never a 500.

- A lost connection (PostgreSQL restarted, a network blip) during a safe request (GET,
  HEAD, OPTIONS) is retried once, after :data:`RETRY_PAUSE`, on a fresh connection (the
  engine's ``pool_pre_ping`` replaces the pool's dead ones); still failing, or during a
  write, the answer is ``503 database_unavailable`` with ``Retry-After``. A write is
  never retried here: its client resends it with the same ``Idempotency-Key``.
- A statement cancelled by the per-request time budget (``REQUEST_TIME_BUDGET_SECONDS``,
  PostgreSQL's ``statement_timeout``) answers ``503 time_budget_exceeded``; the
  transaction is rolled back, so nothing is half written.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from flask import Flask, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from backend.db import db, rollback
from backend.domain.text import N_
from backend.errors import DomainError, error_response, http_message, render_domain_error

log = logging.getLogger(__name__)

#: Seconds between a safe request's failed attempt and its one retry.
RETRY_PAUSE = 0.4
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: PostgreSQL's query_canceled: statement_timeout (or a cancel request) stopped it.
QUERY_CANCELED = "57014"
#: SQLSTATEs of a server going away: admin/crash shutdown, cannot connect now, too many
#: connections (class 08, connection exceptions, counts too).
SERVER_GONE = frozenset({"57P01", "57P02", "57P03", "53300"})
#: A transaction that lost a race (serialization failure, deadlock, lock timeout): the
#: database is fine, the client may simply try again; not retried here, not an outage.
LOST_A_RACE = frozenset({"40001", "40P01", "55P03"})
#: A write answered 503 may have claimed its Idempotency-Key: resend after the key's lease
#: (backend.services.idempotency.LEASE), not before, or it is answered 409 in progress.
WRITE_RETRY_AFTER = 60


class DatabaseUnavailable(DomainError):
    status = 503
    code = "database_unavailable"
    message = N_("The database is unavailable for a moment; please try again shortly.")
    retry_after = 5


class TimeBudgetExceeded(DomainError):
    status = 503
    code = "time_budget_exceeded"
    message = N_("The server could not answer in time; nothing was changed, try again later.")
    retry_after = 30


def time_budget_exceeded(exc: BaseException) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == QUERY_CANCELED


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def connection_lost(exc: BaseException) -> bool:
    """The database went away (or could not be reached), not the statement's own fault:
    an invalidated connection, a connection-class SQLSTATE, or psycopg failing to connect
    at all (no SQLSTATE). SQLite's errors (a missing table, a locked file) are not."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    state = _sqlstate(exc)
    if state is None:
        return type(getattr(exc, "orig", None)).__module__.startswith("psycopg")
    return state.startswith("08") or state in SERVER_GONE


def _sqlite_busy(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    return isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig)


def transient(exc: BaseException) -> bool:
    """Worth answering 503 (try again) rather than 500."""
    return (
        isinstance(exc, PoolTimeout)
        or connection_lost(exc)
        or time_budget_exceeded(exc)
        or _sqlstate(exc) in LOST_A_RACE
        or _sqlite_busy(exc)
    )


class ResilientFlask(Flask):
    """Flask whose views get one retry of a safe request that lost its connection."""

    def dispatch_request(self):
        try:
            return super().dispatch_request()
        except DBAPIError as exc:
            # Not a pool timeout (an overloaded pool: waiting again only adds to it), nor
            # a statement over its budget (it would be as slow the second time).
            if request.method not in SAFE_METHODS or not connection_lost(exc):
                raise
            log.warning("database connection lost (%s): retrying %s once", exc, request.path)
            rollback()  # the session lets go of the dead connection
            time.sleep(RETRY_PAUSE)
            return super().dispatch_request()


def init_app(app: Flask) -> None:
    """Answer database outages and cancelled statements in the error envelope."""

    @app.teardown_appcontext  # runs before Flask-SQLAlchemy's own session.remove()
    def _release_session(_exc):
        # Closing a session whose connection died sends a ROLLBACK that fails: the answer
        # is already made, so let go of the connection instead of failing the response.
        try:
            db.session.remove()
        except DBAPIError as exc:
            log.warning("session closed on a dropped connection: %s", exc)
            db.session().invalidate()  # scoped_session does not proxy it
            db.session.remove()

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def _database(error: Exception):
        if not transient(error):  # a bug (a missing table, a bad statement): a real 500
            log.exception("database error")
            rollback()
            return error_response(500, *http_message(500))
        rollback()
        if time_budget_exceeded(error):
            log.warning("request over its time budget: %s %s", request.method, request.path)
            return render_domain_error(TimeBudgetExceeded())
        log.warning("database unavailable: %s %s: %s", request.method, request.path, error)
        unavailable = DatabaseUnavailable()
        if request.method not in SAFE_METHODS:
            unavailable.retry_after = WRITE_RETRY_AFTER
        return render_domain_error(unavailable)
