"""Benchmark parts (c) and (d) of bench/photos.py: what the worst photo costs at intake.

(c) CPU time per photo at intake (``time.process_time``, medians) of the worst-case PNG,
    7000x7000 and the largest accepted (7071x7071, 49.99 MP), highly compressible (about
    150 kB), next to an ordinary 3 MB camera JPEG: ``inspect_photo`` (after) against a full
    Pillow decode (before: what intake did for PNG, WebP and HEIF until the structural
    check). Target: the worst PNG costs at most what the 3 MB JPEG costs (intake follows
    the bytes received, not the pixels claimed).

(d) A flood on gunicorn (4 workers, loopback, PostgreSQL + Redis, renditions queued on a
    queue no worker reads): four residents at once send six 7000x7000 PNGs each (refused:
    over the 150 MP a request may declare) and four others three each (accepted), while
    ``/healthz`` is polled. Target: every answer 201 or 422 (never a 500, no report
    created behind an error) and ``/healthz`` always answering within 2 s.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
NINH_KIEU = (10.0340, 105.7880)


def flat_png(width: int, height: int) -> bytes:
    """A valid 8-bit RGB PNG of one grey: 49 MP compress to about 150 kB."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    packer = zlib.compressobj(9)
    row = b"\0" + b"\x80" * (3 * width)
    stream = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", stream) + chunk(b"IEND", b"")
    )


def cpu_ms(func, runs: int) -> float:
    func()  # warm up
    samples = []
    for _ in range(runs):
        start = time.process_time()
        func()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def full_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        img.load()


def bench_intake_cost(camera_jpeg: bytes, runs: int) -> bool:
    from backend.media.images import inspect_photo

    photos = {
        "PNG 7000x7000": flat_png(7000, 7000),
        "PNG 7071x7071 (largest accepted)": flat_png(7071, 7071),
        "camera JPEG": camera_jpeg,
    }
    print(f"(c) intake CPU per photo (process time, median of {runs})")
    after = {}
    for name, data in photos.items():
        with Image.open(io.BytesIO(data)) as img:
            size = img.size
        before_ms = cpu_ms(lambda data=data: full_decode(data), max(3, runs // 3))
        after[name] = cpu_ms(lambda data=data: inspect_photo(data), runs)
        print(
            f"    {name:<33} {size[0]}x{size[1]}, {len(data) / 1e3:7.0f} kB: "
            f"full decode (before) {before_ms:7.1f} ms, inspect_photo (after) "
            f"{after[name]:6.2f} ms ({before_ms / max(after[name], 1e-3):.0f}x less)"
        )
    worst = max(after["PNG 7000x7000"], after["PNG 7071x7071 (largest accepted)"])
    met = worst <= after["camera JPEG"]
    print(
        f"    worst PNG {worst:.2f} ms <= camera JPEG {after['camera JPEG']:.2f} ms "
        f"(target): {'met' if met else 'NOT met'}"
    )
    return met


# ---- (d) the flood on gunicorn -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(env: dict[str, str]) -> None:
    """Schema and demo city in the benchmark's database; the Redis queue emptied."""
    from flask_migrate import upgrade

    from backend.config import Settings
    from backend.db import db
    from backend.jobs import get_queue
    from backend.models import Category
    from backend.seed import seed_demo
    from wsgi import create_app

    app = create_app(Settings.from_env(env), overrides={"MEDIA_ROOT": env["MEDIA_ROOT"]})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        if db.session.query(Category).count() == 0:
            seed_demo(reports=0)
        get_queue().empty()


def bench_flood(database_url: str, redis_url: str) -> bool:
    import requests

    from backend.firebase import emulator_id_token

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="phananh-flood-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(Path(tmp) / "media"),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-" + "x" * 40,
            "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
        }
        prepare(env)
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}"),
                *("--timeout", "30", "--log-level", "warning", "wsgi:create_app()"),
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        try:
            return _flood(base, requests, emulator_id_token, env)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            _empty_queue(env)


