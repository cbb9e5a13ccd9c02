"""What every benchmark starts from: a throw-away PostgreSQL database with the demo city."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.config import Settings
from backend.db import db
from backend.seed import seed_demo
from wsgi import create_app

BENCH_URL = "postgresql://postgres@127.0.0.1:5432/phananh_bench"


def recreate(url: str) -> None:
    """Drop the database named by ``url`` and create it again, empty."""
    admin_url, name = url.rsplit("/", 1)
    engine = create_engine(f"{admin_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def demo_app(url: str):
    """A fresh database, migrated, with the demo city (no reports), and its app.

    Bulk-inserted report ids may start at 1: the app's own start at 10,000,001.
    Use inside ``with app.app_context():``.
    """
    recreate(url)
    app = create_app(Settings.from_env({"DATABASE_URL": url}))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=app.extensions["migrate"].directory)
        seed_demo(reports=0)
        db.session.execute(text("SELECT setval('reports_id_seq', 10000000)"))
        db.session.commit()
    return app
