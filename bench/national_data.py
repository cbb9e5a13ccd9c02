"""Build (or reuse) the national benchmark database: N reports over the 34 provinces.

The schema comes from the app's own migrations and the demo seed (``bench.common``); the
reports, their timelines, clocks, ratings and photo records are bulk-loaded with
PostgreSQL COPY (psycopg) in one transaction, with the tables' secondary indexes dropped
during the load and built again after it, and foreign-key triggers off for the load's
session (how it is made fast: bench/national_build.py). A database
already holding the same build (same count, same columns, recorded in the database's
comment) is reused after ``flask db upgrade``; ``rebuild=True`` forces a new one.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import numpy as np
import psycopg
from sqlalchemy import create_engine, text

from bench import national_build as load
from bench import national_places as places
from bench import national_rows as rows
from bench.national_text import TextPool

TABLES = ("reports", "report_events", "report_clocks", "report_ratings", "photos", "residents")
BATCH = 50_000
RESIDENTS = 50_000
YEAR = 365 * rows.DAY


def psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def fingerprint(url: str) -> dict:
    """What a reusable build must match: the schema's columns of the loaded tables."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        return {t: sorted(places.columns(conn, t)) for t in (*TABLES, "departments")}


def recorded(url: str) -> dict | None:
    try:
        with psycopg.connect(psycopg_url(url)) as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            ).fetchone()
    except psycopg.OperationalError:
        return None
    return json.loads(row[0]) if row and row[0] and row[0].startswith("{") else None


def upgrade(url: str) -> None:
    from backend.config import Settings
    from wsgi import create_app

    app = create_app(Settings.from_env({"DATABASE_URL": url}))
    with app.app_context():
        from flask_migrate import upgrade as run

        run(directory=app.extensions["migrate"].directory)


def ensure(url: str, total: int, *, rebuild: bool = False, seed: int = 14, log=print) -> dict:
    """The database at ``url`` with ``total`` benchmark reports; returns the build's record."""
    meta = recorded(url)
    if meta and not rebuild and meta.get("reports") == total:
        upgrade(url)
        if meta.get("fingerprint") == fingerprint(url):
            log(f"reusing {url.rsplit('/', 1)[1]}: {total:,} reports (built {meta['built']})")
            return meta
        log("schema changed since the cached build: building again")
    return build(url, total, seed=seed, log=log)


