"""The national benchmark's own pieces: wrk's report, the COPY text, the table, the load.

The load itself (bench/national_data.py) runs only on PostgreSQL (COPY): a few hundred
reports into a database of its own, checked for what the public reads rely on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import national_report, national_rows
from bench.national_http import parse_wrk

WRK = """Running 3s test @ http://127.0.0.1:40001/public/v1/reports
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.20ms   12.10ms 210.00ms   80.00%
    Req/Sec   390.12     40.50   470.00     70.00%
  Latency Distribution
     50%   38.51ms
     75%   45.00ms
     90%   55.00ms
     99%    1.21s
  2334 requests in 3.01s, 12.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    775.43
Transfer/sec:      3.99MB
"""


def test_wrk_report_is_parsed():
    result = parse_wrk(WRK, 3)
    assert result.rps == pytest.approx(775.43)
    assert result.p50_ms == pytest.approx(38.51)
    assert result.p99_ms == pytest.approx(1210.0)
    assert result.requests == 2334
    assert result.errors == 4 + 3


def test_copy_text_of_times_and_numbers():
    seconds = np.array([0, 1_764_620_000, 86_399])
    assert national_rows.ts(seconds) == [
        "1970-01-01 00:00:00+00",
        "2025-12-01 20:13:20+00",
        "1970-01-01 23:59:59+00",
    ]
    present = np.array([True, False, True])
    assert national_rows.ts(seconds, present)[1] == national_rows.NULL
    assert national_rows.ints(np.array([3, 4]), np.array([False, True])) == ["\\N", "4"]


def test_every_report_has_a_consistent_life():
    rng = np.random.default_rng(1)
    n = 5000
    now = 1_764_620_000
    created = np.sort(now - rng.uniform(0, 365 * 86400, n).astype(np.int64))
    ones = np.ones(n, dtype=np.int64)
    batch = national_rows.life(
        rng, np.arange(1, n + 1), created, now, 2 * ones, ones, 7 * ones, np.zeros(n, bool)
    )
    assert set(batch.status) <= {"new", "assigned", "in_progress", "resolved", "closed",
                                 "returned", "rejected", "duplicate"}  # fmt: skip
    for later, earlier, mask in (
        (batch.assigned, created, batch.has_assigned),
        (batch.accepted, batch.assigned, batch.has_accepted),
        (batch.resolved, batch.accepted, batch.has_resolved),
        (batch.closed, batch.resolved, batch.has_closed),
    ):
        assert (later[mask] >= earlier[mask]).all()
        assert (later[mask] <= now).all()
    events, next_id = national_rows.events(batch, 1, ["Đã xử lý."], rng)
    assert next_id == len(events["id"]) + 1
    # Entries in order per report, each report starting with its submission.
    report_ids = [int(r) for r in events["report_id"]]
    assert report_ids == sorted(report_ids)
    firsts = {}
    for report_id, kind in zip(report_ids, events["type"], strict=True):
        firsts.setdefault(report_id, kind)
    assert set(firsts.values()) == {"submit"} and len(firsts) == n
    _clocks, handle_id, _ = national_rows.clocks(batch, 1, now)
    assert (handle_id[batch.has_assigned] > 0).all()
    ratings, _ = national_rows.ratings(batch, handle_id, 1)
    assert len(ratings["id"]) == int((batch.rated & batch.has_assigned).sum())


def _run(routes: dict, floor_rps: float = 1000.0) -> dict:
    return {
        "floor": [{"rps": floor_rps, "p50_ms": 10.0, "p99_ms": 20.0}] * 2,
        "routes": routes,
        "build": {"reports": 1_000_000},
        "build_small": {"reports": 10_000},
        "board_growth": {
            "small": {"/": 50.0},
            "large": {"/": 100.0},
            "ratio": {"/": 2.0},
        },
        "routing": {
            "points": 10,
            "vectorised_points_per_s": 150_000,
            "per_point_locate_per_s": 9000,
        },
    }


def test_table_names_what_meets_and_misses_its_target():
    def result(rps: float, p99: float = 30.0) -> dict:
        return {"rps": rps, "p50_ms": 5.0, "p99_ms": p99, "errors": 0, "requests": 10}

    run = _run({
        "list": {"uncached": result(50.0), "cached": result(600.0)},
        "report": {"uncached": result(150.0), "cached": result(600.0, p99=90.0)},
        "submit": {"uncached": result(300.0)},
        "stats": {"uncached": {"too_slow_s": 60, "path": "/public/v1/stats"}},
    })  # fmt: skip
    routes = [
        ("list", "list", "cached"),
        ("report", "report", "cached"),
        ("open311", "open311", "missing"),
        ("submit", "submit", "write"),
        ("stats", "stats", "cached"),
    ]
    table = national_report.render(run, routes)
    lines = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert "**missed**" in lines["list uncached"]  # 5 % of the floor
    assert "met" in lines["list cached"] and "**missed**" not in lines["list cached"]
    assert "**missed**" in lines["report cached"]  # p99 90 ms > 3 x 20 ms
    assert "not built yet" in lines["open311"]
    assert "met" in lines["submit"]
    assert (
        "one request > 60 s" in lines["stats uncached"] and "**missed**" in lines["stats uncached"]
    )
    assert "2.00× (**missed**" in table  # the board doubled
    assert "150,000 points/s" in table


def test_top_frames_of_collapsed_stacks():
    collapsed = (
        "main (wsgi.py:1);view (backend/api/public.py:40);count (sqlalchemy/x.py:9) 30\n"
        "main (wsgi.py:1);view (backend/api/public.py:40);dump (marshmallow/s.py:3) 10\n"
    )
    frames = national_report.top_frames(collapsed)
    assert frames["samples"] == 40
    assert frames["inclusive_ours"][0] == ("view (backend/api/public.py:40)", 1.0)
    assert frames["self"][0] == ("count (sqlalchemy/x.py:9)", 0.75)


def test_the_summary_goes_at_the_top_of_benchmarks_md_and_replaces_itself(tmp_path):
    (tmp_path / "bench").mkdir()
    (tmp_path / "BENCHMARKS.md").write_text("# Benchmarks\n\nIntro.\n\n## Older\n\nkept\n")
    run = _run({})
    run |= {
        "started": "2026-12-01T22:00:00+00:00",
        "seconds": 3,
        "total_seconds": 60,
        "machine": {"cores": 2, "cpu": "cpu", "ram_gb": 24, "postgresql": "15",
                    "redis": "7", "python": "3.11", "wrk": "wrk 4", "load_average": ["1"]},
    }  # fmt: skip
    national_report.write(run, "TABLE ONE", tmp_path)
    national_report.write(run, "TABLE TWO", tmp_path)
    text = (tmp_path / "BENCHMARKS.md").read_text()
    assert text.startswith("# Benchmarks\n\nIntro.\n\n" + national_report.START)
    assert "TABLE TWO" in text and "TABLE ONE" not in text
    assert text.count(national_report.START) == 1
    assert text.rstrip().endswith("## Older\n\nkept")
    assert (tmp_path / "bench" / "results" / "2026-12-01.json").exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="the load uses PostgreSQL COPY",
)
def test_a_small_load_looks_like_real_reports():
    import psycopg

    from bench import national_data

    admin, _ = os.environ["DATABASE_URL"].rsplit("/", 1)
    url = admin + "/phananh_bench_test_national"
    try:
        _check_small_load(url)
    finally:
        with psycopg.connect(national_data.psycopg_url(admin + "/postgres"), autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS phananh_bench_test_national WITH (FORCE)")


def _check_small_load(url: str) -> None:
    import psycopg

    from bench import national_data

    meta = national_data.build(url, 600, log=lambda *_: None)
    assert meta["reports"] == 600
    assert national_data.recorded(url)["reports"] == 600
    with psycopg.connect(national_data.psycopg_url(url)) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        assert one("SELECT count(*) FROM reports") == 600
        assert one("SELECT count(DISTINCT province_id) FROM reports") > 20
        assert one("SELECT count(*) FROM reports WHERE province_id IS NULL") == 0
        assert one("SELECT count(*) FROM admin_units WHERE depth = 0 AND hosted") == 34
        # Every report's first entry is its submission; search finds potholes.
        assert (
            one(
                "SELECT count(*) FROM reports r WHERE (SELECT type FROM report_events e "
                "WHERE e.report_id = r.id ORDER BY e.id LIMIT 1) <> 'submit'"
            )
            == 0
        )
        assert one("SELECT count(*) FROM reports WHERE search_text LIKE '%o ga%'") > 0
        assert one("SELECT min(length(description)) FROM reports") >= 60
        # The reports' departments belong to the reports' provinces.
        assert (
            one(
                "SELECT count(*) FROM reports r JOIN departments d ON d.id = r.department_id "
                "WHERE d.province_id <> r.province_id"
            )
            == 0
        )
        # Indexes dropped for the load are back.
        assert one("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_reports_status_created'")
        assert one("SELECT last_value FROM reports_id_seq") >= 10_000_000
