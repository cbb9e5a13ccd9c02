"""The national benchmark's other figures: routing rate, a photo job's peak memory, and the
board's cost at a small and a large database.

The photo job runs in a child process (``python bench/national_extras.py photo-job ...``)
so its peak resident memory (VmHWM) is its own: it stores a 10 MB+ phone photo as intake
does, records it on an existing report, runs the rendition job (``backend.tasks``) and
prints VmHWM before and after, then deletes what it made.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def routing_rate(points: int = 200_000, seed: int = 14) -> dict:
    """Points per second located among the 34 provinces: vectorised (one STRtree query over
    an array of points, prepared polygons) and the app's per-point ``locate``."""
    from backend.geo.geojson import read_features
    from backend.geo.jurisdiction import Area, JurisdictionIndex
    from bench.national_places import GEOJSON, sample_points

    features = read_features((ROOT / GEOJSON).read_bytes())
    geometries = np.array([f.geometry for f in features], dtype=object)
    rng = np.random.default_rng(seed)
    # Four in five points inside a province (as reports are), one in five anywhere in the
    # country's bounding box (sea, neighbours: no province).
    xs, ys = [], []
    share = int(points * 0.8) // len(features)
    for geometry in geometries:
        x, y = sample_points(geometry, share, rng)
        xs.append(x)
        ys.append(y)
    min_x, min_y, max_x, max_y = shapely.total_bounds(geometries)
    rest = points - share * len(features)
    xs.append(rng.uniform(min_x, max_x, rest))
    ys.append(rng.uniform(min_y, max_y, rest))
    x, y = np.concatenate(xs), np.concatenate(ys)
    shapely.prepare(geometries)
    tree = shapely.STRtree(geometries)
    started = time.perf_counter()
    province = locate_all(tree, geometries, x, y)
    vector_s = time.perf_counter() - started
    index = JurisdictionIndex(Area(key=i, depth=0, geometry=g) for i, g in enumerate(geometries))
    scalar_n = min(points, 20_000)
    started = time.perf_counter()
    for lat, lng in zip(y[:scalar_n].tolist(), x[:scalar_n].tolist(), strict=True):
        index.locate(lat, lng)
    scalar_s = time.perf_counter() - started
    return {
        "points": points,
        "located": int((province >= 0).sum()),
        "vectorised_points_per_s": round(points / vector_s),
        "per_point_locate_per_s": round(scalar_n / scalar_s),
    }


def locate_all(tree, geometries, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each point's province (index into ``geometries``, -1 outside all): the tree's
    bounding-box candidates, then one vectorised ``contains_xy`` per prepared polygon."""
    found = np.full(len(x), -1, dtype=np.int64)
    candidate_point, candidate_geometry = tree.query(shapely.points(x, y))
    order = np.argsort(candidate_geometry, kind="stable")
    candidate_point, candidate_geometry = candidate_point[order], candidate_geometry[order]
    bounds = np.flatnonzero(np.diff(candidate_geometry)) + 1
    for start, stop in zip(np.r_[0, bounds], np.r_[bounds, len(candidate_point)], strict=True):
        if start == stop:
            continue
        points = candidate_point[start:stop]
        inside = shapely.contains_xy(geometries[candidate_geometry[start]], x[points], y[points])
        found[points[inside]] = candidate_geometry[start]
    return found


def photo_job_peak(database_url: str, photo_mb: float = 10.0) -> dict:
    """Run the rendition job on a ``photo_mb`` MB+ photo in a child; its peak memory.

    The photo is made here, not in the child: making it with Pillow would be the child's
    peak."""
    with tempfile.NamedTemporaryFile(suffix=".jpg") as photo:
        photo.write(big_photo(photo_mb))
        photo.flush()
        done = subprocess.run(
            [sys.executable, __file__, "photo-job", database_url, photo.name],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
    if done.returncode:
        raise RuntimeError(f"photo job child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _vm(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def big_photo(megabytes: float, width: int = 6000, height: int = 4500, grain: float = 12) -> bytes:
    """A phone-like JPEG of at least ``megabytes`` MB (more grain until it is)."""
    from bench.photos import phone_photo

    while True:
        data = phone_photo(width, height, grain)
        if len(data) >= megabytes * 1e6 or grain > 120:
            return data
        grain *= 1.6


def _photo_job_child(database_url: str, photo_path: str) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import text

    from backend import tasks
    from backend.config import Settings
    from backend.db import db
    from backend.models import Photo
    from backend.services import photos
    from wsgi import create_app

    data = Path(photo_path).read_bytes()
    with tempfile.TemporaryDirectory(prefix="phananh-photo-job-") as media:
        env = {"DATABASE_URL": database_url, "MEDIA_ROOT": media,
               "MAX_PHOTO_BYTES": str(64 * 1024 * 1024)}  # fmt: skip
        app = create_app(Settings.from_env(env), overrides={"MEDIA_ROOT": media})
        with app.app_context():
            report_id = db.session.scalar(text("SELECT min(id) FROM reports"))
            item = photos.inspect_all([photos.Upload("big.jpg", data)], max_photos=1)[0]
            photo = photos.store(item, "before", datetime.now(UTC))
            photo.report_id = report_id
            db.session.add(photo)
            db.session.commit()
            photo_id = photo.id
            db.session.remove()
            del item, photo
            before = _vm("VmHWM")
            rss_before = _vm("VmRSS")
            started = time.perf_counter()
            tasks.make_renditions(photo_id)
            seconds = time.perf_counter() - started
            peak = _vm("VmHWM")
            status = db.session.get(Photo, photo_id).rendition_status
            db.session.execute(text("DELETE FROM photos WHERE id = :id"), {"id": photo_id})
            db.session.commit()
    print(
        json.dumps(
            {
                "photo_bytes": len(data),
                "status": status,
                "seconds": round(seconds, 2),
                "rss_before_job_mb": round(rss_before / 1024, 1),
                "peak_before_job_mb": round(before / 1024, 1),
                "peak_mb": round(peak / 1024, 1),
            }
        )
    )


def board_cost(database_url: str, paths: list[str], runs: int = 25) -> dict[str, float]:
    """Median milliseconds of each path through the app in this process (no cache)."""
    from backend.config import Settings
    from wsgi import create_app

    env = {"DATABASE_URL": database_url, "PUBLIC_CACHE": "false", "RATELIMIT_ENABLED": "false"}
    app = create_app(Settings.from_env(env))
    client = app.test_client()
    out = {}
    for path in paths:
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        out[path] = round(statistics.median(samples), 2)
    return out


def board_growth(small_url: str, large_url: str, paths: list[str]) -> dict:
    """The same paths at the small and the large database, each in a fresh child process
    (own engine and caches), and the ratio."""
    result = {}
    for label, url in (("small", small_url), ("large", large_url)):
        done = subprocess.run(
            [sys.executable, __file__, "board", url, *paths],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"board child failed:\n{done.stderr[-3000:]}")
        result[label] = json.loads(done.stdout.strip().splitlines()[-1])
    result["ratio"] = {p: round(result["large"][p] / result["small"][p], 2) for p in paths}
    return result


if __name__ == "__main__":
    os.environ.setdefault("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    if sys.argv[1] == "photo-job":
        _photo_job_child(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "board":
        print(json.dumps(board_cost(sys.argv[2], sys.argv[3:])))
    elif sys.argv[1] == "routing":
        print(json.dumps(routing_rate()))
