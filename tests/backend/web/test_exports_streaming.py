"""Open data and the board's map, streamed to the end as a server streams them.

A streamed response is read after its view has returned, when a real server has already
torn the request down (its app context popped, its session removed). These tests make
each request in a context of its own (``contextvars.Context()``: no app context of the
test's to share), so the request gets its own app context and session, exactly as under
gunicorn; a streamed result that outlived its session (the server-side cursor of the old
``yield_per`` on PostgreSQL) then fails here as it failed in production.

The reports are many (2,500 public ones, ties in ``created_at`` included) so that the
exports cross several batches; they run on SQLite and on PostgreSQL (``postgres`` marks
them as the ones that matter there).
"""

from __future__ import annotations

import contextvars
import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import event, insert, select

from backend.db import commit, db
from backend.models import AdminUnit, Category, Report, Resident
from backend.services import queries

pytestmark = pytest.mark.postgres

PUBLIC = 2_500
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def committed():
    """Really commit (tests/conftest.py then runs the test on the engine's own pool, not in
    one rolled-back transaction): the pool is what the disconnect test looks at. Defined
    here too, so the test runs the same with a harness that has no such fixture."""
    return True


@pytest.fixture
def many(city):
    """2,500 public reports (three share each minute) and 40 the public never sees.

    Returns the public codes newest first: the exports' order.
    """
    category = db.session.scalars(select(Category).where(Category.code == "giao-thong")).one()
    unit = db.session.scalars(select(AdminUnit).where(AdminUnit.parent_id.is_not(None))).first()
    reporter = Resident(firebase_uid="export-streaming", phone="+84900000999")
    db.session.add(reporter)
    db.session.flush()

    def row(i: int, **changes) -> dict:
        created = NOW - timedelta(minutes=i // 3)
        return {
            "code": f"EX-{i:06d}",
            "category_id": category.id,
            "description": f"Ổ gà số {i}, gọi 0912345678",
            "search_text": f"ex-{i:06d} o ga so {i}",
            "lat": 10.03 + (i % 100) / 10_000,
            "lng": 105.78 + (i % 97) / 10_000,
            "address": f"Hẻm {i}",
            "location_source": "device",
            "admin_unit_id": unit.id,
            "status": "closed" if i % 5 == 0 else "new",
            "severity": "normal",
            "reporter_id": reporter.id,
            "created_at": created,
            "updated_at": created,
            "version": 1,
            **changes,
        }

    rows = [row(i) for i in range(PUBLIC)]
    rows += [row(PUBLIC + i, status="rejected") for i in range(20)]
    rows += [row(PUBLIC + 20 + i, moderation_status="pending") for i in range(20)]
    db.session.execute(insert(Report), rows)
    commit()
    db.session.remove()
    # Inserted in id order, three per minute: newest first is (minute, then id) descending.
    public = sorted(rows[:PUBLIC], key=lambda r: (r["created_at"], r["code"]), reverse=True)
    return [r["code"] for r in public]


def request_alone(client, url: str):
    """GET ``url`` in a context of its own: the request's app context and session are
    torn down when the view returns, before the body is read (as on a real server).
    Returns (context, response): read the body with ``context.run``."""
    context = contextvars.Context()
    return context, context.run(client.get, url)


def body(client, url: str) -> str:
    context, response = request_alone(client, url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return context.run(response.get_data, as_text=True)


@pytest.fixture
def selects(app):
    """The export queries sent (SELECTs from reports with a LIMIT), as SQL text."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sql = statement.lstrip().upper()
        if sql.startswith("SELECT") and "LIMIT" in sql and "FROM REPORTS" in sql:
            sent.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_the_csv_export_streams_every_public_report_to_the_end(client, many, selects):
    text = body(client, "/open-data/reports.csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    # Every public report once, newest first, across the batches (ties at a batch's edge
    # neither repeated nor lost); the refused and the unmoderated ones never.
    assert [r["code"] for r in rows] == many
    assert "0912345678" not in text
    # In batches of at most EXPORT_BATCH rows: memory holds one batch, never the export.
    assert len(selects) == PUBLIC // queries.EXPORT_BATCH + 1


def test_the_csv_export_with_filters_and_small_batches(client, many, monkeypatch):
    monkeypatch.setattr(queries, "EXPORT_BATCH", 7)  # many batch edges, ties on most
    closed = [code for code in many if int(code[3:]) % 5 == 0]
    text = body(client, "/open-data/reports.csv?status=closed&limit=333")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["code"] for r in rows] == closed[:333]
    assert {r["status"] for r in rows} == {"closed"}


def test_the_maps_geojson_is_the_newest_2000(client, many):
    data = json.loads(body(client, "/open-data/reports.geojson?limit=2000"))
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]] == many[:2000]
    point = data["features"][0]["geometry"]
    assert point["type"] == "Point" and len(point["coordinates"]) == 2
    whole = json.loads(body(client, "/open-data/reports.geojson"))
    assert len(whole["features"]) == PUBLIC


def test_the_board_map_loads_its_data(client, many):
    html = body(client, "/")
    url = unescape(re.search(r'data-geojson="([^"]+)"', html).group(1))
    assert "limit=2000" in url
    data = json.loads(body(client, url))
    assert len(data["features"]) == 2000
    assert data["features"][0]["properties"]["code"] == many[0]


def test_a_bad_filter_is_answered_before_the_download_starts(client, many):
    _context, response = request_alone(client, "/open-data/reports.csv?category=no-such")
    assert response.status_code == 422
    assert "phan-anh.csv" not in response.headers.get("Content-Disposition", "")


def test_a_client_leaving_mid_stream_holds_no_connection(app, client, many, committed):
    pool = db.engine.pool
    db.session.remove()
    before = pool.checkedout()
    context, response = request_alone(client, "/open-data/reports.geojson")
    chunks = context.run(lambda: iter(response.response))
    read = [context.run(next, chunks) for _ in range(queries.EXPORT_BATCH + 50)]
    assert b'"EX-' in read[-1]  # into the second batch
    # While the client reads, no transaction stays open and no connection is checked out.
    assert pool.checkedout() == before
    context.run(response.close)  # the client went away: the server closes the response
    assert pool.checkedout() == before
    # The pool still serves: the next download runs to the end.
    assert len(json.loads(body(client, "/open-data/reports.geojson?limit=5"))["features"]) == 5
    assert pool.checkedout() == before
