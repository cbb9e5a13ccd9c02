"""Test harness.

The suite runs on whatever the environment names, exactly like the app:
no variables -> SQLite in a temporary folder and inline jobs (the embedded
default); ``DATABASE_URL``/``REDIS_URL`` -> PostgreSQL and a real RQ queue,
drained by a real RQ worker in :func:`run_jobs`.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from flask_migrate import upgrade
from rq import SimpleWorker
from sqlalchemy import text

from backend.config import Settings
from backend.db import db
from backend.firebase import emulator_id_token
from backend.jobs import get_queue, redis_connection

FIXTURES = Path(__file__).parent / "fixtures"
PHOTOS = FIXTURES / "photos"

# The Firebase Auth emulator convention: unsigned ID tokens, no network.
os.environ.setdefault("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")


def photo(name: str) -> bytes:
    return (PHOTOS / name).read_bytes()


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def _schema(settings, tmp_path_factory):
    """Build the schema once with the real migrations, from an empty database."""
    from wsgi import create_app

    app = create_app(settings, overrides={"MEDIA_ROOT": str(tmp_path_factory.mktemp("media"))})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(directory=app.extensions["migrate"].directory)
    return True


@pytest.fixture
def app(settings, _schema, tmp_path):
    from wsgi import create_app

    app = create_app(
        settings,
        overrides={
            "TESTING": True,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        },
    )
    with app.app_context():
        _empty_tables()
        if redis_connection() is not None:
            get_queue().empty()
        yield app
        db.session.remove()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def city(app):
    """The TP Cần Thơ deployment of the demo, without reports."""
    from backend.seed import seed_demo

    seed_demo(reports=0)
    return app


@pytest.fixture
def run_jobs(app):
    """Run queued jobs: a real RQ worker in burst mode, or nothing when jobs are inline."""

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


def count_statements(client, path: str, headers: dict | None = None):
    """GET ``path`` from a fresh session (as each request in production) and count the SQL
    statements it sends; returns (count, response)."""
    from sqlalchemy import event

    db.session.remove()
    count = 0

    def bump(*_args, **_kwargs):
        nonlocal count
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
