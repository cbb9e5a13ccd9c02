"""PostgreSQL restarted under load: a private cluster (never the machine's), the app in a
live threaded server, reads and report submissions from several threads while the
cluster restarts. No answer is a 500; reads are 200 (pre-ping and one retry) or 503
``database_unavailable``; every report answered 201 is in the database."""

from __future__ import annotations

import glob
import io
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, select, text
from werkzeug.serving import make_server

from backend.db import db
from backend.models import Report
from tests.factories import NINH_KIEU, id_token, photo
from tests.faults.conftest import (
    build_app,
    free_port,
    missing,
    require_postgres,
    service_env,
    wait_for,
)

READS = ("/public/v1/reports", "/public/v1/departments", "/public/v1/stats")


class Cluster:
    """A throw-away PostgreSQL cluster on a free port, run as the ``postgres`` user."""

    def __init__(self, workdir: Path):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            missing("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        self.bin = Path(binaries[-1]).parent
        self.dir = workdir / "pgdata"
        self.log = str(workdir / "server.log")  # pg_ctl's server must not hold our pipes
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.getuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{args[0]}: {done.stderr or done.stdout}"

    def init(self) -> None:
        self._run("initdb", "-D", str(self.dir), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def _options(self) -> str:
        return f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"

    def start(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.dir), "-o", self._options(), "-l", self.log, "-w", "start"
        )

    def restart(self, down: float) -> None:
        """``pg_ctl restart -m fast``, staying down ``down`` seconds (as a slow restart)."""
        self._run("pg_ctl", "-D", str(self.dir), "-m", "fast", "-w", "stop")
        time.sleep(down)
        self.start()

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir), "-m", "immediate", "-w", "stop")


@pytest.fixture
def cluster():
    require_postgres()  # slow: gated as the other fault tests (its cluster is its own)
    # Not under pytest's tmp_path: its parents are private to root, the server runs as
    # postgres.
    workdir = Path(tempfile.mkdtemp(prefix="phananh-faults-pg-"))
    os.chmod(workdir, 0o777)
    cluster = Cluster(workdir)
    try:
        cluster.init()
        yield cluster
        cluster.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_no_500_while_postgres_restarts_under_load(cluster, tmp_path):
    env = service_env(cluster.url, tmp_path / "media")
    app = build_app(env, schema=True, RATELIMIT_ENABLED=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    answers: list[tuple[str, int, str | None, str | None]] = []  # method, status, code, report
    lock, stop = threading.Lock(), threading.Event()

    def token(phone: str) -> str:
        response = requests.post(
            f"{base}/mobile/v1/auth/firebase", json={"id_token": id_token(phone)}
        )
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def reader(number: int):
        session = requests.Session()
        while not stop.is_set():
            response = session.get(base + READS[number % len(READS)], timeout=30)
            _saw("GET", response)
            number += 1

    def writer(bearer: str):
        session = requests.Session()
        picture = photo("DSCN0021.jpg")
        while not stop.is_set():
            form = {
                "category": "giao-thong",
                "description": "Ổ gà",
                "lat": NINH_KIEU[0],
                "lng": NINH_KIEU[1],
            }
            files = {"photos": ("p.jpg", io.BytesIO(picture), "image/jpeg")}
            response = session.post(
                f"{base}/mobile/v1/reports",
                data=form,
                files=files,
                headers={"Authorization": f"Bearer {bearer}"},
                timeout=30,
            )
            _saw("POST", response)

    def _saw(method, response):
        body = (
            response.json()
            if response.headers.get("Content-Type", "").startswith("application/json")
            else {}
        )
        code = (body.get("error") or {}).get("code")
        with lock:
            answers.append((method, response.status_code, code, body.get("code")))

    bearers = [token(f"+8490800000{n}") for n in range(2)]
    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=writer, args=(b,)) for b in bearers]
    try:
        for thread in threads:
            thread.start()
        wait_for(lambda: len(answers) >= 40, 30, "some answers before the restart")
        down = time.monotonic()
        cluster.restart(down=2.0)
        restart_seconds = time.monotonic() - down
        time.sleep(3)  # the load goes on after the restart
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop.set()
        server.shutdown()

    counts = Counter((method, status, code) for method, status, code, _ in answers)
    print(f"restart took {restart_seconds:.1f}s; answers: {dict(counts)}")
    assert not [a for a in answers if a[1] >= 500 and a[1] != 503], counts
    assert {code for _m, status, code, _r in answers if status == 503} <= {
        "database_unavailable"
    }, counts
    reads = [a for a in answers if a[0] == "GET"]
    assert {status for _m, status, _c, _r in reads} <= {200, 503}
    assert sum(status == 200 for _m, status, _c, _r in reads) > 0.8 * len(reads), counts
    writes = [a for a in answers if a[0] == "POST"]
    assert {status for _m, status, _c, _r in writes} <= {201, 503}, counts
    created = {report for _m, status, _c, report in writes if status == 201}
    assert created
    with app.app_context():
        db.session.remove()
        stored = set(db.session.scalars(select(Report.code).where(Report.code.in_(created))))
        assert stored == created
        db.engine.dispose()
    engine = create_engine(cluster.url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:  # the cluster really restarted
        assert conn.execute(
            text("SELECT pg_postmaster_start_time() > now() - interval '1 min'")
        ).scalar()
    engine.dispose()
