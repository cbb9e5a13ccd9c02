"""Fault tests on the real services: a private Redis, a private PostgreSQL cluster, a real
RQ worker process, the FCM stand-in. Nothing is mocked.

The slow ones (private clusters and processes, timing under load) run with
``PHANANH_FAULTS=1`` (the ``== faults`` step of ``.ci/run``, on PostgreSQL, one at a time)
and skip otherwise, saying why; there a missing prerequisite is a failure, not a skip.
Each uses a database of its own (``<DATABASE_URL's name>_faults``), never the session's.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backend.config import Settings
from backend.db import db

REQUIRED = os.environ.get("PHANANH_FAULTS") == "1"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/phananh"
ROOT = Path(__file__).resolve().parents[2]
SECRET = "fault-tests-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def _postgres_url() -> str | None:
    if not REQUIRED:  # not in the parallel passes: their load would skew the timings
        return None
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else DEFAULT_PG


def missing(reason: str):
    """Fail (PHANANH_FAULTS=1) or skip the test: a prerequisite is not there."""
    if REQUIRED:
        pytest.fail(f"PHANANH_FAULTS=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def require_postgres() -> str:
    """The configured PostgreSQL URL; the slow fault tests skip (or fail) without one."""
    url = _postgres_url()
    if url is None:
        missing("the slow fault tests run with PHANANH_FAULTS=1 (and PostgreSQL in DATABASE_URL)")
    return url


@pytest.fixture(scope="session")
def fault_database():
    """A database of the faults' own on the configured PostgreSQL, new for the session and
    dropped after it."""
    parsed = make_url(require_postgres())
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # one database per xdist worker
    name = f"{parsed.database or 'phananh'}_faults{'_' + worker if worker else ''}"
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
    yield parsed.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def fault_city(fault_database, tmp_path_factory) -> str:
    """:func:`fault_database` migrated, with the demo city (no reports), once a session."""
    app = build_app(service_env(fault_database, tmp_path_factory.mktemp("media")), schema=True)
    with app.app_context():
        db.engine.dispose()
    return fault_database


@pytest.fixture
def city_db(fault_city, request) -> str:
    """A database of the test's own, copied from :func:`fault_city` (its template)."""
    url = make_url(fault_city)
    name = f"{url.database}_{request.node.name[:30].lower()}"
    admin = create_engine(
        url.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def service_env(database_url: str, media: Path, **more: str) -> dict[str, str]:
    """The environment of the app and of its worker processes (one SECRET_KEY: the
    rendition keys are derived from it)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "COV_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "APP_ENV")
    }
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        SECRET_KEY=SECRET,
        QUIET_HOURS="00:00-00:00",  # no quiet hours: the pushes are due at once
        FIREBASE_AUTH_EMULATOR_HOST=os.environ.get("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099"),
    )
    env.update(more)
    return env


def build_app(env: dict[str, str], *, schema: bool = False, **overrides):
    """The whole app (core and plugins) on ``env``; ``schema``: migrate and seed the city."""
    from wsgi import create_app

    app = create_app(
        Settings.from_env(env),
        overrides={"PASSWORD_HASH_METHOD": "argon2-fast", "DUPLICATE_SUBMISSION_SECONDS": 0}
        | overrides,
    )
    if schema:
        from backend.seed import seed_demo

        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            seed_demo(reports=0)
            db.session.remove()
    return app


class RedisServer:
    """A private ``redis-server`` on a free port, stopped and started again at will."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, "redis-server to answer")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


class WorkerProcess:
    """``flask --app wsgi worker`` (or any ``flask --app wsgi`` command) in its own process
    group, its output in a file (a pipe nobody reads could fill and block it)."""

    def __init__(self, env: dict[str, str], *, burst: bool = False, command: str = "worker"):
        self.log = Path(tempfile.mkstemp(prefix=f"phananh-{command}-", suffix=".log")[1])
        args = [sys.executable, "-m", "flask", "--app", "wsgi", command]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                args + (["--burst"] if burst else []),
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.unlink(missing_ok=True)

    def horses(self) -> list[int]:
        """The work horses RQ forked for the jobs running now."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill(self) -> None:
        """SIGKILL the worker and its work horses (each in its own process group, RQ
        puts them there), as a machine or container dying would: no clean-up of any kind."""
        for pid in self.horses():
            os.kill(pid, signal.SIGKILL)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def wait(self, timeout: float) -> str:
        self.process.wait(timeout=timeout)
        return self.output
