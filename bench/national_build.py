"""How the national benchmark database is loaded fast, on 2 cores (bench/national_data.py).

* **One transaction, COPY FREEZE.** The five report tables are emptied (``TRUNCATE``) in
  the load's own transaction when they hold nothing yet (a fresh build: the demo seed files
  no report), so every ``COPY`` is ``FREEZE``: rows are written already frozen and
  all-visible, and no ``VACUUM`` pass over 9 million rows is needed afterwards (only
  ``ANALYZE``). The tables stay logged: ``UNLOGGED`` then ``SET LOGGED`` would write every
  table again into the WAL, which saves nothing with ``wal_level=replica``.
* **Generation overlaps COPY.** A producer thread builds batch N+1 (numpy and the rows'
  text, encoded) while the main thread streams batch N to PostgreSQL; the socket wait
  releases the GIL, so Python and the server's COPY run on the two cores at once.
* **Indexes after the load, two at a time.** The secondary indexes are dropped before the
  load and built after it on two connections, longest first (the pg_trgm GIN index of
  migration 0024 alone on one of them: PostgreSQL 15 builds GIN with one process), each
  session with ``maintenance_work_mem`` of 1 GB (the GIN build flushes its trigram lists
  far less often) and ``synchronous_commit`` off (nothing is lost: a failed build is
  simply built again).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
#: Per session of the build (the server's defaults are 64 MB and 2).
SESSION = (
    "SET maintenance_work_mem = '1GB'",
    "SET max_parallel_maintenance_workers = 0",  # the two connections are the parallelism
    "SET synchronous_commit = off",
)
FROZEN = ("reports", "report_events", "report_clocks", "report_ratings", "photos")


def session(conn) -> None:
    for statement in SESSION:
        conn.execute(statement)


def referencing(conn, tables: tuple[str, ...]) -> list[str]:
    """``tables`` and every table a ``TRUNCATE ... CASCADE`` of them would empty too."""
    found, todo = set(tables), list(tables)
    while todo:
        rows = conn.execute(
            "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid = %s::regclass",
            (todo.pop(),),
        ).fetchall()
        for (name,) in rows:
            if name not in found:
                found.add(name)
                todo.append(name)
    return sorted(found)


def truncate_for_freeze(conn) -> bool:
    """Empty the report tables in this transaction (so COPY may FREEZE) when they and every
    table referencing them hold no row; False (and nothing done) otherwise."""
    every = referencing(conn, FROZEN)
    for table in every:
        if conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
            return False
    conn.execute(f"TRUNCATE {', '.join(every)}")
    return True


def encode(columns: dict[str, list[str]]) -> tuple[list[str], bytes, int]:
    """COPY text of one table's batch: its column names, the bytes, the row count."""
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not count:
        return names, b"", 0
    lines = map("\t".join, zip(*(columns[n] for n in names), strict=True))
    return names, ("\n".join(lines) + "\n").encode(), count


def copy(conn, table: str, names: list[str], data: bytes, count: int, *, freeze: bool) -> int:
    if not count:
        return 0
    options = " WITH (FREEZE)" if freeze and table in FROZEN else ""
    with conn.cursor().copy(f"COPY {table} ({', '.join(names)}) FROM STDIN{options}") as cp:
        step = 8 << 20  # 8 MB a write
        for start in range(0, len(data), step):
            cp.write(data[start : start + step])
    return count


def produced(batches: Iterator[dict[str, dict]], depth: int = 1) -> Iterator[dict]:
    """``batches`` built and encoded on a thread of their own, at most ``depth`` ahead."""
    done = object()
    ready: queue.Queue = queue.Queue(maxsize=depth)
    failure: list[BaseException] = []

    def work() -> None:
        try:
            for part in batches:
                ready.put({table: encode(columns) for table, columns in part.items()})
        except BaseException as exc:  # handed to the consumer
            failure.append(exc)
        finally:
            ready.put(done)

    thread = threading.Thread(target=work, name="national-batches", daemon=True)
    thread.start()
    while (item := ready.get()) is not done:
        yield item
    thread.join()
    if failure:
        raise failure[0]


def build_indexes(url: str, statements: list[str], log: Callable[[str], None]) -> dict:
    """Run ``CREATE INDEX`` statements on two connections, longest first (the GIN index,
    then the indexes of the largest tables); returns each index's seconds."""
    weight = {"report_events": 5, "report_clocks": 3, "photos": 2, "reports": 1}

    def cost(statement: str) -> float:
        if " USING gin " in statement:
            return 100.0
        table = statement.split(" ON ", 1)[1].split()[0].removeprefix("public.")
        return weight.get(table, 0.5)

    todo = sorted(statements, key=cost, reverse=True)
    lock, seconds, errors = threading.Lock(), {}, []

    def worker() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            session(conn)
            while True:
                with lock:
                    if not todo or errors:
                        return
                    statement = todo.pop(0)
                started = time.perf_counter()
                try:
                    conn.execute(statement)
                except psycopg.Error as exc:
                    errors.append(exc)
                    return
                name = statement.split(" INDEX ", 1)[1].split()[0]
                seconds[name] = round(time.perf_counter() - started, 1)

    threads = [threading.Thread(target=worker, name=f"index-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    slowest = sorted(seconds.items(), key=lambda kv: -kv[1])[:3]
    log("  slowest indexes: " + ", ".join(f"{n} {s:.0f} s" for n, s in slowest))
    return seconds


def _after_load(url: str, log: Callable[[str], None] = print) -> dict | None:
    """HOOK for what the app itself derives from the loaded rows, run after the bulk load and
    the indexes (before ANALYZE): the statistics' stored per-case projection, once its
    backfill exists as ``flask --app wsgi statistics settle``. Until that command exists
    this does nothing (returns None); the projection is not built here."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "statistics", "settle"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)  # fmt: skip
    if done.returncode != 0 and "No such command" in done.stderr:
        return None  # not built yet
    if done.returncode != 0:
        raise RuntimeError(f"statistics settle failed:\n{done.stdout}\n{done.stderr}")
    seconds = round(time.perf_counter() - started, 1)
    log(f"  statistics settle: {seconds:.0f} s")
    return {"command": "flask --app wsgi statistics settle", "seconds": seconds}
