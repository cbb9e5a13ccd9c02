"""Benchmark parts (e) and (f) of bench/photos.py: phananh issue 10.

(e) Intake CPU (``time.process_time`` in a child process) of files padded with millions of
    empty parts (tests/backend/media/padded.py), of a 15 MB PNG written in 8 kB IDAT chunks
    and of a 12 MP camera JPEG: ``inspect_photo`` as of commit ``BEFORE`` (loaded from git
    into a temporary folder) against the current one. Target: every padded file refused
    with ``image_too_complex`` within 5 ms; the real files accepted.

(f) Peak memory (VmHWM above an idle child) of the rendition job (1280 and 320 px) for a
    7000x7000 PNG of zeros in 8-bit RGB, 8-bit RGBA and 16-bit RGBA (the tester's file),
    before and after. Target: at most 1.5x the decoded image (196 MB) for each.

    python bench/photo_parts.py [--runs 5] [--no-before]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "6d1c68e"  # the last commit before the part limits and the decoded-bytes budget
MODULES = ("__init__", "images", "jpeg", "containers")
FILES = {
    "JPEG, 3.5M empty comments (14 MB)": "padded.jpeg_with_comments()",
    "progressive JPEG, 3.5M comments": "padded.jpeg_with_comments(progressive=True)",
    "progressive, comments between scans": "padded.jpeg_with_comments_between_scans()",
    "JPEG, 14 MB of stray bytes": "padded.jpeg_with_stray_bytes()",
    "PNG, 1.2M empty teSt chunks": "padded.png_with_chunks()",
    "PNG, 1.2M empty IDAT chunks": "padded.png_with_chunks(kind=b'IDAT')",
    "WebP, 1.75M empty chunks": "padded.webp_with_chunks()",
    "HEIF, 1.75M empty free boxes": "padded.heif_with_boxes()",
    "PNG 15 MB in 8 kB IDAT chunks (real)": "padded.png_with_idat_chunks_of(8192, 15_000_000)",
    "camera JPEG 4000x3000 (real)": "Path(CAMERA).read_bytes()",
    "the same, progressive (real)": "Path(CAMERA).with_name('progressive.jpg').read_bytes()",
}
MEMORY = {
    "8-bit RGB": "padded.png_of_zeros(7000, 7000, 8, 2)",
    "8-bit RGBA": "padded.png_of_zeros(7000, 7000, 8, 6)",
    "16-bit RGBA (tester)": "padded.png_of_zeros(7000, 7000)",
}

_PRELUDE = """
import json, statistics, sys, time
from pathlib import Path
sys.path[:0] = [{backend!r}, {root!r}]
from backend.media.images import Limits, PhotoError, inspect_photo, make_rendition
from tests.backend.media import padded
CAMERA = {camera!r}

def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
"""
_CPU = """
data = {make}
samples, answer = [], "accepted"
for _ in range({runs}):
    start = time.process_time()
    try:
        inspect_photo(data)
    except PhotoError as exc:
        answer = exc.code
    samples.append(time.process_time() - start)
print(json.dumps({{"ms": statistics.median(samples) * 1000, "answer": answer}}))
"""
_MEMORY = """
data = {make}
idle = peak()
new = "max_decoded_bytes" in Limits.__dataclass_fields__
relaxed = {{"max_decoded_bytes": 10**12}} if new else {{}}
if {render}:
    for side in (1280, 320):
        make_rendition(data, side, limits=Limits(**relaxed))
print(json.dumps({{"peak": peak()}}))
"""


def old_backend(tmp: Path) -> Path:
    """The media package as of BEFORE, in ``tmp`` (only it: it imports nothing else)."""
    media = tmp / "backend" / "media"
    media.mkdir(parents=True)
    (tmp / "backend" / "__init__.py").write_text("")
    for name in MODULES:
        source = subprocess.run(
            ["git", "show", f"{BEFORE}:backend/media/{name}.py"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        (media / f"{name}.py").write_bytes(source)
    return tmp


def child(backend: Path, camera: Path, body: str) -> dict:
    code = _PRELUDE.format(backend=str(backend), root=str(ROOT), camera=str(camera)) + body
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def bench_parts(camera_jpeg: bytes, runs: int, before: bool = True) -> bool:
    with tempfile.TemporaryDirectory(prefix="phananh-parts-") as tmp:
        camera = Path(tmp) / "camera.jpg"
        camera.write_bytes(camera_jpeg)
        with Image.open(camera) as img:
            img.save(camera.with_name("progressive.jpg"), quality=90, progressive=True)
        versions = {"after": ROOT}
        if before:
            versions = {"before": old_backend(Path(tmp) / "old"), **versions}
        return _cpu(versions, camera, runs) & _memory(versions, camera)


def _cpu(versions: dict[str, Path], camera: Path, runs: int) -> bool:
    print(f"(e) intake CPU per file (process time in a child; padded before: 1 run, else {runs})")
    met = True
    for name, make in FILES.items():
        cells = []
        for version, backend in versions.items():
            n = 1 if version == "before" and "real" not in name else runs
            result = child(backend, camera, _CPU.format(make=make, runs=n))
            cells.append(f"{version} {result['ms']:8.1f} ms {result['answer']:<18}")
            if version == "after":
                ok = result["answer"] == ("accepted" if "real" in name else "image_too_complex")
                met &= ok and ("real" in name or result["ms"] <= 5)
        print(f"    {name:<38} " + "  ".join(cells))
    print(f"    padded refused within 5 ms, real files accepted (target): {_verdict(met)}")
    return met


def _memory(versions: dict[str, Path], camera: Path) -> bool:
    print("(f) rendition job peak memory (VmHWM above an idle child), 7000x7000 PNG of zeros")
    bound = 1.5 * 7000 * 7000 * 4
    met = True
    for name, make in MEMORY.items():
        cells = []
        for version, backend in versions.items():
            idle = child(backend, camera, _MEMORY.format(make=make, render=False))["peak"]
            peak = child(backend, camera, _MEMORY.format(make=make, render=True))["peak"]
            cells.append(f"{version} {(peak - idle) / 1e6:6.0f} MB")
            if version == "after":
                met &= peak - idle <= bound
        print(f"    {name:<22} " + "  ".join(cells))
    print(f"    at most {bound / 1e6:.0f} MB (1.5x the decoded image) (target): {_verdict(met)}")
    return met


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-before", action="store_true", help="skip the old code (~40 s)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.photos import phone_photo

    ok = bench_parts(phone_photo(grain=3.0), args.runs, before=not args.no_before)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