def build(url: str, total: int, *, seed: int = 14, log=print) -> dict:
    """Schema and demo seed, then the rows by COPY with the secondary indexes dropped,
    then the indexes, the after-load hook and ANALYZE (see bench/national_build.py);
    each phase's seconds are logged and recorded under ``phases``."""
    from bench.common import demo_app

    started = time.perf_counter()
    phases: dict[str, float] = {}

    def phase(name: str, since: float) -> float:
        phases[name] = round(time.perf_counter() - since, 1)
        log(f"{name}: {phases[name]:.0f} s")
        return time.perf_counter()

    now_dt = datetime.now(UTC).replace(microsecond=0)
    now = int(now_dt.timestamp())
    demo_app(url)
    mark = phase("schema and demo seed", started)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        provinces = places.ensure(conn, now_dt)
        categories = [r.code for r in conn.execute(text("SELECT code FROM categories ORDER BY id"))]
        category_ids = [r.id for r in conn.execute(text("SELECT id FROM categories ORDER BY id"))]
        report_cols = places.columns(conn, "reports")
    engine.dispose()
    rng = np.random.default_rng(seed)
    pool = TextPool(categories, rng)
    counts: dict[str, int] = {}
    with psycopg.connect(psycopg_url(url), autocommit=False) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers for the load
        load.session(conn)
        frozen = load.truncate_for_freeze(conn)  # the whole load is one transaction
        dropped = drop_indexes(conn)
        first_resident = _residents(conn, now)
        # Provinces' shares: uneven, as their populations are.
        weights = rng.uniform(0.4, 1.6, len(provinces))
        province_of = rng.choice(len(provinces), size=total, p=weights / weights.sum())
        created = np.sort(now - rng.uniform(0, YEAR, total).astype(np.int64))
        next_ids = {"event": 1, "clock": 1, "rating": 1, "photo": 1}
        sequences: dict[int, int] = {}
        mark = phase("places and residents", mark)

        def batches():
            for first in range(0, total, BATCH):
                last = min(first + BATCH, total)
                yield _batch(
                    rng, pool, provinces, province_of[first:last], created[first:last],
                    first + 1, category_ids, first_resident, now, report_cols, next_ids,
                    sequences,
                )  # fmt: skip

        done = 0
        for part in load.produced(batches()):
            for table, (names, data, count) in part.items():
                counts[table] = counts.get(table, 0) + load.copy(
                    conn, table, names, data, count, freeze=frozen
                )
            done += next(iter(part.values()))[2]
            if done % 200_000 == 0 or done == total:
                log(f"  {done:>9,} reports loaded ({time.perf_counter() - mark:.0f} s)")
        for year, value in sequences.items():
            conn.execute(
                "INSERT INTO report_sequences (year, last_value) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last_value = EXCLUDED.last_value",
                (year, value),
            )
        _sequences(conn)
        conn.commit()
        mark = phase("rows (COPY FREEZE)" if frozen else "rows (COPY)", mark)
    index_seconds = load.build_indexes(psycopg_url(url), dropped, log)
    mark = phase(f"indexes ({len(dropped)}, two connections)", mark)
    after_load = load._after_load(url, log)
    mark = phase("after-load hook" + ("" if after_load else " (no statistics settle yet)"), mark)
    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        if not frozen:  # COPY FREEZE left the rows all-visible; VACUUM otherwise
            for table in TABLES:
                conn.execute(f"VACUUM {table}")
        conn.execute("ANALYZE")  # every table: what the after-load hook wrote too
        mark = phase("ANALYZE" if frozen else "VACUUM, ANALYZE", mark)
        meta = {
            "reports": total,
            "rows": counts,
            "built": now_dt.isoformat(),
            "seconds": round(time.perf_counter() - started),
            "phases": phases,
            "indexes": index_seconds,
            "after_load": after_load,
        }
        meta["fingerprint"] = fingerprint(url)
        name = url.rsplit("/", 1)[1]
        comment = json.dumps(meta).replace("'", "''")
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{comment}'")
    log(f"built {total:,} reports in {meta['seconds']} s: {counts}")
    return meta


def drop_indexes(conn) -> list[str]:
    """Drop the loaded tables' indexes that back no constraint; return their definitions."""
    found = conn.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        (list(TABLES),),
    ).fetchall()
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def copy(conn, table: str, columns: dict[str, list[str]]) -> int:
    return load.copy(conn, table, *load.encode(columns), freeze=False)


def _residents(conn, now: int) -> int:
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM residents").fetchone()[0]
    ids = np.arange(first, first + RESIDENTS)
    copy(
        conn,
        "residents",
        {
            "id": rows.ints(ids),
            "firebase_uid": [f"bench-{i}" for i in ids.tolist()],
            "phone": [f"+8491{i:07d}" for i in ids.tolist()],
            "created_at": rows.ts(np.full(RESIDENTS, now - YEAR)),
            "token_version": rows.const("0", RESIDENTS),
        },
    )
    return first


