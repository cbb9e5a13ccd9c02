"""Benchmark: the operations view (board, map, trends) as closed reports pile up.

    python bench/operations_board.py [--database-url postgresql://postgres@127.0.0.1/phananh_ops_bench]
                                     [--open 500] [--small 10000] [--large 100000]

Builds a throw-away PostgreSQL database with the demo city, adds ``--open`` open reports
(assigned today or in the last weeks, a third overdue, spread over the city) and times
the board (today and the last 30 days), the map and the trends: the baseline. Then adds
closed reports (filed 31 to 390 days ago and resolved, with their clocks, routing
entries and a third rated) up to ``--small`` and ``--large`` reports in all, and times them again.
The board (today or the last 30 days), the map and the reports per day read open reports
and their period's clocks, entries and reports only (indexed): they should not grow. The
on-time rate per unit over 6 months reads the cases of those months (the public
statistics' own computation), so it grows with the closed reports in them.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.db import db
from backend.localtime import local_date
from backend.models import StaffUser
from backend.services import operations
from backend.services.statistics import Period
from bench.common import demo_app

BENCH_URL = "postgresql://postgres@127.0.0.1:5432/phananh_ops_bench"
DAY = 8 * 3600

_REPORTS = """
INSERT INTO reports (id, code, category_id, description, search_text, lat, lng,
    location_source, admin_unit_id, department_id, status, severity, reporter_id,
    created_at, updated_at, assigned_at, resolved_at, version)
SELECT g, 'PA-BENCH-' || g, c.id, 'Ổ gà', 'o ga', 10.0 + (g % 97) * 0.001,
       105.75 + (g % 89) * 0.001, 'device', u.id,
       (SELECT id FROM departments WHERE kind <> 'coordinator'
        ORDER BY id OFFSET (g % 10) LIMIT 1),
       CAST(:status AS varchar), 'normal', r.id,
       :now - (CAST(:since AS integer) + g % CAST(:days AS integer)) * interval '1 day'
            - interval '1 hour', :now,
       :now - (CAST(:since AS integer) + g % CAST(:days AS integer)) * interval '1 day'
            - interval '1 hour',
       CASE WHEN CAST(:status AS varchar) = 'resolved'
            THEN :now - (CAST(:since AS integer) + g % CAST(:days AS integer)) * interval '1 day'
                 + (g % 20) * interval '1 hour' END,
       1
FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g,
     (SELECT id FROM categories WHERE code = 'giao-thong') c,
     (SELECT id FROM admin_units WHERE code = '92-ninh-kieu') u,
     (SELECT min(id) AS id FROM residents) r
"""
_CLOCKS = """
INSERT INTO report_clocks (report_id, department_id, kind, budget_seconds,
    original_budget_seconds, started_at, run_started_at, consumed_seconds, due_at,
    original_due_at, completed_at, extension_in_time, superseded, reminders_sent, version)
SELECT r.id, r.department_id, 'handle', :budget, :budget, r.assigned_at,
       CASE WHEN r.resolved_at IS NULL THEN r.assigned_at END,
       CASE WHEN r.resolved_at IS NULL THEN 0 ELSE (r.id % 20) * 3600 END,
       r.assigned_at + (r.id % 30) * interval '1 day', r.assigned_at + interval '21 days',
       r.resolved_at, false, false, 0, 1
FROM reports r WHERE r.id BETWEEN :first AND :last
"""
_EVENTS = """
INSERT INTO report_events (report_id, at, type, actor_kind, department_id, to_status, public)
SELECT r.id, r.assigned_at, 'assign', 'system', r.department_id, 'assigned', true
FROM reports r WHERE r.id BETWEEN :first AND :last
"""
_RATINGS = """
INSERT INTO report_ratings (report_id, clock_id, resident_id, kind, score, created_at)
SELECT c.report_id, c.id, r.reporter_id, 'reporter', 1 + c.report_id % 5, :now
FROM report_clocks c JOIN reports r ON r.id = c.report_id
WHERE c.report_id BETWEEN :first AND :last AND c.completed_at IS NOT NULL
  AND c.report_id % 3 = 0
"""


def add_reports(first: int, count: int, now: datetime, *, open_: bool) -> None:
    """``count`` reports from id ``first``: open ones filed in the last 40 days, or
    resolved ones filed 31 to 390 days ago (with a third rated)."""
    params = {
        "first": first,
        "last": first + count - 1,
        "now": now,
        "budget": 15 * DAY,
        "status": "assigned" if open_ else "resolved",
        "days": 40 if open_ else 360,
        # Closed reports were filed before the last 30 days: the board of today and of
        # the last 30 days have the same cases at every size, what grows is the rest.
        "since": 0 if open_ else 31,
    }
    for statement in (_REPORTS, _CLOCKS, _EVENTS) + (() if open_ else (_RATINGS,)):
        db.session.execute(text(statement), params)
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


def measure(now: datetime) -> dict[str, float]:
    today = local_date(now)
    day = Period(today, today)
    month = Period(today - timedelta(days=29), today)
    half_year = Period.last_months(today, 6)

    def coordinator():
        return db.session.scalar(select(StaffUser).where(StaffUser.username == "coordinator"))

    return {
        "board today": timed(lambda: operations.board(coordinator(), day, now)),
        "board 30 days": timed(lambda: operations.board(coordinator(), month, now)),
        "map zoom 12": timed(lambda: operations.map_cells(coordinator(), now, zoom=12)),
        "per day, 30 d": timed(lambda: operations.daily_by_category(coordinator(), month, now)),
        "on time, 6 mo": timed(
            lambda: operations.monthly_on_time(coordinator(), half_year, now), repeat=1
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=BENCH_URL)
    parser.add_argument("--open", type=int, default=500)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()

    app = demo_app(args.database_url)
    results = {}
    with app.app_context():
        now = datetime.now(UTC)
        add_reports(1, args.open, now, open_=True)
        results["baseline"] = measure(now)
        total = args.open
        for label, target in (("small", args.small), ("large", args.large)):
            while total < target:
                batch = min(50_000, target - total)
                add_reports(total + 1, batch, now, open_=False)
                total += batch
            results[label] = measure(now)
    header = f"{args.open:,} open"
    print(f"{'':16} {header:>12} {args.small:>10,} {args.large:>10,}   large/baseline")
    for name in results["baseline"]:
        base, small, large = (results[k][name] * 1000 for k in ("baseline", "small", "large"))
        print(f"{name:16} {base:9.0f} ms {small:7.0f} ms {large:7.0f} ms   {large / base:5.1f}x")


if __name__ == "__main__":
    main()
