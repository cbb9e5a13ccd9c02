"""Benchmark: the SLA sweep's cost follows the due clocks, not the open ones.

    python bench/sla_sweep.py [--database-url postgresql://postgres@127.0.0.1/phananh_bench]
                              [--open 1000000] [--small 10000] [--due 1000]

Builds a throw-away PostgreSQL database (dropped and created again), measures one
sweep that finds ``--due`` due clocks among ``--small`` open reports, grows the
table to ``--open`` open reports with the same number of due clocks, measures
again, and prints both times and their ratio (target: at most 2x). It also
prints the working calendar's throughput.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend import tasks
from backend.db import db
from backend.domain.calendar import WorkingCalendar
from bench.common import BENCH_URL, demo_app

DAY = 8 * 3600


def add_reports(first: int, count: int, *, due: bool, now: datetime) -> None:
    """Bulk-insert open, assigned reports with one running handling clock each."""
    # 18 calendar days back: past half of the 15 working days on any date (holidays
    # included), short of the deadline (due_at is 21 calendar days after the start).
    started = now - timedelta(days=18) if due else now - timedelta(hours=1)
    check = now - timedelta(hours=1) if due else now + timedelta(days=30)
    params = {
        "first": first,
        "last": first + count - 1,
        "started": started,
        "check": check,
        "budget": 15 * DAY,
        "now": now,
    }
    db.session.execute(
        text("""
        INSERT INTO reports (id, code, category_id, description, search_text, lat, lng,
            location_source, admin_unit_id, department_id, status, severity, reporter_id,
            created_at, updated_at, assigned_at, version)
        SELECT g, 'PA-BENCH-' || g, c.id, 'Ổ gà', 'o ga', 10.03, 105.78, 'device', u.id, d.id,
               'assigned', 'normal', r.id, :started, :started, :started, 1
        FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g,
             (SELECT id FROM categories WHERE code = 'giao-thong') c,
             (SELECT id FROM admin_units WHERE code = '92-ninh-kieu') u,
             (SELECT id FROM departments WHERE code = 'so-xd') d,
             (SELECT min(id) AS id FROM residents) r
    """),
        params,
    )
    db.session.execute(
        text("""
        INSERT INTO report_clocks (report_id, department_id, kind, budget_seconds,
            original_budget_seconds, started_at, run_started_at, consumed_seconds, due_at,
            original_due_at, extension_in_time, superseded, next_check_at, reminders_sent,
            version)
        SELECT g, d.id, 'handle', :budget, :budget, :started, :started, 0,
               :started + interval '21 days', :started + interval '21 days', false, false,
               :check, 0, 1
        FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g,
             (SELECT id FROM departments WHERE code = 'so-xd') d
    """),
        params,
    )
    db.session.commit()


def timed_sweep(now: datetime, expected: int) -> float:
    db.session.remove()
    db.session.execute(text("ANALYZE report_clocks"))
    db.session.commit()
    started = time.perf_counter()
    result = tasks.sla_sweep(now)  # the periodic job: batch by batch, each committed
    elapsed = time.perf_counter() - started
    assert result["clocks"] == expected and result["reminders"] == expected, result
    return elapsed


def reset_due(now: datetime) -> None:
    """Make the same due clocks due again (as if the first sweep had not run)."""
    db.session.execute(
        text("""
        UPDATE report_clocks SET reminders_sent = 0, next_check_at = :check
        WHERE reminders_sent > 0
    """),
        {"check": now - timedelta(hours=1)},
    )
    reminders = "SELECT id FROM report_events WHERE type = 'sla_reminder'"
    db.session.execute(text(f"DELETE FROM notifications WHERE event_id IN ({reminders})"))
    db.session.execute(text("DELETE FROM report_events WHERE type = 'sla_reminder'"))
    db.session.commit()


def calendar_throughput(n: int = 50_000) -> float:
    cal = WorkingCalendar()
    rng = random.Random(1)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(minutes=rng.randrange(0, 525_600)) for _ in range(n)]
    started = time.perf_counter()
    for start in starts:
        cal.add_days(start, 15)
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=BENCH_URL)
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    args = parser.parse_args()

    app = demo_app(args.database_url)
    with app.app_context():
        now = datetime.now(UTC)

        t0 = time.perf_counter()
        add_reports(1, args.due, due=True, now=now)
        add_reports(args.due + 1, args.small - args.due, due=False, now=now)
        small = timed_sweep(now, args.due)
        print(
            f"open reports: {args.small:>9,}  due clocks: {args.due:,}  "
            f"sweep: {small * 1000:8.1f} ms   (setup {time.perf_counter() - t0:.1f} s)"
        )

        t0 = time.perf_counter()
        step = 250_000
        for first in range(args.small + 1, args.open + 1, step):
            add_reports(first, min(step, args.open - first + 1), due=False, now=now)
        reset_due(now)
        large = timed_sweep(now, args.due)
        print(
            f"open reports: {args.open:>9,}  due clocks: {args.due:,}  "
            f"sweep: {large * 1000:8.1f} ms   (setup {time.perf_counter() - t0:.1f} s)"
        )
        ratio = large / small
        verdict = "OK" if ratio <= 2 else "OVER TARGET"
        print(f"ratio {args.open:,} / {args.small:,} open: {ratio:.2f}x  (target <= 2x: {verdict})")
        print(f"per due clock: {large / args.due * 1000:.2f} ms")

    rate = calendar_throughput()
    print(f"calendar: {rate:,.0f} add-working-days operations per second")
    if ratio > 2:
        sys.exit(1)


if __name__ == "__main__":
    main()
