"""A gunicorn worker's memory at start and after 10,000 requests of a cached public page.

    python3 bench/national_rss.py --database-url postgresql://postgres@127.0.0.1:5432/<db>
        [--redis-url redis://127.0.0.1:6379/6] [--config gunicorn.conf.py | --config none]
        [--root <a checkout>] [--requests 10000] [--path /public/v1/reports]

Starts ``wsgi:create_app()`` from ``--root`` (this checkout by default) under the national
benchmark's gunicorn settings (2 sync workers) with the given config file (``none``: no
config, each worker builds its own app, as before ``gunicorn.conf.py``), the public cache
on (Redis), and prints the master's and each worker's RSS, PSS and USS
(``/proc/<pid>/smaps_rollup``) at start and after wrk has had ``--requests`` answered.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.national_http import GUNICORN, free_port, memory_mb, workers_of, wrk  # noqa: E402


def snapshot(master: int) -> dict:
    return {"master": memory_mb(master), "workers": [memory_mb(p) for p in workers_of(master)]}


def measure(args) -> dict:
    root = Path(args.root).resolve()
    with tempfile.TemporaryDirectory(prefix="phananh-rss-") as tmp:
        config = Path(tmp) / "none.conf.py"
        config.write_text("")
        if args.config != "none":
            config = Path(args.config).resolve()
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "MEDIA_ROOT": str(Path(tmp) / "media"),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-" + "x" * 40,
            "PUBLIC_CACHE": "true",
            "LIMIT_LOGIN_ADDRESS": "100000/minute",
            "PYTHONPATH": str(root),
        }
        command = [sys.executable, "-m", "gunicorn", "-c", str(config), *GUNICORN,
                   "-b", f"127.0.0.1:{port}", "wsgi:create_app()"]  # fmt: skip
        process = subprocess.Popen(command, cwd=root, env=env, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if requests.get(base + "/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start")
                time.sleep(0.3)
            time.sleep(1)
            at_start = snapshot(process.pid)
            served, started = 0, time.monotonic()
            while served < args.requests and time.monotonic() - started < args.budget:
                served += wrk(base + args.path, 5).requests
            after = snapshot(process.pid)
        finally:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
    return {
        "root": str(root),
        "config": args.config,
        "path": args.path,
        "requests": served,
        "at_start": at_start,
        "after": after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--config", default=str(ROOT / "gunicorn.conf.py"))
    parser.add_argument("--root", default=str(ROOT))
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--budget", type=float, default=300, help="seconds of wrk at most")
    parser.add_argument("--path", default="/public/v1/reports")
    result = measure(parser.parse_args())
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
