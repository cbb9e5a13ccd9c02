"""Test harness: one app per session, a rolled-back transaction per test.

The suite runs on whatever the environment names, exactly like the app:
no variables -> SQLite in a temporary folder and inline jobs (the embedded
default); ``DATABASE_URL``/``REDIS_URL`` -> PostgreSQL and a real RQ queue,
drained by a real RQ worker in :func:`run_jobs`.

Once per session: the app is built, the schema made with the real migrations
and the demo city (``seed_demo(reports=0)``: units, categories, wards, staff
accounts, demo residents) seeded and committed. Each test then runs inside one
database transaction on one connection that every session of the test app
joins with a SAVEPOINT (SQLAlchemy's "join an external transaction" recipe), so
views and jobs commit (and their after-commit hooks, inline jobs included, run)
as usual, and everything the test wrote is rolled back at its end. Each test
gets its own ``MEDIA_ROOT`` and a fresh copy of the app's config.

Tests build their own data with the builders in ``tests/factories.py``. A module
whose tests all read the same data builds it once in a module-scoped fixture on
``module_transaction``; each of its tests then rolls back to it.

Tests that need real commits seen from several connections or threads
(concurrency, migrations, bulk SQL on their own connection) ask for the
``committed`` fixture (or carry ``@pytest.mark.committed``): they run on the real
engine and the database is emptied and the city re-seeded after them. ``empty_db``
gives a test no rows at all (inside its transaction).
"""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import current_app, has_app_context
from flask_migrate import upgrade
from sqlalchemy import event, text

from backend.config import Settings
from backend.db import db
from backend.jobs import get_queue, redis_connection
from tests import factories
from tests.factories import HOAN_KIEM, NINH_KIEU, PHOTOS, id_token, photo

FIXTURES = Path(__file__).parent / "fixtures"
__all__ = ["HOAN_KIEM", "NINH_KIEU", "PHOTOS", "count_statements", "id_token", "photo", "post_json"]

# The Firebase Auth emulator convention: unsigned ID tokens, no network.
os.environ.setdefault("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")

COMMITTED = "committed"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{COMMITTED}: really commits (several threads or connections); the database is "
        "emptied and the demo city seeded again afterwards (set by the `committed` fixture)",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if COMMITTED in getattr(item, "fixturenames", ()):
            item.add_marker(getattr(pytest.mark, COMMITTED))


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # pytest -n: gw0, gw1...
    if worker:
        _own_services(env, worker)
    return Settings.from_env(env)


