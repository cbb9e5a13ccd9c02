"""Benchmark: a photo's trip through object storage, and its peak memory.

    python bench/s3_photos.py [--photo PATH]

Starts moto's S3 server (``moto_server``, a process of its own, so its copy of each object
is not counted) on a free loopback port, then runs each job once in a fresh child process
and prints its peak RSS (VmHWM) next to a child that only imports the modules, reads the
photo and makes the store:

- ``put``: the intake's write of the private original (bytes already in memory, as after
  validation) into the store;
- ``job``: the rendition job's work: read the original back, make the 1280 and 320 px
  JPEGs, write both;

each on the local disk and on the bucket. The photo is bench/photos.py's 12 MP phone-like
JPEG (about 4 MB) unless ``--photo`` names one.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STORES = ("local", "s3")
JOBS = ("idle", "put", "job")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_store(kind: str, endpoint: str, root: str):
    from backend.config_values import ObjectStorage
    from backend.storage import LocalStorage
    from backend.storage_s3 import S3Storage

    if kind == "local":
        return LocalStorage(root)
    settings = ObjectStorage(
        bucket="phananh-bench", endpoint_url=endpoint, access_key_id="k", secret_access_key="s"
    )
    return S3Storage(settings)


def child_main(kind: str, job: str, path: str, endpoint: str, root: str) -> None:
    from backend.media.images import RENDITIONS, make_rendition
    from bench.photos import peak_rss_kib

    store = make_store(kind, endpoint, root)
    data = Path(path).read_bytes()
    started = time.perf_counter()
    if job == "put":
        store.put("private/be/original.jpg", data, "image/jpeg")
    elif job == "job":
        del data  # the job starts from the photo's id, not its bytes
        original = store.get("private/be/original.jpg")
        for name, side in RENDITIONS.items():
            rendition, _w, _h = make_rendition(original, side)
            store.put(f"public/be/{name}.jpg", rendition, "image/jpeg")
    seconds = time.perf_counter() - started
    print(json.dumps({"maxrss_kib": peak_rss_kib(), "seconds": seconds}))


def _cell(result: dict, idle: int) -> str:
    peak = result["maxrss_kib"]
    return f"{peak / 1024:6.1f} MB ({(peak - idle) / 1024:+.1f}, {result['seconds'] * 1000:.0f} ms)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photo", type=Path)
    parser.add_argument("--child", nargs=5)
    args = parser.parse_args()
    if args.child:
        child_main(*args.child)
        return
    from bench.photos import phone_photo

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        ["moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="k",
            aws_secret_access_key="s",
        )
        for _ in range(100):
            try:
                client.create_bucket(Bucket="phananh-bench")
                break
            except Exception:  # not listening yet
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            photo = args.photo or Path(tmp) / "phone.jpg"
            if not args.photo:
                photo.write_bytes(phone_photo())
            size = photo.stat().st_size
            print(f"photo: {photo.name}, {size / 1e6:.1f} MB; peak RSS (VmHWM) of a child:")
            for kind in STORES:
                row = {}
                for job in JOBS:
                    out = (
                        subprocess.run(
                            [
                                sys.executable,
                                __file__,
                                "--child",
                                kind,
                                job,
                                str(photo),
                                endpoint,
                                tmp,
                            ],
                            check=True,
                            capture_output=True,
                            text=True,
                        )
                        .stdout.strip()
                        .splitlines()[-1]
                    )
                    row[job] = json.loads(out)
                idle = row["idle"]["maxrss_kib"]
                print(
                    f"  {kind:<5} idle {idle / 1024:6.1f} MB | put original "
                    f"{_cell(row['put'], idle)} | rendition job {_cell(row['job'], idle)}"
                )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
