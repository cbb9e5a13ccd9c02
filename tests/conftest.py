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

Tests that need real commits seen from several connections or threads
(concurrency, migrations, bulk SQL on their own connection) ask for the
``committed`` fixture (or carry ``@pytest.mark.committed``): they run on the real
engine and the database is emptied and the city re-seeded after them.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from flask import current_app, has_app_context
from flask_migrate import upgrade
from rq import SimpleWorker
from sqlalchemy import event, text

from backend.config import Settings
from backend.db import db
from backend.firebase import emulator_id_token
from backend.jobs import get_queue, redis_connection

FIXTURES = Path(__file__).parent / "fixtures"
PHOTOS = FIXTURES / "photos"

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


def photo(name: str) -> bytes:
    return (PHOTOS / name).read_bytes()


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    return Settings.from_env(env)


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


@pytest.fixture(scope="session")
def _app(settings, tmp_path_factory):
    """The one app of the session, its schema built and the demo city seeded (committed)."""
    from wsgi import create_app

    app = create_app(
        settings,
        overrides={
            "TESTING": True,
            "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        },
    )
    with app.app_context():
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


@pytest.fixture
def committed():
    """The test really commits (several threads, connections or a migration run): no
    outer transaction; afterwards the database is emptied and the demo city re-seeded."""
    return True


@pytest.fixture
def app(_app, request, tmp_path):
    """The session's app, in an app context; the test's writes are rolled back after it."""
    config, extensions = dict(_app.config), dict(_app.extensions)
    _app.config["MEDIA_ROOT"] = str(tmp_path / "media")
    _app.extensions.pop("phananh_storage", None)  # the storage of the test's MEDIA_ROOT
    really_commits = request.node.get_closest_marker(COMMITTED) is not None
    try:
        with _app.app_context():
            if redis_connection() is not None:
                get_queue().empty()
            if really_commits:
                try:
                    yield _app
                finally:
                    db.session.remove()
                    empty_tables()
                    _seed_city()
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
    finally:
        _app.config.clear()
        _app.config.update(config)
        _app.extensions.clear()
        _app.extensions.update(extensions)


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
def demo(empty_db):
    """``demo(**kwargs)``: the whole demo (50 reports unless asked) in the test's
    transaction, instead of the session's city; returns what the seed printed."""
    from backend.seed import seed_demo

    def seed(reports: int = 50, **kwargs) -> str:
        return seed_demo(reports=reports, **kwargs)

    return seed


@pytest.fixture
def run_jobs(app):
    """Run queued jobs: a real RQ worker in burst mode, or nothing when jobs are inline.

    The worker runs in this process and the test's app context, so its jobs use the
    test's session and see the test's (not yet really committed) rows.
    """

    def run() -> int:
        if redis_connection() is None:
            return 0
        queue = get_queue()
        count = queue.count
        SimpleWorker([queue], connection=redis_connection()).work(burst=True)
        return count

    return run


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


def id_token(phone: str = "+84901111111", uid: str | None = None, **kwargs) -> str:
    return emulator_id_token(uid or f"uid-{phone.lstrip('+')}", phone, "phananh-demo", **kwargs)


@pytest.fixture
def resident(client, city):
    """Sign in as a resident through the real endpoint; returns auth headers."""

    def sign_in(phone: str = "+84901111111") -> dict:
        response = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token(phone)})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return sign_in


@pytest.fixture
def staff(client, city):
    """Sign in as a demo staff account; returns auth headers."""

    def sign_in(username: str) -> dict:
        response = client.post(
            "/staff/v1/auth/login", json={"username": username, "password": "demo"}
        )
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return sign_in


NINH_KIEU = (10.0340, 105.7880)  # Ninh Kiều wharf, TP Cần Thơ
HOAN_KIEM = (21.0287, 105.8524)  # Hoàn Kiếm lake, TP Hà Nội: outside the demo's service area


@pytest.fixture
def submit(client, resident, run_jobs):
    """POST a report as a resident; returns the response."""

    def post(
        headers: dict | None = None,
        *,
        category: str = "giao-thong",
        description: str = "Ổ gà lớn trên đường Hai Bà Trưng",
        lat: float | str | None = NINH_KIEU[0],
        lng: float | str | None = NINH_KIEU[1],
        address: str | None = "Bến Ninh Kiều",
        photos: list[tuple[bytes, str]] | None = None,
        run: bool = True,
    ):
        form: dict = {"category": category, "description": description}
        if lat is not None:
            form["lat"] = str(lat)
        if lng is not None:
            form["lng"] = str(lng)
        if address is not None:
            form["address"] = address
        files = photos if photos is not None else [(photo("DSCN0021.jpg"), "DSCN0021.jpg")]
        form["photos"] = [(io.BytesIO(data), name) for data, name in files]
        response = client.post(
            "/mobile/v1/reports",
            data=form,
            headers=headers or resident(),
            content_type="multipart/form-data",
        )
        if run:
            run_jobs()
        return response

    return post
