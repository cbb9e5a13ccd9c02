"""Benchmark: the platform at national scale (issue 14), against the framework floor.

    python3 bench/national.py [--database-url postgresql://postgres@127.0.0.1:5432/phananh_bench]
                              [--reports 1000000] [--small 10000] [--rebuild] [--quick]
                              [--redis-url redis://127.0.0.1:6379/3] [--no-write] [--profile]

1. Builds (or reuses, see bench/national_data.py) a PostgreSQL database of ``--reports``
   reports over the 34 provinces of the 2025 map, with timelines, clocks, ratings and
   photo records, and a small one of ``--small`` reports (``<name>_small``).
2. Runs the app (``wsgi:create_app()``) and a bare Flask JSON endpoint (the floor,
   bench/national_floor.py) under the same gunicorn settings (2 sync workers, the
   repository's gunicorn.conf.py: preloaded, as in production), one at a time, and drives
   each route with wrk (2 threads, 32 connections, 1 s of warm-up not counted, then 5 s;
   3 s with ``--quick``): the floor first and last, the app with its public cache off
   (``PUBLIC_CACHE=false``: every read built) and on (Redis).
3. Prints one table (requests/s, p50, p99, ratio to the floor), the board at the small
   and the large database, the routing rate, the workers' RSS after the run and a photo
   job's peak memory, and writes ``bench/results/<date>.json`` and the summary at the top
   of BENCHMARKS.md (``--no-write``: print only). ``--profile`` records each route that
   misses its target with py-spy for a few seconds and writes the top frames next to the
   results.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import national_data, national_extras, national_report  # noqa: E402
from bench.national_http import Server, memory_mb, wrk  # noqa: E402
from bench.national_submit import remove_submitted, sign_in, submission_body  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/phananh_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
#: The time plan: wrk's seconds per route (``--seconds``), its warm-up before each (not
#: counted), how long one request may take before a route is skipped, and how long the
#: cached server is driven at most to reach 10,000 requests before its RSS is read. With
#: 22 wrk runs, 2 server restarts per mode at most and the deep cursor, the runs take
#: about 8-10 minutes; with the 1,000,000-report build, the whole command about 20.
SECONDS, WARMUP, FIRST_TIMEOUT, TOP_UP, SETTLE = 5, 1, 30, 60, 20
#: (key, label, kind): kind "cached" routes are run with the public cache off and on.
ROUTES = [
    ("list", "`GET /public/v1/reports` (page 1)", "cached"),
    ("filtered", "`GET /public/v1/reports?status=in_progress&category=giao-thong`", "cached"),
    ("deep", "`GET /public/v1/reports?cursor=<page 500>` (deep page)", "cached"),
    ("search", "`GET /public/v1/reports?q=o%20ga`", "cached"),
    ("report", "`GET /public/v1/reports/<code>`", "cached"),
    ("stats", "`GET /public/v1/stats`", "cached"),
    ("scoreboard", "`GET /public/v1/departments` (scoreboard)", "cached"),
    ("portal", "`GET /` (portal board)", "cached"),
    ("portal_report", "`GET /r/<code>` (portal report)", "cached"),
    ("open311", "Open311 `GET /open311/v2/requests.json` (1,000 a page)", "uncached"),
    ("submit", "`POST /mobile/v1/reports` (1 MB photo)", "write"),
    ("staff", "`GET /staff/v1/reports` (a unit's queue)", "private"),
]


def app_env(args, media: str, *, cache: bool) -> dict[str, str]:
    many = "100000/minute;10000000/day"
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "MEDIA_ROOT": media,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-" + "x" * 40,
        "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        "PUBLIC_CACHE": "true" if cache else "false",
        "LIMIT_REPORTS_RESIDENT": many,
        "LIMIT_REPORTS_ADDRESS": many,
        "LIMIT_SIGN_IN_ADDRESS": many,
        "LIMIT_LOGIN_ADDRESS": many,
        "LIMIT_LOGIN_ACCOUNT": many,
        "REPORTS_DAILY_CAP": "10000000",
        "PYTHONPATH": str(ROOT),
    }


def codes(url: str, count: int) -> list[str]:
    """``count`` published reports' codes spread over the whole database."""
    with psycopg.connect(national_data.psycopg_url(url)) as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT code FROM reports TABLESAMPLE SYSTEM (2) WHERE id < 10000000 "
                "AND status NOT IN ('rejected') AND moderation_status IS DISTINCT FROM "
                "'pending' AND moderation_status IS DISTINCT FROM 'rejected' LIMIT %s",
                (count,),
            )
        ]