def _own_services(env: dict, worker: str) -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database (``<name>_gw0``...)
    and Redis database (the configured one, plus the worker's number), so workers never
    see each other's rows or jobs. SQLite already lives in the worker's own temp folder."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    number = int(worker.removeprefix("gw") or 0)
    url = make_url(env["DATABASE_URL"])
    if url.get_backend_name() == "postgresql":
        name = f"{url.database}_{worker}"
        admin = create_engine(
            url.set(drivername="postgresql+psycopg", database="postgres"),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        env["DATABASE_URL"] = url.set(database=name).render_as_string(hide_password=False)
    if env.get("REDIS_URL"):
        parts = urlsplit(env["REDIS_URL"])
        base = int(parts.path.strip("/") or 0)
        env["REDIS_URL"] = urlunsplit(parts._replace(path=f"/{(base + number) % 16}"))


# ---- the session: one app, the schema, the demo city -----------------------------------

#: app -> the connection whose transaction the test app's sessions join (see _TestSession).
_JOINED: dict = {}


def _joined_get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
    if bind is None and has_app_context():
        connection = _JOINED.get(current_app._get_current_object())
        if connection is not None:
            return connection
    return _BASE_GET_BIND(self, mapper, clause, bind, **kwargs)


_BASE_GET_BIND = None


def _join_test_transactions() -> None:
    """Make every session of a test app use the test's connection while one is open.

    Flask-SQLAlchemy's Session.get_bind always answers the app's engine, so a ``bind``
    given to the session would be ignored; other apps (the browser tests' live server)
    are left alone.
    """
    global _BASE_GET_BIND
    factory = db.session.session_factory
    if _BASE_GET_BIND is None:
        _BASE_GET_BIND = factory.class_.get_bind
        factory.class_.get_bind = _joined_get_bind
    # A session joining a connection already in a transaction works in a SAVEPOINT:
    # its commit releases it, its rollback rolls back to it, the outer one stays.
    factory.configure(join_transaction_mode="create_savepoint")


def _build_schema(app) -> None:
    """The schema with the real migrations, from an empty database."""
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(directory=app.extensions["migrate"].directory)


def _seed_city() -> None:
    from backend.seed import seed_demo

    seed_demo(reports=0)
    db.session.remove()


def empty_tables() -> None:
    """Delete every row (on the current session's connection)."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    # A throw-away test database: no fsync at each commit (the committing tests, the seed).
    dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(scope="session")
def _app(settings, tmp_path_factory):
    """The one app of the session, its schema built and the demo city seeded (committed)."""
    from wsgi import create_app

    app = create_app(
        settings,
        overrides={
            "TESTING": True,
            "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
            "PASSWORD_HASH_METHOD": "argon2-fast",
            # Tests send the builder's default report again and again: no implicit
            # de-duplication unless a test turns it on (tests/mobile_api/test_idempotency).
            "DUPLICATE_SUBMISSION_SECONDS": 0,
            # No abuse limits unless a test turns them on (tests/backend/test_limits.py).
            "RATELIMIT_ENABLED": False,
        },
    )
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_without_fsync)
        _build_schema(app)
        _seed_city()
        redis_connection()  # made once, kept in app.extensions
    _join_test_transactions()
    yield app
    with app.app_context():
        db.engine.dispose()


# ---- each test: a rolled-back transaction, or real commits ----------------------------


def _begin_outer(engine):
    """A connection in a transaction the test's sessions join with SAVEPOINTs."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        # pysqlite starts transactions itself and does not know SAVEPOINT: let it do
        # nothing and say BEGIN ourselves (SQLAlchemy's documented workaround), on this
        # connection only, so the committing tests keep the driver's usual behaviour.
        connection.connection.dbapi_connection.isolation_level = None
        transaction = connection.begin()
        connection.exec_driver_sql("BEGIN")
    else:
        transaction = connection.begin()
    return connection, transaction


def _end_outer(engine, connection, transaction) -> None:
    transaction.rollback()
    if engine.dialect.name == "sqlite":
        connection.connection.dbapi_connection.isolation_level = ""
    connection.close()


@contextmanager
def _test_config(app, media_root: Path):
    """The app's config and extensions as they were, afterwards; its own MEDIA_ROOT."""
    config, extensions = dict(app.config), dict(app.extensions)
    app.config["MEDIA_ROOT"] = str(media_root)
    app.extensions.pop("phananh_storage", None)  # the storage of that MEDIA_ROOT
    # The public response cache outlives a rolled-back test: each test its own (empty).
    app.config["PUBLIC_CACHE_PREFIX"] = f"pa:pc:test-{uuid.uuid4().hex}:"
    app.extensions.pop("phananh_public_cache", None)
    try:
        yield
    finally:
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)


class ModuleTransaction:
    """Data a module's tests share, built once (see the ``module_transaction`` fixture)."""

    def __init__(self, app, media: Path):
        self.app, self.media = app, media
        with app.app_context():
            self.engine = db.engine
            self.connection, self.transaction = _begin_outer(self.engine)

    @contextmanager
    def build(self):
        """An app context (and a test client) whose commits land in the module's
        transaction and whose files in the module's media folder."""
        with _test_config(self.app, self.media), self.app.app_context():
            _JOINED[self.app] = self.connection
            try:
                if redis_connection() is not None:
                    get_queue().empty()
                yield self.app.test_client()
            finally:
                db.session.remove()
                del _JOINED[self.app]

    def close(self) -> None:
        _end_outer(self.engine, self.connection, self.transaction)


#: app -> the ModuleTransaction of the module running now, if it has one.
_MODULE: dict = {}


@pytest.fixture(scope="module")
def module_transaction(_app, tmp_path_factory):
    """For module-scoped data fixtures: ``with module_transaction.build() as client:``
    build on the demo city (through ``tests.factories``); the data is rolled back after
    the module, and each of its tests rolls back to it (a SAVEPOINT per test) and gets a
    copy of the files it saved. The module's tests cannot be ``committed`` ones."""
    module = ModuleTransaction(_app, tmp_path_factory.mktemp("module-media"))
    _MODULE[_app] = module
    try:
        yield module
    finally:
        del _MODULE[_app]
        module.close()


@pytest.fixture
def committed():
    """The test really commits (several threads, connections or a migration run): no
    outer transaction; afterwards the database is emptied and the demo city re-seeded."""
    return True


@pytest.fixture
def app(_app, request, tmp_path):
    """The session's app, in an app context; the test's writes are rolled back after it."""
    module = _MODULE.get(_app)
    media = tmp_path / "media"
    if module is not None and module.media.exists():
        shutil.copytree(module.media, media)
    really_commits = request.node.get_closest_marker(COMMITTED) is not None
    assert not (really_commits and module), "a committed test in a module_transaction module"
    with _test_config(_app, media), _app.app_context():
        if redis_connection() is not None:
            get_queue().empty()
        if really_commits:
            try:
                yield _app
            finally:
                db.session.remove()
                empty_tables()
                _seed_city()
        elif module is not None:
            savepoint = module.connection.begin_nested()
            _JOINED[_app] = module.connection
            try:
                yield _app
            finally:
                db.session.remove()
                del _JOINED[_app]
                if savepoint.is_active:
                    savepoint.rollback()
        else:
            engine = db.engine
            connection, transaction = _begin_outer(engine)
            _JOINED[_app] = connection
            try:
                yield _app
            finally:
                db.session.remove()
                del _JOINED[_app]
                _end_outer(engine, connection, transaction)


@pytest.fixture
def empty_db(app):
    """No rows at all, not even the demo city (inside the test's transaction)."""
    empty_tables()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def city(app):
    """The TP Cần Thơ deployment of the demo, without reports (seeded once per session)."""
    return app


@pytest.fixture
def run_jobs(app):
    """Run queued jobs: a real RQ worker in burst mode, or nothing when jobs are inline.

    The worker runs in this process and the test's app context, so its jobs use the
    test's session and see the test's (not yet really committed) rows.
    """
    return factories.run_jobs


def post_json(client, headers: dict | None, path: str, **json):
    """POST ``json`` (the keyword arguments) to ``path`` with ``headers``."""
    return client.post(path, json=json, headers=headers)


#: What the test harness itself sends around a test's work (its transaction's SAVEPOINTs
#: and, on SQLite, BEGIN); production sends none of these, so they are not counted.
_HARNESS_STATEMENTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ", "BEGIN")


def count_statements(client, path: str, headers: dict | None = None):
    """GET ``path`` from a fresh session (as each request in production) and count the SQL
    statements it sends; returns (count, response)."""
    db.session.remove()
    count = 0

    def bump(_conn, _cursor, statement, *_args, **_kwargs):
        nonlocal count
        if not statement.lstrip().upper().startswith(_HARNESS_STATEMENTS):
            count += 1

    event.listen(db.engine, "before_cursor_execute", bump)
    try:
        response = client.get(path, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", bump)
    assert response.status_code == 200, response.get_json()
    return count, response


@pytest.fixture
def resident(client, city):
    """Sign in as a resident through the real endpoint; returns auth headers."""

    def sign_in(phone: str = "+84901111111") -> dict:
        return factories.sign_in_resident(client, phone)

    return sign_in


@pytest.fixture
def staff(client, city):
    """Sign in as a demo staff account; returns auth headers."""

    def sign_in(username: str) -> dict:
        return factories.sign_in_staff(client, username)

    return sign_in


@pytest.fixture
def submit(client, resident, run_jobs):
    """POST a report as a resident (one sample photo unless told); returns the response."""

    def post(headers: dict | None = None, **kwargs):
        return factories.submit_report(client, headers or resident(), **kwargs)

    return post
