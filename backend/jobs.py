"""Background jobs: RQ on Redis in production, inline on the embedded default.

Jobs are named by dotted path (``"package.module:function"``), take ids,
reload their rows, are idempotent, and are only ever dispatched *after* the
transaction that made them necessary has committed (:func:`enqueue`).
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Callable, Iterable

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import AuthenticationError, RedisError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, Worker
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from backend.db import after_commit, db

log = logging.getLogger(__name__)

QUEUE_NAME = "phananh"
#: Job paths named where the enqueueing services can see them (the jobs live in backend.tasks).
RENDITIONS_JOB = "backend.tasks:make_renditions"
#: Deletes the files of withdrawn photos (backend.services.photos.withdraw_public_files).
WITHDRAWN_FILES_JOB = "backend.tasks:delete_withdrawn_files"
_EXT = "phananh_redis"
#: Seconds between two attempts to reach Redis again, for the workers and the scheduler:
#: once Redis is back, both resume within this (RQ's own worker backs off up to 60 s).
REDIS_RETRY_SECONDS = 5.0
#: Run once whenever the scheduler (re)starts: what an outage of Redis left behind.
CATCH_UP_JOB = "backend.tasks:catch_up_renditions"


def enqueue(func: str, *args) -> None:
    """Dispatch ``func(*args)`` once the current transaction commits."""
    _resolve(func)  # fail fast on a typo, inside the request that asked for it
    after_commit(lambda: dispatch(func, *args))


def dispatch(func: str, *args) -> None:
    """Run now (no Redis configured) or put on the RQ queue."""
    if not current_app.config.get("REDIS_URL"):
        # A fresh app context gives the job its own session, as a worker would have.
        with current_app.app_context():
            _call(func, args)
        return
    try:
        get_queue().enqueue(run, func, *args, description=f"{func}{args}")
    except RedisError:
        # The data is committed; `backend.tasks.redispatch_renditions` picks this up later.
        log.exception("could not enqueue %s%s", func, args)


def dispatch_many(func: str, ids: list[int]) -> None:
    """``dispatch(func, id)`` for each id; on RQ, every job in one pipelined round trip."""
    if not current_app.config.get("REDIS_URL"):
        for one in ids:
            dispatch(func, one)
        return
    queue = get_queue()
    jobs = [queue.prepare_data(run, (func, one), description=f"{func}({one},)") for one in ids]
    try:
        queue.enqueue_many(jobs)
    except RedisError:
        log.exception("could not enqueue %s for %d ids", func, len(ids))


def redis_connection() -> Redis | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    conn = current_app.extensions.get(_EXT)
    if conn is None:
        conn = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        current_app.extensions[_EXT] = conn
    return conn


def get_queue() -> Queue:
    conn = redis_connection()
    if conn is None:
        raise RuntimeError("REDIS_URL is not configured")
    return Queue(QUEUE_NAME, connection=conn)


def queue_status() -> dict:
    """For /healthz: which queue backend runs the jobs and whether it answers."""
    conn = redis_connection()
    if conn is None:
        return {"backend": "inline", "ok": True}
    try:
        conn.ping()
        return {"backend": "rq", "ok": True, "queued": get_queue().count}
    except RedisError as exc:
        return {"backend": "rq", "ok": False, "error": type(exc).__name__}


# ---- the worker side -------------------------------------------------------


class PatientWorker(Worker):
    """An RQ worker that tries Redis again every few seconds while it is away."""

    max_connection_wait_time = REDIS_RETRY_SECONDS


def worker(*, wait_for_redis: bool = True) -> Worker:
    """The worker of ``flask --app wsgi worker``: the app's queue, Redis retried every 5 s,
    also when it is away as the worker starts (RQ's own worker would exit)."""
    while True:
        try:
            return PatientWorker([get_queue()], connection=redis_connection())
        except RedisError as exc:
            if not wait_for_redis:
                raise
            log.warning("worker waits for Redis (%s); again in %ss", exc, REDIS_RETRY_SECONDS)
            time.sleep(REDIS_RETRY_SECONDS)


def run_scheduler(periodic: Iterable[tuple[str, int]]) -> None:
    """RQ's cron scheduler for ``(job, seconds)`` pairs, surviving Redis outages.

    RQ's scheduler stops at the first Redis error; this one starts again every
    :data:`REDIS_RETRY_SECONDS` while Redis cannot be reached (a connection error or a
    timeout; any other error, such as a wrong password or a missing permission, ends it
    with a traceback), and a new start runs every periodic job at once: the notifications
    and renditions left behind while Redis was away are caught up as soon as it is back,
    not at the next interval (or when someone restarts the process), and
    :data:`CATCH_UP_JOB` enqueues the pending renditions again (at most once a minute
    across all schedulers). A stop (SIGTERM/SIGINT) is never followed by a restart.
    """
    periodic = list(periodic)
    try:
        while True:
            scheduler = CronScheduler(connection=redis_connection())
            for job, interval in periodic:
                scheduler.register(run, QUEUE_NAME, args=(job,), interval=interval, name=job)
            try:
                get_queue().enqueue(run, CATCH_UP_JOB, description=CATCH_UP_JOB)
                scheduler.start()  # returns on SIGINT/SIGTERM
                return
            except (RedisConnectionError, RedisTimeoutError) as exc:
                if isinstance(exc, AuthenticationError):
                    raise  # a wrong password does not heal by waiting: exit, loudly
                log.warning("scheduler lost Redis (%s); again in %ss", exc, REDIS_RETRY_SECONDS)
            time.sleep(REDIS_RETRY_SECONDS)
    except StopRequested:  # the scheduler's SIGTERM/SIGINT handler, outside its own loop
        return


#: The process that imported this module (the worker); RQ's work horses are its forks.
_pool_pid = os.getpid()


def run(func: str, *args) -> None:
    """Entry point of every RQ job: run ``func`` in the worker's application context.

    Workers are started with ``flask --app wsgi worker``, which builds the whole app
    (core and plugins) once; RQ's forked work horses inherit its context.
    """
    if not has_app_context():
        raise RuntimeError("start workers with `flask --app wsgi worker`")
    _after_fork_guard()
    _call(func, args)


def _after_fork_guard() -> None:
    """RQ forks a work horse per job: never use the parent's pooled connections."""
    global _pool_pid
    if os.getpid() != _pool_pid:
        db.engine.dispose(close=False)  # drop, without closing, what the fork inherited
        _pool_pid = os.getpid()


def _resolve(func: str) -> Callable:
    module_name, _, attr = func.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def _call(func: str, args: tuple) -> None:
    try:
        _resolve(func)(*args)
    finally:
        db.session.remove()