_DEEP: dict[str, str] = {}


def deep_cursor(base: str) -> str:
    """The cursor of page 500 of the public list (following ``next`` links), or an offset
    page when the list has no cursor; found once per run (499 requests), then reused."""
    import requests

    if "path" in _DEEP:
        return _DEEP["path"]

    url, cursor = f"{base}/public/v1/reports", None
    for _ in range(499):
        page = requests.get(url, params={"cursor": cursor} if cursor else None, timeout=60)
        cursor = page.json().get("next")
        if not cursor:
            return _DEEP.setdefault("path", "/public/v1/reports?page=500")
    return _DEEP.setdefault("path", f"/public/v1/reports?cursor={cursor}")


def paths(base: str, hot: list[str], spread: list[str], folder: Path) -> dict[str, dict]:
    """What wrk asks for each route: one URL, or a file of URLs picked at random (report
    pages: a hot set of 20 when cached, 5,000 across the database when not)."""

    def listing(name: str, urls: list[str]) -> str:
        path = folder / f"{name}.txt"
        path.write_text("\n".join(urls) + "\n")
        return str(path)

    return {
        "list": {"path": "/public/v1/reports"},
        "filtered": {"path": "/public/v1/reports?status=in_progress&category=giao-thong"},
        "deep": {"path": deep_cursor(base)},
        "search": {"path": "/public/v1/reports?q=o%20ga"},
        "report": {
            "paths": {
                "cached": listing("report-hot", [f"/public/v1/reports/{c}" for c in hot]),
                "uncached": listing("report", [f"/public/v1/reports/{c}" for c in spread]),
            }
        },
        "stats": {"path": "/public/v1/stats"},
        "scoreboard": {"path": "/public/v1/departments"},
        "portal": {"path": "/"},
        # A client's default query: the province's last 90 days, the first 1,000.
        "open311": {"path": "/open311/v2/requests.json?jurisdiction_id=92"},
        "portal_report": {
            "paths": {
                "cached": listing("r-hot", [f"/r/{c}" for c in hot]),
                "uncached": listing("r", [f"/r/{c}" for c in spread]),
            }
        },
    }


class TooSlow(Exception):
    """One request of a route took longer than the benchmark waits."""


def drive(server: Server, route: dict, seconds: float, mode: str, first_timeout: float) -> dict:
    """wrk on one route, after one request (its status; :class:`TooSlow` past
    ``first_timeout`` seconds)."""
    import requests

    first = route.get("path") or Path(route["paths"][mode]).read_text().split("\n", 1)[0]
    try:
        status = requests.get(server.base + first, timeout=first_timeout).status_code
    except requests.Timeout as exc:
        raise TooSlow(first) from exc
    for length in (WARMUP, seconds):  # the warm-up's figures are not kept
        if "paths" in route:
            result = wrk(server.base + "/", length, script="paths.lua",
                         env={"BENCH_PATHS": route["paths"][mode]})  # fmt: skip
        else:
            result = wrk(server.base + route["path"], length)
    return {**result.as_dict(), "status": status, "path": route.get("path", "(many)")}


def settle(app: Server, budget: float = SETTLE) -> bool:
    """Wait until the workers are done with what wrk left queued when it stopped (a sync
    worker finishes a request whose client went away): the next route starts idle. False
    when that takes more than ``budget`` seconds (32 queued requests of a slow route): the
    server is then started again rather than waited for."""
    import requests

    try:
        for _ in range(2):
            requests.get(app.base + "/healthz", timeout=budget)
    except requests.RequestException:
        return False
    return True