def _batch(rng, pool, provinces, province_of, created, first_id, category_ids, first_resident,
           now, report_cols, next_ids, sequences) -> dict[str, dict]:  # fmt: skip
    n = len(created)
    ids = np.arange(first_id, first_id + n)
    lat, lng = np.empty(n), np.empty(n)
    admin_unit = np.empty(n, dtype=np.int64)
    province_id = np.empty(n, dtype=np.int64)
    coordinator = np.empty(n, dtype=np.int64)
    unit = np.empty(n, dtype=np.int64)
    for index in np.unique(province_of):
        rows_ = np.nonzero(province_of == index)[0]
        province = provinces[index]
        x, y = places.sample_points(province.geometry, len(rows_), rng)
        lng[rows_], lat[rows_] = x, y
        admin_unit[rows_] = places.admin_units_of(province, x, y)
        province_id[rows_] = province.unit_id
        coordinator[rows_] = province.coordinator_id
        choices = np.array(province.unit_ids)
        unit[rows_] = choices[rng.integers(0, len(choices), len(rows_))]
    category = rng.integers(0, len(category_ids), n)
    text_index = rng.integers(0, 400, n)
    street = rng.integers(0, len(pool.streets), n)
    number = rng.integers(1, 500, n)
    moderation = rows.choice(rng, {"none": 0.92, "approved": 0.06, "pending": 0.01,
                                   "rejected": 0.01}, n)  # fmt: skip
    reporter = rng.integers(first_resident, first_resident + RESIDENTS, n)
    b = rows.life(rng, ids, created, now, unit, coordinator, reporter, moderation == "pending")
    b.status[moderation == "rejected"] = "rejected"
    # Tracking codes: PA-<local year>-<counter of the year>.
    years = (created + 7 * rows.HOUR).astype("datetime64[s]").astype("datetime64[Y]")
    years = years.astype(np.int64) + 1970
    serial = np.empty(n, dtype=np.int64)
    for year in np.unique(years):
        where = np.nonzero(years == year)[0]
        start = sequences.get(int(year), 0)
        serial[where] = np.arange(start + 1, start + 1 + len(where))
        sequences[int(year)] = start + len(where)
    codes = [f"PA-{y}-{s:06d}" for y, s in zip(years.tolist(), serial.tolist(), strict=True)]
    descriptions, folded, addresses = [], [], []
    for c, t, s, num in zip(category.tolist(), text_index.tolist(), street.tolist(),
                            number.tolist(), strict=True):  # fmt: skip
        descriptions.append(pool.descriptions[c][t])
        folded.append(pool.folded[c][t])
        addresses.append((num, s))
    address_text = [f"{num} {pool.streets[s]}" for num, s in addresses]
    search = [
        f"{code.lower().replace('-', ' ')} {f} {num} {pool.streets_folded[s]}"
        for code, f, (num, s) in zip(codes, folded, addresses, strict=True)
    ]
    mod = np.where(moderation == "none", rows.NULL, moderation).astype(object)
    mod[(moderation == "rejected")] = "rejected"
    answered = b.has_resolved
    response = np.full(n, rows.NULL, dtype=object)
    response[answered] = np.array(pool.answers, dtype=object)[
        rng.integers(0, len(pool.answers), int(answered.sum()))
    ]
    duplicate_of = np.maximum(ids - rng.integers(1, 5000, n), 1)
    channel = rows.choice(rng, rows.CHANNELS, n)
    source = np.where(channel == "app", np.where(rng.random(n) < 0.9, "device", "photo_exif"),
                      "map").astype(object)  # fmt: skip
    report = {
        "id": rows.ints(ids),
        "code": codes,
        "category_id": [str(category_ids[c]) for c in category.tolist()],
        "description": descriptions,
        "public_description": descriptions,
        "moderation_status": mod.tolist(),
        "search_text": search,
        "lat": np.round(lat, 6).astype(str).tolist(),
        "lng": np.round(lng, 6).astype(str).tolist(),
        "address": address_text,
        "location_source": source.tolist(),
        "admin_unit_id": rows.ints(admin_unit),
        "department_id": rows.ints(b.unit),
        "status": b.status.tolist(),
        "severity": rows.choice(rng, rows.SEVERITIES, n).tolist(),
        "reporter_id": rows.ints(reporter),
        "response": response.tolist(),
        "created_at": rows.ts(created),
        "updated_at": rows.ts(rows.last_change(b)),
        "assigned_at": rows.ts(b.assigned, b.has_assigned),
        "accepted_at": rows.ts(b.accepted, b.has_accepted),
        "resolved_at": rows.ts(b.resolved, b.has_resolved),
        "closed_at": rows.ts(b.closed, b.has_closed),
        "duplicate_of_id": rows.ints(duplicate_of, b.status == "duplicate"),
        "channel": channel.tolist(),
        "version": rows.const("3", n),
        "province_id": rows.ints(province_id),
    }
    report = {k: v for k, v in report.items() if k in report_cols}
    event_cols, next_ids["event"] = rows.events(b, next_ids["event"], pool.answers, rng)
    clock_cols, handle_id, next_ids["clock"] = rows.clocks(b, next_ids["clock"], now)
    rating_cols, next_ids["rating"] = rows.ratings(b, handle_id, next_ids["rating"])
    photo_cols, next_ids["photo"] = rows.photos(b, next_ids["photo"], rng)
    return {
        "reports": report,
        "report_events": event_cols,
        "report_clocks": clock_cols,
        "report_ratings": rating_cols,
        "photos": photo_cols,
    }


def _sequences(conn) -> None:
    for table in TABLES:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"greatest((SELECT coalesce(max(id), 1) FROM {table}), "
            f"CASE WHEN '{table}' = 'reports' THEN 10000000 ELSE 1 END))"
        )
