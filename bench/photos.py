"""Benchmark: the photo rendition job, and how much a big photo slows the intake.

    python bench/photos.py [--photo PATH] [--runs 15] [--requests 40]
                           [--redis-url redis://127.0.0.1:6379/12]

(a) Rendition job. Generates a 12 MP phone-like JPEG (4000x3000, gradients and noise,
    quality 90, EXIF orientation 6 and a GPS position; about 4 MB), or uses ``--photo``.
    Times what the job does for one photo, ``make_rendition(data, 1280)`` followed by
    ``make_rendition(data, 320)``, against a bare Pillow baseline making the same two
    sizes (open, draft, load, LANCZOS resize, save with the same JPEG settings: quality 82,
    optimized, progressive), interleaved in one run. Prints the medians and the ratio
    (target: at most 1.3x), then the peak memory (max RSS) of each job run once in a child
    process, next to a child that only imports the modules and reads the photo.

(b) Intake. Runs the real app on the embedded default (SQLite in a temporary folder) but
    with ``REDIS_URL`` set, so renditions are queued, not made in the request (on a queue
    of the benchmark's own, deleted afterwards). Times ``POST /mobile/v1/reports`` with
    the 4 MB photo and with a tiny one through the Flask test client, alternately, and
    compares the difference of the medians with the time the server needs to receive and
    store the extra bytes (target: difference at most that). Receiving is timed apart, as
    the test client has no socket: gunicorn's body reader takes the request body off a
    loopback connection and werkzeug parses the multipart form from it. Storing is the
    time spent in ``LocalStorage.put`` during the requests themselves.

(c) and (d), the worst-case PNG at intake and a flood of them on gunicorn: see
    bench/photo_intake.py (``--no-flood`` skips (d); ``--database-url`` names its
    PostgreSQL).

(e) and (f), files padded with millions of empty parts at intake and the rendition job's
    peak memory for a 49 MP RGBA PNG, before and after: see bench/photo_parts.py
    (``--no-before`` skips the old code, about 40 s).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PIL import ExifTags, Image, ImageChops

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backend.media.images import make_rendition
from bench import photo_intake, photo_parts

SIZES = (1280, 320)  # display, thumb: what the rendition job makes
QUALITY = 82  # make_rendition's default
NINH_KIEU = (10.0340, 105.7880)
CHILD_JOBS = ("idle", "pipeline", "baseline", "inspect")


# ---- the test photo ----------------------------------------------------------


def phone_photo(width: int = 4000, height: int = 3000, grain: float = 5.0) -> bytes:
    """A photo-like JPEG: smooth gradients, blotches, texture and sensor-like grain.

    Quality 90 with EXIF Orientation 6 (a phone held upright), a GPS position, camera
    make/model and capture time. With the default grain a 4000x3000 image is about 4 MB.
    """
    size = (width, height)
    bases = [
        Image.linear_gradient("L").rotate(90).resize(size),
        Image.linear_gradient("L").resize(size),
        Image.radial_gradient("L").resize(size),
    ]
    grain_layer = Image.effect_noise(size, grain)
    channels = []
    for base in bases:
        blotches = Image.effect_noise((width // 40, height // 40), 80)
        texture = Image.effect_noise((width // 4, height // 4), 40)
        channel = Image.blend(base, blotches.resize(size, Image.Resampling.BICUBIC), 0.5)
        channel = ImageChops.add(channel, texture.resize(size, Image.Resampling.BILINEAR), 2, -64)
        channels.append(ImageChops.add(channel, grain_layer, 1, -128))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Bench"
    exif[ExifTags.Base.Model] = "Phone 12MP"
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:03:14 09:26:53"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (10.0, 2.0, 2.4)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 47.0, 16.8)
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def tiny_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 150)).save(out, "JPEG", quality=90)
    return out.getvalue()


# ---- (a) the rendition job -----------------------------------------------------


def pipeline(data: bytes) -> None:
    for side in SIZES:
        make_rendition(data, side)


def bare_rendition(data: bytes, side: int) -> bytes:
    """What Pillow needs at least for the same output: no rotation, colour or metadata work."""
    with Image.open(io.BytesIO(data)) as img:
        scale = side / max(img.size)
        target = (round(img.width * scale), round(img.height * scale))
        img.draft("RGB", target)
        img.load()
        small = img.resize(target, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def baseline(data: bytes) -> None:
    for side in SIZES:
        bare_rendition(data, side)


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def interleaved(runs: int, jobs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median seconds of each job; the order rotates every run so drift hits all alike."""
    for job in jobs.values():
        job()  # warm up
    samples: dict[str, list[float]] = {name: [] for name in jobs}
    names = list(jobs)
    for run in range(runs):
        shift = run % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(timed(jobs[name]))
    return {name: statistics.median(values) for name, values in samples.items()}