def top_up(
    app: Server, served: int, path: str, target: int = 10_000, budget: float = TOP_UP
) -> int:
    """More requests of ``path`` until the workers served ``target`` (at most ``budget``
    seconds): the RSS is read after them."""
    extra, started = 0, time.monotonic()
    while served + extra < target and time.monotonic() - started < budget:
        extra += wrk(app.base + path, 5).requests
    return extra


def measure_mode(args, run, mode, cache, folder, hot, spread, body, seconds, only) -> None:
    """Every route of ``mode`` on one app server; a route whose one request takes longer
    than ``--first-timeout`` is recorded as such and the server started again."""
    media = str(folder / f"media-{mode}")
    env = app_env(args, media, cache=cache)
    app = Server("wsgi:create_app()", env, health="/healthz")
    try:
        at_start = [memory_mb(pid) for pid in app.workers()]
        routes = paths(app.base, hot, spread, folder)
        resident, staff = sign_in(app.base)
        served, ten_thousand = 0, None
        for key, _label, kind in ROUTES:
            if (only and key not in only) or kind == "missing":
                continue
            if mode == "cached" and kind != "cached":
                continue
            if kind == "write":
                env_ = {**body, "BENCH_AUTH": resident["Authorization"]}
                result = wrk(app.base + "/mobile/v1/reports", seconds, script="submit.lua",
                             env=env_).as_dict()  # fmt: skip
                result["photo_bytes"] = int(body["photo_bytes"])
            elif kind == "private":
                result = wrk(app.base + "/staff/v1/reports", seconds, headers=staff).as_dict()
            else:
                try:
                    result = drive(app, routes[key], seconds, mode, args.first_timeout)
                except TooSlow as slow:
                    result = {"too_slow_s": args.first_timeout, "path": str(slow)}
                    print(f"  {mode:8} {key:14} one request over {args.first_timeout:g} s",
                          flush=True)  # fmt: skip
                    run["routes"].setdefault(key, {})[mode] = result
                    app.stop()  # its workers are still busy with it
                    app = Server("wsgi:create_app()", env, health="/healthz")
                    resident, staff = sign_in(app.base)
                    served = 0
                    continue
            idle = settle(app)
            result["rss_mb_after"] = [memory_mb(pid)["rss"] for pid in app.workers()]
            served += result["requests"]
            run["routes"].setdefault(key, {})[mode] = result
            if mode == "cached" and key == "list":  # the target: 10,000 cached requests
                served += top_up(app, served, routes["list"]["path"])
                ten_thousand = (served, [memory_mb(pid) for pid in app.workers()])
            if not idle:  # still busy with what wrk left queued: a fresh server instead
                result["restarted_after"] = True
                app.stop()
                app = Server("wsgi:create_app()", env, health="/healthz")
                resident, staff = sign_in(app.base)
                served = 0
            print(f"  {mode:8} {key:14} {result['rps']:8.1f} req/s "
                  f"p50 {result['p50_ms']:8.1f} ms p99 {result['p99_ms']:8.1f} ms "
                  f"errors {result['errors']}, RSS {result['rss_mb_after']} MB",
                  flush=True)  # fmt: skip
        # The RSS target is read after 10,000 requests of the cached list (a fresh server,
        # then the list alone); the end of the mode (statistics built in the worker, a
        # restarted server...) is kept as well.
        at_end = (served, [memory_mb(pid) for pid in app.workers()])
        count, after = ten_thousand if mode == "cached" and ten_thousand else at_end
        run.setdefault("rss_mb", {})[mode] = {
            "at_start": [m["rss"] for m in at_start],
            "after_requests": count,
            "workers": [m["rss"] for m in after],
            "memory_at_start": at_start,  # rss, pss, uss of each worker
            "memory": after,
            "at_end": {"requests": at_end[0], "memory": at_end[1]},
            "master": memory_mb(app.process.pid),
        }
        if args.profile and mode == "uncached":
            run["profiles"] = national_report.profile_misses(app, routes, run, folder, seconds)
    finally:
        app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--small-database-url")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--quick", action="store_true", help="3 s per route instead of 5")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", help="comma-separated route keys")
    parser.add_argument(
        "--render", metavar="RESULTS_JSON", help="write BENCHMARKS.md again from a results file"
    )
    parser.add_argument(
        "--first-timeout",
        type=float,
        default=FIRST_TIMEOUT,
        help="seconds one request of a route may take before it is skipped",
    )
    args = parser.parse_args()
    if args.render:
        run = json.loads(Path(args.render).read_text())
        table = national_report.render(run, ROUTES)
        print(table)
        if not args.no_write:
            national_report.write(run, table, ROOT, keep_json=True)
        return
    args.small_database_url = args.small_database_url or args.database_url + "_small"
    seconds = args.seconds or (3 if args.quick else SECONDS)
    os.environ.setdefault("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    started = time.perf_counter()
    run = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "seconds": seconds}
    run["phases"] = phases = {}

    @contextlib.contextmanager
    def phase(name: str):
        """Time one phase of the run; printed as it ends, kept in the results."""
        since = time.perf_counter()
        yield
        phases[name] = round(time.perf_counter() - since)
        print(f"== {name}: {phases[name]} s (run so far {time.perf_counter() - started:.0f} s)",
              flush=True)  # fmt: skip

    with phase(f"build or reuse {args.reports:,} reports"):
        run["build"] = national_data.ensure(args.database_url, args.reports, rebuild=args.rebuild)
    with phase(f"build or reuse {args.small:,} reports"):
        run["build_small"] = national_data.ensure(
            args.small_database_url, args.small, rebuild=args.rebuild
        )
    redis.Redis.from_url(args.redis_url).flushdb()
    only = set(args.only.split(",")) if args.only else None
    with tempfile.TemporaryDirectory(prefix="phananh-national-") as tmp:
        folder = Path(tmp)
        run["routes"], run["floor"] = {}, []
        floor_env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with phase("floor (first)"), Server("bench.national_floor:app", floor_env) as floor:
            wrk(floor.base + "/", WARMUP)
            run["floor"].append(wrk(floor.base + "/", seconds).as_dict())
            print(f"  floor {run['floor'][-1]}", flush=True)
        hot, spread = codes(args.database_url, 20), codes(args.database_url, 5000)
        body = submission_body(folder)
        try:
            for mode, cache in (("uncached", False), ("cached", True)):
                with phase(f"app, {mode}"):
                    measure_mode(args, run, mode, cache, folder, hot, spread, body, seconds, only)
        finally:
            remove_submitted(args.database_url)
        with phase("floor (last)"), Server("bench.national_floor:app", floor_env) as floor:
            wrk(floor.base + "/", WARMUP)
            run["floor"].append(wrk(floor.base + "/", seconds).as_dict())
            print(f"  floor {run['floor'][-1]}", flush=True)
    redis.Redis.from_url(args.redis_url).flushdb()
    with phase("routing, photo job, board growth"):
        run["routing"] = national_extras.routing_rate()
        run["photo_job"] = national_extras.photo_job_peak(args.database_url)
        run["board_growth"] = national_extras.board_growth(
            args.small_database_url, args.database_url, ["/public/v1/reports", "/"]
        )
    run["machine"] = national_report.machine(args.database_url, args.redis_url)
    run["total_seconds"] = round(time.perf_counter() - started)
    table = national_report.render(run, ROUTES)
    print(table)
    if not args.no_write:
        national_report.write(run, table, ROOT)
    else:  # the figures are kept all the same, outside the repository
        kept = Path(tempfile.gettempdir()) / f"phananh-national-{run['started'][:19]}.json"
        kept.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
        print(f"results (BENCHMARKS.md not written): {kept}")


if __name__ == "__main__":
    main()
