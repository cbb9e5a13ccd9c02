"""Benchmark: duplicate suggestions stay fast among a million reports.

    python bench/duplicates.py [--database-url postgresql://postgres@127.0.0.1/phananh_bench_dup]
                               [--reports 1000000] [--points 500]

Builds a throw-away PostgreSQL database (dropped and created again), migrates it,
seeds the TP Cần Thơ demo without reports, bulk-inserts ``--reports`` reports spread
over the city (lat 9.5-10.3, lng 105.4-106.0; the demo's categories at random;
created within the last 90 days; mostly open, a few held or refused by moderation),
then times ``nearby.suggest`` (the demo's radius and days) for ``--points`` random
points and prints the median and p99 in milliseconds, the candidates the prefilter
returned for the exact distance, and the query plan of the prefilter.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.db import db
from backend.services import nearby
from bench.common import demo_app

LAT, LNG = (9.5, 10.3), (105.4, 106.0)
STEP = 250_000


def add_reports(first: int, count: int, categories: list[int], now: datetime) -> None:
    """Bulk-insert reports: 80 % open, 15 % resolved or closed, 5 % rejected or duplicate;
    2 % held by moderation, 1 % refused by it, 7 % approved, the rest never reviewed."""
    db.session.execute(
        text("""
        INSERT INTO reports (id, code, category_id, description, search_text, lat, lng,
            location_source, admin_unit_id, department_id, status, severity, reporter_id,
            created_at, updated_at, moderation_status, version)
        SELECT s.g, 'PA-BENCH-' || s.g,
               (CAST(:categories AS integer[]))[1 + floor(random() * :n_categories)::int],
               'Ổ gà', 'o ga',
               :min_lat + random() * (:max_lat - :min_lat),
               :min_lng + random() * (:max_lng - :min_lng),
               'device', u.id, d.id,
               CASE WHEN s.x < 0.80 THEN (ARRAY['new', 'assigned', 'in_progress', 'returned'])
                                         [1 + floor(random() * 4)::int]
                    WHEN s.x < 0.95 THEN (ARRAY['resolved', 'closed'])[1 + floor(random() * 2)::int]
                    ELSE (ARRAY['rejected', 'duplicate'])[1 + floor(random() * 2)::int] END,
               'normal', r.id, s.created, s.created,
               CASE WHEN s.m < 0.02 THEN 'pending' WHEN s.m < 0.03 THEN 'rejected'
                    WHEN s.m < 0.10 THEN 'approved' END,
               1
        FROM (SELECT g, random() AS x, random() AS m,
                     CAST(:now AS timestamptz) - random() * interval '90 days' AS created
              FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g) s,
             (SELECT id FROM admin_units WHERE code = '92-ninh-kieu') u,
             (SELECT id FROM departments WHERE code = 'so-xd') d,
             (SELECT min(id) AS id FROM residents) r
    """),
        {
            "first": first,
            "last": first + count - 1,
            "categories": categories,
            "n_categories": len(categories),
            "min_lat": LAT[0],
            "max_lat": LAT[1],
            "min_lng": LNG[0],
            "max_lng": LNG[1],
            "now": now,
        },
    )
    db.session.commit()


def explain(category_id: int, lat: float, lng: float, now: datetime, radius_m, days) -> str:
    stmt = nearby.prefilter(category_id, lat, lng, now, radius_m=radius_m, days=days)
    sql = stmt.compile(
        dialect=db.engine.dialect,
        compile_kwargs={"literal_binds": True, "render_postcompile": True},
    )
    rows = db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")).scalars()
    return "\n".join(f"    {row}" for row in rows)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/phananh_bench_dup"
    )
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--points", type=int, default=500)
    args = parser.parse_args()

    app = demo_app(args.database_url)
    with app.app_context():
        radius_m = app.config["DUPLICATE_RADIUS_M"]
        days = app.config["DUPLICATE_DAYS"]
        categories = list(db.session.scalars(text("SELECT id FROM categories ORDER BY id")))
        now = datetime.now(UTC)

        t0 = time.perf_counter()
        db.session.execute(text("SELECT setseed(0.42)"))
        for first in range(1, args.reports + 1, STEP):
            add_reports(first, min(STEP, args.reports - first + 1), categories, now)
        db.session.execute(text("SELECT setval('reports_id_seq', :n)"), {"n": args.reports})
        db.session.commit()
        db.session.execute(text("ANALYZE reports"))
        db.session.commit()
        open_recent = db.session.scalar(
            text("""SELECT count(*) FROM reports
                    WHERE status IN ('new', 'assigned', 'in_progress', 'returned')
                      AND created_at >= CAST(:now AS timestamptz) - make_interval(days => :days)
            """),
            {"now": now, "days": days},
        )
        print(
            f"reports: {args.reports:,} ({open_recent:,} open and filed in the last {days} days)"
            f" over {LAT[0]}-{LAT[1]} N, {LNG[0]}-{LNG[1]} E, {len(categories)} categories;"
            f" setup {time.perf_counter() - t0:.1f} s"
        )

        rng = random.Random(7)
        points = [
            (rng.choice(categories), rng.uniform(*LAT), rng.uniform(*LNG))
            for _ in range(args.points)
        ]
        for category_id, lat, lng in points[:20]:  # warm the caches and the connection pool
            nearby.suggest(category_id, lat, lng, now, radius_m=radius_m, days=days)
            db.session.remove()

        timings, found = [], []
        for category_id, lat, lng in points:
            started = time.perf_counter()
            result = nearby.suggest(category_id, lat, lng, now, radius_m=radius_m, days=days)
            timings.append((time.perf_counter() - started) * 1000)
            found.append(len(result))
            db.session.remove()

        candidates = [
            db.session.scalar(
                select(func.count()).select_from(
                    nearby.prefilter(c, lat, lng, now, radius_m=radius_m, days=days).subquery()
                )
            )
            for c, lat, lng in points
        ]
        print(
            f"nearby.suggest, {args.points} random points, radius {radius_m} m, {days} days:"
            f" median {statistics.median(timings):.2f} ms, p99 {percentile(timings, 0.99):.2f} ms,"
            f" max {max(timings):.2f} ms"
        )
        print(
            f"candidates examined (prefilter rows given the exact distance): mean"
            f" {statistics.mean(candidates):.2f}, median {statistics.median(candidates):g},"
            f" p99 {percentile(candidates, 0.99):g}, max {max(candidates)};"
            f" suggested: mean {statistics.mean(found):.2f}, max {max(found)}"
        )

        # The densest spot for the plan: where the most candidates were.
        busiest = max(range(len(points)), key=candidates.__getitem__)
        category_id, lat, lng = points[busiest]
        print(f"prefilter plan (category {category_id}, {lat:.5f}, {lng:.5f}):")
        print(explain(category_id, lat, lng, now, radius_m, days))


if __name__ == "__main__":
    main()
