"""Cache hits in-process: what one answer from the public response cache costs, against the
framework floor (``bench/national_floor.py``) driven the same way (Flask test client).

    python bench/cache_hits.py                    # SQLite + the in-process store
    DATABASE_URL=postgresql://.../db REDIS_URL=redis://127.0.0.1:6379/5 python bench/cache_hits.py

The database named by ``DATABASE_URL`` is dropped and created again (PostgreSQL) or a
temporary SQLite file is used; the demo city is seeded with a few reports. Each route is read
once (the miss that fills the cache), then ``--hits`` times per round, the floor too, in
``--rounds`` interleaved rounds (the best kept); prints ms/hit, hits/s, the ratio to the
floor and, with ``--profile``, the Python calls per hit (cProfile) and the top frames.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROUTES = [
    "/public/v1/reports",
    "/public/v1/reports/{code}",
    "/public/v1/stats",
    "/public/v1/departments",
    "/",
    "/r/{code}",
]


def _app():
    from sqlalchemy import select

    from backend.config import Settings
    from backend.db import db
    from backend.models import Report
    from backend.seed import seed_demo
    from wsgi import create_app

    url = os.environ.get("DATABASE_URL", "")
    env = {k: v for k, v in os.environ.items() if k in ("REDIS_URL",)}
    if url.startswith("postgresql"):
        from bench.common import recreate

        recreate(url)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='phananh-cache-hits-')}/bench.sqlite3"
    env["DATABASE_URL"] = url
    env["RATELIMIT_ENABLED"] = os.environ.get("RATELIMIT_ENABLED", "true")
    app = create_app(Settings.from_env(env))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=app.extensions["migrate"].directory)
        seed_demo(reports=20)
        code = db.session.scalar(select(Report.code).order_by(Report.id))
        db.session.remove()
    if app.extensions.get("phananh_public_cache") is None and env.get("REDIS_URL"):
        from redis import Redis

        Redis.from_url(env["REDIS_URL"]).flushdb()
    return app, code


def _drive(client, path: str, hits: int) -> tuple[float, float]:
    """Seconds a request: wall clock, and this process's CPU time (less moved by the load of
    other processes; without the Redis server's own)."""
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(hits):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - started) / hits, (time.process_time() - cpu) / hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5, help="the best round is kept")
    parser.add_argument("--profile", action="store_true", help="cProfile calls per hit")
    parser.add_argument("--top", type=int, default=0, help="print this many top frames")
    args = parser.parse_args()

    from bench.national_floor import app as floor

    floor_client = floor.test_client()
    app, code = _app()
    client = app.test_client()
    paths = {route: route.format(code=code) for route in ROUTES}
    for path in paths.values():
        first = client.get(path)
        assert first.status_code == 200, (path, first.status_code)
        assert "public" in first.headers.get("Cache-Control", ""), first.headers
        _drive(client, path, 50)
    _drive(floor_client, "/", 200)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        _drive(floor_client, "/", args.hits)
        profile.disable()
        print(f"floor: {pstats.Stats(profile).total_calls / args.hits:,.0f} calls/request")
    # Rounds interleave the floor and the routes (the machine's load moves): best of each.
    inf = (float("inf"), float("inf"))
    best = {"floor": inf, **{route: inf for route in ROUTES}}
    for _ in range(args.rounds):
        best["floor"] = min(best["floor"], _drive(floor_client, "/", args.hits))
        for route, path in paths.items():
            best[route] = min(best[route], _drive(client, path, args.hits))
    floor_cost, floor_cpu = best["floor"]
    print(
        f"floor: {floor_cost * 1000:.3f} ms/request ({floor_cpu * 1000:.3f} ms CPU), "
        f"{1 / floor_cost:,.0f}/s"
    )
    print(f"{'route':26} {'ms/hit':>7} {'CPU ms':>7} {'hits/s':>7} {'ratio':>6} {'calls/hit':>9}")
    for route, path in paths.items():
        (cost, cpu), calls = best[route], ""
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            _drive(client, path, args.hits)
            profile.disable()
            stats = pstats.Stats(profile)
            calls = f"{stats.total_calls / args.hits:,.0f}"
            if args.top:
                stats.sort_stats("tottime").print_stats(args.top)
        ratio = floor_cost / cost
        print(
            f"{route:26} {cost * 1000:7.3f} {cpu * 1000:7.3f} {1 / cost:7,.0f} {ratio:6.2f} "
            f"{calls:>9}"
        )


if __name__ == "__main__":
    main()
