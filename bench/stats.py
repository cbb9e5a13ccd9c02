"""Benchmark: the statistics (scoreboard, figures by month) and the portal's pages at scale.

    python bench/stats.py [--database-url postgresql://postgres@127.0.0.1/phananh_bench]
                          [--small 10000] [--large 100000]

Builds a throw-away PostgreSQL database, adds ``--small`` handled reports spread
over the last 12 months (90 % resolved, a third of those rated, the rest open),
times the scoreboard, one unit's figures by month and the portal's board and
scoreboard pages; grows to ``--large`` reports and times them again. Prints the
times and the large/small ratios (the statistics read every case of the period,
so they grow linearly: about 10x for 10x the cases; the board does not grow).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.db import db
from backend.services import statistics
from backend.services.statistics import Period, Scope
from bench.common import BENCH_URL, demo_app

DAY = 8 * 3600


def add_cases(first: int, count: int, now: datetime) -> None:
    """Reports received over the last 360 days at the city's units, with their clocks."""
    params = {"first": first, "last": first + count - 1, "now": now, "budget": 15 * DAY}
    db.session.execute(
        text("""
        INSERT INTO reports (id, code, category_id, description, search_text, lat, lng,
            location_source, admin_unit_id, department_id, status, severity, reporter_id,
            created_at, updated_at, assigned_at, resolved_at, version)
        SELECT g, 'PA-BENCH-' || g, c.id, 'Ổ gà', 'o ga', 10.03, 105.78, 'device', u.id,
               (SELECT id FROM departments WHERE kind <> 'coordinator'
                ORDER BY id OFFSET (g % 10) LIMIT 1),
               CASE WHEN g % 10 = 0 THEN 'assigned' ELSE 'resolved' END, 'normal', r.id,
               :now - (g % 360) * interval '1 day', :now, :now - (g % 360) * interval '1 day',
               CASE WHEN g % 10 = 0 THEN NULL
                    ELSE :now - (g % 360) * interval '1 day' + (g % 25) * interval '1 day' END,
               1
        FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g,
             (SELECT id FROM categories WHERE code = 'giao-thong') c,
             (SELECT id FROM admin_units WHERE code = '92-ninh-kieu') u,
             (SELECT min(id) AS id FROM residents) r
    """),
        params,
    )
    db.session.execute(
        text("""
        INSERT INTO report_clocks (report_id, department_id, kind, budget_seconds,
            original_budget_seconds, started_at, run_started_at, consumed_seconds, due_at,
            original_due_at, completed_at, extension_in_time, superseded, reminders_sent,
            version)
        SELECT r.id, r.department_id, 'handle', :budget, :budget, r.assigned_at,
               CASE WHEN r.resolved_at IS NULL THEN r.assigned_at END,
               CASE WHEN r.resolved_at IS NULL THEN 0 ELSE (r.id % 25) * 5 * 3600 END,
               r.assigned_at + interval '21 days', r.assigned_at + interval '21 days',
               r.resolved_at, false, false, 0, 1
        FROM reports r WHERE r.id BETWEEN :first AND :last
    """),
        params,
    )
    db.session.execute(
        text("""
        INSERT INTO report_ratings (report_id, clock_id, resident_id, kind, score, created_at)
        SELECT c.report_id, c.id, r.reporter_id, 'reporter', 1 + c.report_id % 5, :now
        FROM report_clocks c JOIN reports r ON r.id = c.report_id
        WHERE c.report_id BETWEEN :first AND :last AND c.completed_at IS NOT NULL
          AND c.report_id % 3 = 0
    """),
        params,
    )
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        db.session.remove()
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def measure(app, now: datetime) -> dict[str, float]:
    period = Period.last_months(now.date())
    client = app.test_client()

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return {
        "scoreboard": timed(lambda: statistics.scoreboard(period, now)),
        "unit by month": timed(lambda: statistics.monthly(Scope(department="so-xd"), period, now)),
        "city figures": timed(lambda: statistics.summary(Scope(admin_unit="92"), period, now)),
        "page /": timed(lambda: page("/")),
        "page /departments": timed(lambda: page("/departments")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=BENCH_URL)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()

    app = demo_app(args.database_url)
    with app.app_context():
        now = datetime.now(UTC)
        add_cases(1, args.small, now)
        small = measure(app, now)
        for first in range(args.small + 1, args.large + 1, 50_000):
            add_cases(first, min(50_000, args.large - first + 1), now)
        large = measure(app, now)
    print(f"{'':18} {args.small:>10,} {args.large:>10,}   ratio")
    for name in small:
        print(
            f"{name:18} {small[name] * 1000:8.0f} ms {large[name] * 1000:8.0f} ms"
            f"   {large[name] / small[name]:5.1f}x"
        )


if __name__ == "__main__":
    main()
