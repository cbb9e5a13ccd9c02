"""Scale-out: two app servers (gunicorn, separate processes and ports) and two RQ workers
on one PostgreSQL database and one Redis, as a deployment behind a load balancer runs.

Slow (real processes); they run with ``PHANANH_SCALEOUT=1`` (the ``== scale-out`` step of
``.ci/run``) on the PostgreSQL of ``DATABASE_URL``, and skip otherwise, saying why; there a
missing prerequisite is a failure. The database is one of their own
(``<DATABASE_URL's name>_scaleout``, dropped after) and the Redis a private
``redis-server`` on a free port. Every process is started in its own process group and
stopped by the fixture that started it, whatever the test did.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend.db import db
from tests.faults.conftest import (
    ROOT,
    RedisServer,
    build_app,
    free_port,
    service_env,
    wait_for,
)

REQUIRED = os.environ.get("PHANANH_SCALEOUT") == "1"
#: The refresh limit of the mobile API, low so that a test can spend it.
REFRESH_LIMIT = 6


def missing(reason: str):
    if REQUIRED:
        pytest.fail(f"PHANANH_SCALEOUT=1 but {reason}")
    pytest.skip(reason)


def _postgres_url() -> str:
    if not REQUIRED:
        missing("the scale-out tests run with PHANANH_SCALEOUT=1 (and PostgreSQL in DATABASE_URL)")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        missing("DATABASE_URL is not a PostgreSQL database")
    return url


class Process:
    """A command in its own process group, its output in a file (a pipe nobody reads could
    fill and block it); :meth:`stop` ends the whole group."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]):
        self.name = name
        self.log = Path(tempfile.mkstemp(prefix=f"phananh-scaleout-{name}-", suffix=".log")[1])
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        else:  # the leader is gone: anything left in its group goes too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.log.unlink(missing_ok=True)


@dataclass
class Cluster:
    a: str  # app server A's base URL
    b: str  # app server B's base URL
    database_url: str
    media: Path
    servers: list[Process]
    workers: list[Process]

    def engine(self):
        return create_engine(self.database_url)

    def worker_output(self) -> str:
        return "\n".join(w.output for w in self.workers)


def _server(name: str, env: dict[str, str]) -> tuple[Process, str]:
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",  # as production starts it: preloaded (see gunicorn.conf.py)
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        "1",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "wsgi:create_app()",
    ]
    return Process(name, args, env), f"http://127.0.0.1:{port}"


def _ready(process: Process, base_url: str) -> bool:
    if not process.alive():
        raise AssertionError(f"{process.name} exited:\n{process.output[-3000:]}")
    try:
        return requests.get(base_url + "/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="package")
def scaleout_database():
    """A database of the scale-out tests' own on the configured PostgreSQL, migrated with
    the demo city (no reports); dropped after."""
    parsed = make_url(_postgres_url())
    name = f"{parsed.database or 'phananh'}_scaleout"
    admin = create_engine(
        parsed.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # not reachable
        admin.dispose()
        missing(f"PostgreSQL at {parsed.host}:{parsed.port} is not reachable: {exc}")
    url = parsed.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="package")
def cluster(scaleout_database, tmp_path_factory):
    """Two gunicorn app servers and two RQ workers on one database, one Redis, one photo
    folder and one SECRET_KEY, as several machines behind a load balancer would share."""
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed")
    redis = RedisServer(tmp_path_factory.mktemp("redis"))
    redis.start()
    media = tmp_path_factory.mktemp("media")
    env = service_env(
        scaleout_database,
        media,
        REDIS_URL=redis.url,
        MODERATION_MODE="off",  # every report public at once: the public reads are checked
        LIMIT_REFRESH_ADDRESS=f"{REFRESH_LIMIT}/minute",
        DUPLICATE_SUBMISSION_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    started: list[Process] = []
    try:
        app = build_app(env, schema=True)  # migrate and seed the city, once, here
        with app.app_context():
            db.engine.dispose()
        (server_a, a), (server_b, b) = _server("a", env), _server("b", env)
        started += [server_a, server_b]
        worker_args = [sys.executable, "-m", "flask", "--app", "wsgi", "worker"]
        workers = [Process(f"worker{n}", worker_args, env) for n in (1, 2)]
        started += workers
        for process, url in ((server_a, a), (server_b, b)):
            wait_for(lambda p=process, u=url: _ready(p, u), 90, f"{process.name} to answer")
        wait_for(
            lambda: (
                all("Listening on" in w.output or "listening on" in w.output for w in workers)
                or _dead(workers)
            ),
            90,
            "the workers to listen",
            every=0.2,
        )
        yield Cluster(a, b, scaleout_database, media, [server_a, server_b], workers)
    finally:
        for process in started:
            process.stop()
        redis.stop()


def _dead(workers: list[Process]) -> bool:
    for worker in workers:
        if not worker.alive():
            raise AssertionError(f"{worker.name} exited:\n{worker.output[-3000:]}")
    return False
