"""Benchmark: open data streams any number of reports in bounded memory (PostgreSQL).

    python bench/export_stream.py [--reports 100000]
        [--database-url postgresql://postgres@127.0.0.1/phananh_exports_bench]

Builds a throw-away database (dropped and created again) with ``--reports`` public
reports, then downloads ``/open-data/reports.csv`` and the board map's
``/open-data/reports.geojson?limit=2000`` through the app as a server does (the request
torn down before the body is read), and prints for each: rows, time, SELECTs sent, the
peak of Python memory allocated while streaming (tracemalloc, a separate run), and the
connections checked out while the client reads. The CSV is also streamed at a quarter
of the size: the peak must not grow with the export.
"""

from __future__ import annotations

import argparse
import contextvars
import sys
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.db import db
from bench.common import demo_app

URL = "postgresql://postgres@127.0.0.1:5432/phananh_exports_bench"


def add_reports(count: int) -> None:
    db.session.execute(
        text("""
        INSERT INTO reports (id, code, category_id, description, search_text, lat, lng,
            address, location_source, admin_unit_id, status, severity, reporter_id,
            created_at, updated_at, version)
        SELECT g, 'PA-BENCH-' || g, c.id, 'Ổ gà lớn trước nhà số ' || g || ', gọi 0912345678',
               'o ga', 10.03 + (g % 100) / 10000.0, 105.78 + (g % 97) / 10000.0,
               'Hẻm ' || g, 'device', u.id, 'new', 'normal', r.id,
               now() - (g / 3) * interval '1 minute', now(), 1
        FROM generate_series(1, CAST(:count AS integer)) AS g,
             (SELECT id FROM categories WHERE code = 'giao-thong') c,
             (SELECT id FROM admin_units WHERE code = '92-ninh-kieu') u,
             (SELECT min(id) AS id FROM residents) r
    """),
        {"count": count},
    )
    db.session.execute(text("ANALYZE reports"))
    db.session.commit()


def download(app, url: str, *, measure_memory: bool = False) -> dict:
    """GET ``url`` in a context of its own and read the body to the end, chunk by chunk."""
    client = app.test_client()
    selects = 0
    checked_out = set()

    def count(_conn, _cursor, statement, *_args):
        nonlocal selects
        selects += "FROM reports" in statement and statement.lstrip().startswith("SELECT")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    context = contextvars.Context()
    if measure_memory:
        tracemalloc.start()
    started = time.perf_counter()
    response = context.run(client.get, url)
    size = 0
    chunks = context.run(iter, response.response)
    while (chunk := context.run(next, chunks, None)) is not None:
        size += len(chunk)
        checked_out.add(engine.pool.checkedout())
    context.run(response.close)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if measure_memory else None
    if measure_memory:
        tracemalloc.stop()
    event.remove(engine, "before_cursor_execute", count)
    return {
        "bytes": size,
        "seconds": elapsed,
        "selects": selects,
        "peak": peak,
        "checked_out_while_reading": max(checked_out),
    }


def report(label: str, app, url: str, rows: int) -> None:
    timed = download(app, url)
    peak = download(app, url, measure_memory=True)["peak"]
    print(
        f"{label}: {rows:,} rows, {timed['bytes'] / 1e6:.1f} MB in {timed['seconds']:.2f} s "
        f"({rows / timed['seconds']:,.0f} rows/s), {timed['selects']} SELECTs, "
        f"peak {peak / 1e6:.1f} MB allocated while streaming, "
        f"{timed['checked_out_while_reading']} connections checked out while reading"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=URL)
    parser.add_argument("--reports", type=int, default=100_000)
    args = parser.parse_args()
    app = demo_app(args.database_url)
    with app.app_context():
        add_reports(args.reports)
    quarter = args.reports // 4
    report("CSV, all", app, "/open-data/reports.csv", args.reports)
    report("CSV, a quarter", app, f"/open-data/reports.csv?limit={quarter}", quarter)
    report("map GeoJSON", app, "/open-data/reports.geojson?limit=2000", 2000)
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