def child_main(job: str, path: str) -> None:
    """Run one job once in this fresh process and print its peak RSS in KiB (Linux)."""
    from backend.media.images import inspect_photo

    data = Path(path).read_bytes()
    if job == "pipeline":
        pipeline(data)
    elif job == "baseline":
        baseline(data)
    elif job == "inspect":
        inspect_photo(data)
    print(json.dumps({"job": job, "maxrss_kib": peak_rss_kib()}))


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB.

    VmHWM belongs to the process image, so it starts afresh at exec; ``ru_maxrss`` (the
    fallback off Linux) also counts the parent's memory, copied by fork before the exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_memory(path: Path) -> dict[str, int]:
    peaks = {}
    for job in CHILD_JOBS:
        result = subprocess.run(
            [sys.executable, __file__, "--child", job, str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        peaks[job] = json.loads(result.stdout.strip().splitlines()[-1])["maxrss_kib"]
    return peaks


def bench_renditions(data: bytes, path: Path, runs: int) -> bool:
    from backend.media.images import inspect_photo

    with Image.open(io.BytesIO(data)) as img:
        size = img.size

    def full_decode() -> None:
        with Image.open(io.BytesIO(data)) as img:
            img.load()

    def eighth_decode() -> None:
        with Image.open(io.BytesIO(data)) as img:
            img.draft(None, (1, 1))
            img.load()

    medians = interleaved(
        runs,
        {
            "pipeline": lambda: pipeline(data),
            "baseline": lambda: baseline(data),
            **{f"rendition {side}": lambda side=side: make_rendition(data, side) for side in SIZES},
            **{f"bare {side}": lambda side=side: bare_rendition(data, side) for side in SIZES},
            "inspect_photo": lambda: inspect_photo(data),
            "full decode": full_decode,
            "1/8 decode": eighth_decode,
        },
    )
    ratio = medians["pipeline"] / medians["baseline"]
    print(f"(a) rendition job, {size[0]}x{size[1]} JPEG, {len(data) / 1e6:.2f} MB, {runs} runs")
    print(
        f"    pipeline (make_rendition {SIZES[0]} + {SIZES[1]}): "
        f"{medians['pipeline'] * 1000:7.1f} ms"
    )
    print(f"    bare Pillow, same two sizes:               {medians['baseline'] * 1000:7.1f} ms")
    for side in SIZES:
        own, bare = medians[f"rendition {side}"], medians[f"bare {side}"]
        print(
            f"      {side:>4} px alone: {own * 1000:6.1f} ms vs {bare * 1000:6.1f} ms "
            f"({own / bare:.2f}x)"
        )
    verdict = "met" if ratio <= 1.3 else "NOT met"
    print(f"    ratio {ratio:.2f}x (target <= 1.3x): {verdict}")
    print(
        f"    validation at intake: inspect_photo {medians['inspect_photo'] * 1000:.1f} ms "
        f"(a full decode takes {medians['full decode'] * 1000:.1f} ms, a 1/8-scale decode "
        f"{medians['1/8 decode'] * 1000:.1f} ms)"
    )
    peaks = peak_memory(path)
    idle = peaks["idle"]
    print("    peak memory (peak RSS, VmHWM, of a child process running the job once):")
    for job in CHILD_JOBS:
        extra = "" if job == "idle" else f" (+{(peaks[job] - idle) / 1024:.0f} MiB over idle)"
        label = "imports + read photo" if job == "idle" else job
        print(f"      {label:<21} {peaks[job] / 1024:6.0f} MiB{extra}")
    return ratio <= 1.3


# ---- (b) the intake ------------------------------------------------------------


def multipart(photo: bytes) -> tuple[bytes, str]:
    """The request body a phone sends, encoded once so encoding is not timed."""
    from werkzeug.test import EnvironBuilder

    form = {
        "category": "giao-thong",
        "lat": str(NINH_KIEU[0]),
        "lng": str(NINH_KIEU[1]),
        "description": "Ổ gà lớn trên đường Hai Bà Trưng, xe máy dễ té ngã.",
        "photos": (io.BytesIO(photo), "photo.jpg"),
    }
    environ = EnvironBuilder(method="POST", data=form).get_environ()
    return environ["wsgi.input"].read(), environ["CONTENT_TYPE"]


def receive(body: bytes, content_type: str) -> tuple[float, bytes]:
    """Receive an upload as the production server does; returns (seconds, photo bytes).

    gunicorn's request body reader takes ``body`` off a loopback TCP connection and
    werkzeug parses the multipart form from it (spooling the file part to a temporary
    file), exactly as before the view runs. Connection setup is not timed.
    """
    from gunicorn.http.body import Body, LengthReader
    from gunicorn.http.unreader import SocketUnreader
    from werkzeug.formparser import parse_form_data

    with socket.create_server(("127.0.0.1", 0)) as server:
        sender = socket.create_connection(server.getsockname())
        receiver, _ = server.accept()
        environ = {
            "REQUEST_METHOD": "POST",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": Body(LengthReader(SocketUnreader(receiver), len(body))),
        }
        thread = threading.Thread(target=sender.sendall, args=(body,))
        start = time.perf_counter()
        thread.start()
        _, _, files = parse_form_data(environ)
        photo = files["photos"].read()
        elapsed = time.perf_counter() - start
        thread.join()
        sender.close()
        receiver.close()
    if len(photo) >= len(body):
        raise RuntimeError("the multipart body was not parsed")
    return elapsed, photo


def receive_times(body: bytes, content_type: str, runs: int) -> dict[str, float]:
    """Median seconds to receive one upload through gunicorn, and to parse it alone."""
    from werkzeug.formparser import parse_form_data
    from werkzeug.test import EnvironBuilder

    samples: dict[str, list[float]] = {"receive": [], "parse": [], "bytesio": []}
    photo = receive(body, content_type)[1]

    def parse() -> None:  # what the Flask test client's request pays: no socket
        environ = EnvironBuilder(method="POST", data=body, content_type=content_type)
        parse_form_data(environ.get_environ())[2]["photos"].read()

    for run in range(runs + 1):  # the first run warms up
        times = {
            "receive": receive(body, content_type)[0],
            "parse": timed(parse),
            "bytesio": timed(lambda: io.BytesIO(photo).read()),
        }
        if run:
            for name, value in times.items():
                samples[name].append(value)
    return {name: statistics.median(values) for name, values in samples.items()}


@contextlib.contextmanager
def time_calls(owner: object, name: str, spent: list[float]) -> Iterator[None]:
    """Append the duration of every call of ``owner.name`` to ``spent`` (same behaviour)."""
    original = getattr(owner, name)

    def timed_call(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    setattr(owner, name, timed_call)
    try:
        yield
    finally:
        setattr(owner, name, original)


def intake_app(tmp: Path, redis_url: str):
    os.environ.setdefault("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    from flask_migrate import upgrade

    from backend.config import Settings
    from backend.jobs import get_queue, redis_connection
    from backend.seed import seed_demo
    from wsgi import create_app

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "REDIS_URL": redis_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret",
    }
    app = create_app(Settings.from_env(env), overrides={"MEDIA_ROOT": str(tmp / "media")})
    with app.app_context():
        redis_connection().ping()  # fail now, not with renditions silently inline or lost
        upgrade(directory=app.extensions["migrate"].directory)
        seed_demo(reports=0)
        get_queue().empty()
    return app


def bench_intake(big: bytes, tiny: bytes, requests: int, redis_url: str) -> bool:
    import logging

    from backend import jobs
    from backend.firebase import emulator_id_token
    from backend.services import photos
    from backend.storage import LocalStorage

    logging.disable(logging.INFO)  # no per-request log lines inside the timings
    # Queued, not run, on a queue of our own: no other process's worker takes these jobs
    # and emptying it touches no other process's jobs.
    jobs.QUEUE_NAME = f"phananh-bench-{os.getpid()}"
    bodies = {"tiny": multipart(tiny), "big": multipart(big)}
    samples: dict[str, dict[str, list[float]]] = {
        kind: {"request": [], "put": [], "inspect": []} for kind in bodies
    }
    spent: dict[str, list[float]] = {"put": [], "inspect": []}
    with tempfile.TemporaryDirectory(prefix="phananh-bench-") as tmp_name:
        app = intake_app(Path(tmp_name), redis_url)
        client = app.test_client()
        project = app.config["FIREBASE_PROJECT_ID"]

        def sign_in(number: int) -> dict[str, str]:
            phone = f"+8490{number:07d}"
            token = emulator_id_token(f"bench-{number}", phone, project)
            response = client.post("/mobile/v1/auth/firebase", json={"id_token": token})
            if response.status_code != 200:
                raise SystemExit(f"sign-in failed: {response.status_code} {response.get_json()}")
            return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

        order = ["tiny", "big"]
        try:
            with (
                time_calls(LocalStorage, "put", spent["put"]),
                time_calls(photos, "inspect_photo", spent["inspect"]),
            ):
                for number in range(requests + 1):  # the first pair warms up
                    for kind in order if number % 2 else order[::-1]:
                        headers = sign_in(2 * number + (kind == "big"))
                        body, content_type = bodies[kind]
                        for values in spent.values():
                            values.clear()
                        start = time.perf_counter()
                        response = client.post(
                            "/mobile/v1/reports",
                            data=body,
                            content_type=content_type,
                            headers=headers,
                        )
                        elapsed = time.perf_counter() - start
                        if response.status_code != 201:
                            raise SystemExit(
                                f"intake failed: {response.status_code} {response.get_json()}"
                            )
                        if number:
                            samples[kind]["request"].append(elapsed)
                            for name, values in spent.items():
                                samples[kind][name].append(sum(values))
            with app.app_context():
                queued = jobs.get_queue().count
        finally:
            with app.app_context():
                jobs.get_queue().delete()
    receiving = {kind: receive_times(*bodies[kind], requests) for kind in bodies}
    ms = {
        kind: {name: statistics.median(values) * 1000 for name, values in by_name.items()}
        for kind, by_name in samples.items()
    }
    rx = {kind: {name: value * 1000 for name, value in receiving[kind].items()} for kind in bodies}

    def extra(table: dict[str, dict[str, float]], name: str) -> float:
        return table["big"][name] - table["tiny"][name]

    difference = extra(ms, "request")
    receive_ms, store_ms = extra(rx, "receive"), extra(ms, "put")
    allowance = receive_ms + store_ms
    print(
        f"(b) intake, POST /mobile/v1/reports through the Flask test client, {requests} "
        f"requests each; {queued} rendition jobs queued, none run in a request"
    )
    print(f"    tiny photo ({len(tiny) / 1e3:.1f} kB): median {ms['tiny']['request']:6.1f} ms")
    print(f"    big photo ({len(big) / 1e6:.2f} MB):  median {ms['big']['request']:6.1f} ms")
    print(
        f"    difference:                  {difference:6.1f} ms (in the request: "
        f"LocalStorage.put {store_ms:+.1f}, inspect_photo {extra(ms, 'inspect'):+.1f}, "
        f"the rest {difference - store_ms - extra(ms, 'inspect'):+.1f})"
    )
    print(
        f"    receive + store {len(big) / 1e6:.2f} MB:     {allowance:6.1f} ms (receive "
        f"{receive_ms:.1f}: gunicorn's body reader on a loopback connection and the multipart "
        f"parse, of which the parse alone {extra(rx, 'parse'):.1f}; store {store_ms:.1f}: "
        f"LocalStorage.put in the requests; reading it from a BytesIO "
        f"{extra(rx, 'bytesio'):.2f})"
    )
    met = difference <= allowance
    verdict = "met" if met else "NOT met"
    print(
        f"    difference <= receive + store (target): {verdict} ({difference - allowance:+.1f} ms)"
    )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photo", type=Path, help="a JPEG to use instead of the generated one")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/phananh_png",
        help="PostgreSQL for the gunicorn flood (d); its reports stay there",
    )
    parser.add_argument("--no-flood", action="store_true", help="skip the gunicorn flood (d)")
    parser.add_argument("--no-before", action="store_true", help="(e): skip the old code")
    parser.add_argument("--child", nargs=2, metavar=("JOB", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="phananh-photo-") as tmp:
        if args.photo:
            path = args.photo
            data = path.read_bytes()
        else:
            data = phone_photo()
            path = Path(tmp) / "phone-12mp.jpg"
            path.write_bytes(data)
        renditions_ok = bench_renditions(data, path, args.runs)
    print()
    intake_ok = bench_intake(data, tiny_photo(), args.requests, args.redis_url)
    print()
    cost_ok = photo_intake.bench_intake_cost(phone_photo(grain=3.0), args.runs)
    flood_ok = True
    if not args.no_flood:
        print()
        flood_ok = photo_intake.bench_flood(args.database_url, args.redis_url)
    print()
    parts_ok = photo_parts.bench_parts(phone_photo(grain=3.0), args.runs, not args.no_before)
    print()
    every = renditions_ok and intake_ok and cost_ok and flood_ok and parts_ok
    print("every target met" if every else "a target was NOT met")
    if not every:
        sys.exit(1)


if __name__ == "__main__":
    main()