def _empty_queue(env: dict[str, str]) -> None:
    from backend.config import Settings
    from backend.jobs import get_queue
    from wsgi import create_app

    app = create_app(Settings.from_env(env), overrides={"MEDIA_ROOT": env["MEDIA_ROOT"]})
    with app.app_context():
        get_queue().empty()


def _flood(base: str, requests, emulator_id_token, env) -> bool:
    for _ in range(100):
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    big = flat_png(7000, 7000)
    project = "phananh-demo"

    def sign_in(number: int) -> dict[str, str]:
        phone = f"+8497{number:07d}"
        token = emulator_id_token(f"flood-{number}-{os.getpid()}", phone, project)
        response = requests.post(f"{base}/mobile/v1/auth/firebase", json={"id_token": token})
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    floods = [(sign_in(i), 6 if i < 4 else 3) for i in range(8)]
    # Warm every worker up (first request per process) with one small photo each, at once.
    small = flat_png(64, 48)
    warm = [
        threading.Thread(target=_post, args=(base, requests, headers, small, 1))
        for headers, _ in floods
    ]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    reports_before = _report_count(env)
    answers: list[tuple[int, int, float, str | None]] = []
    barrier = threading.Barrier(len(floods) + 1)

    def send(headers: dict[str, str], count: int) -> None:
        barrier.wait()
        start = time.perf_counter()
        response = _post(base, requests, headers, big, count)
        elapsed = time.perf_counter() - start
        code = response.json().get("code") if response.status_code == 201 else None
        answers.append((count, response.status_code, elapsed, code))

    threads = [threading.Thread(target=send, args=flood) for flood in floods]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    health: list[float] = []
    while any(thread.is_alive() for thread in threads) or not health:
        began = time.perf_counter()
        ok = requests.get(f"{base}/healthz", timeout=120).status_code == 200
        health.append(time.perf_counter() - began if ok else float("inf"))
        time.sleep(0.02)
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    created = _report_count(env) - reports_before
    statuses = sorted((count, status) for count, status, _, _ in answers)
    print(
        f"(d) flood on gunicorn (4 workers, loopback): 8 submissions at once, 4 x six and "
        f"4 x three 7000x7000 PNGs ({len(big) / 1e3:.0f} kB each), {wall:.2f} s in all"
    )
    for count in (6, 3):
        times = [elapsed for n, _, elapsed, _ in answers if n == count]
        codes = sorted({status for n, status, _, _ in answers if n == count})
        print(
            f"    {count} photos: answers {codes}, latency median "
            f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
        )
    print(
        f"    /healthz during the flood: {len(health)} requests, median "
        f"{statistics.median(health) * 1000:.1f} ms, max {max(health) * 1000:.1f} ms"
    )
    print(f"    reports created: {created} (201 answers: {statuses.count((3, 201))})")
    met = statuses == [(3, 201)] * 4 + [(6, 422)] * 4 and created == 4 and max(health) <= 2.0
    print(
        f"    every answer 201/422, none behind an error, /healthz within 2 s (target): "
        f"{'met' if met else 'NOT met'}"
    )
    return met


def _post(base: str, requests, headers: dict[str, str], photo: bytes, count: int):
    return requests.post(
        f"{base}/mobile/v1/reports",
        data={
            "category": "giao-thong",
            "description": "Ổ gà lớn trên đường Hai Bà Trưng",
            "lat": str(NINH_KIEU[0]),
            "lng": str(NINH_KIEU[1]),
        },
        files=[("photos", (f"{i}.png", photo, "image/png")) for i in range(count)],
        headers=headers,
        timeout=120,
    )


def _report_count(env: dict[str, str]) -> int:
    from backend.config import Settings
    from backend.db import db
    from backend.models import Report
    from wsgi import create_app

    app = create_app(Settings.from_env(env), overrides={"MEDIA_ROOT": env["MEDIA_ROOT"]})
    with app.app_context():
        return db.session.query(Report).count()
