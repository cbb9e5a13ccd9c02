"""The 34 provinces of the benchmark: admin units, handling units and points inside them.

Whatever the app's own seed already made (the demo's TP Cần Thơ and its wards, the 34
provinces when the tenancy loader exists) is reused, matched by the folded name; what
is missing is added: a depth-0 unit with its real boundary, hosted, with a slug, and a
coordinator and four handling units per province.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from sqlalchemy import text

from backend.domain.text import fold
from backend.geo.geojson import from_wkb, read_features, to_wkb

GEOJSON = "backend/data/geo/vn-provinces-2025.geojson"
UNIT_KINDS = [
    ("so-xd", "Sở Xây dựng", "provincial_department"),
    ("so-nnmt", "Sở Nông nghiệp và Môi trường", "provincial_department"),
    ("ca", "Công an tỉnh", "police"),
    ("cskh", "Công ty Điện lực và Chiếu sáng", "utility"),
]


@dataclass
class Province:
    unit_id: int
    name: str
    slug: str
    geometry: object
    coordinator_id: int
    unit_ids: list[int]
    #: (admin unit id, prepared geometry) of its wards, deepest first (the demo's wards).
    wards: list[tuple[int, object]] = field(default_factory=list)


def slug_of(name: str) -> str:
    return fold(name.removeprefix("TP ")).replace(" ", "-")


def columns(conn, table: str) -> set[str]:
    rows = conn.execute(
        text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
        {"t": table},
    )
    return {r[0] for r in rows}


def ensure(conn, now) -> list[Province]:
    """The 34 provinces, each with its handling units (created where missing)."""
    root = __import__("pathlib").Path(__file__).resolve().parents[1]
    features = read_features((root / GEOJSON).read_bytes())
    unit_cols, dept_cols = columns(conn, "admin_units"), columns(conn, "departments")
    existing = {
        fold(r.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")): r
        for r in conn.execute(text("SELECT id, name, boundary FROM admin_units WHERE depth = 0"))
    }
    provinces = []
    for feature in sorted(features, key=lambda f: f.properties["ten_tinh"]):
        name = feature.properties["ten_tinh"]
        slug = slug_of(name)
        row = existing.get(fold(name)) or existing.get(fold(name.removeprefix("TP ")))
        if row is None:
            values = {
                "code": f"bench-{feature.properties['code']}",
                "name": name,
                "kind": "city" if name.startswith("TP ") else "province",
                "depth": 0,
                "boundary": to_wkb(feature.geometry),
                "updated_at": now,
            }
            if "hosted" in unit_cols:
                values |= {"hosted": True, "slug": slug}
            names = ", ".join(values)
            unit_id = conn.execute(
                text(
                    f"INSERT INTO admin_units ({names}) VALUES "
                    f"({', '.join(':' + k for k in values)}) RETURNING id"
                ),
                values,
            ).scalar_one()
        else:
            unit_id = row.id
            if "hosted" in unit_cols:
                conn.execute(
                    text(
                        "UPDATE admin_units SET hosted = true, slug = coalesce(slug, :slug) "
                        "WHERE id = :id"
                    ),
                    {"id": unit_id, "slug": slug},
                )
        coordinator, units = _departments(conn, unit_id, slug, name, dept_cols)
        geometry = feature.geometry
        shapely.prepare(geometry)
        provinces.append(Province(unit_id, name, slug, geometry, coordinator, units))
    _attach_wards(conn, provinces)
    return provinces


def _departments(conn, unit_id: int, slug: str, name: str, dept_cols: set[str]):
    """The province's coordinator and handling units: the demo's for TP Cần Thơ (and any
    the app's seed made for a province), else four made here."""
    scoped = "province_id" in dept_cols
    if scoped:
        rows = conn.execute(
            text("SELECT id, kind FROM departments WHERE province_id = :p ORDER BY id"),
            {"p": unit_id},
        ).all()
    else:
        rows = []
    if not rows:
        rows = conn.execute(
            text("SELECT id, kind FROM departments WHERE code LIKE :c ORDER BY id"),
            {"c": f"{slug}-%"},
        ).all()
    if not rows and slug == "can-tho":
        rows = conn.execute(text("SELECT id, kind FROM departments ORDER BY id")).all()
        if scoped:
            conn.execute(
                text("UPDATE departments SET province_id = :p WHERE province_id IS NULL"),
                {"p": unit_id},
            )
    if not rows:
        extra = {"province_id": unit_id} if scoped else {}
        coordinator = _insert_department(
            conn, f"{slug}-ioc", f"Trung tâm điều hành đô thị thông minh {name}",
            "coordinator", None, extra,
        )  # fmt: skip
        for code, label, kind in UNIT_KINDS:
            _insert_department(conn, f"{slug}-{code}", f"{label} {name}", kind, coordinator, extra)
        rows = conn.execute(
            text("SELECT id, kind FROM departments WHERE code LIKE :c ORDER BY id"),
            {"c": f"{slug}-%"},
        ).all()
    coordinators = [r.id for r in rows if r.kind == "coordinator"]
    units = [r.id for r in rows if r.kind != "coordinator"]
    return (coordinators or units)[0], units or coordinators


def _insert_department(conn, code, name, kind, supervisor, extra) -> int:
    values = {"code": code, "name": name, "kind": kind, "supervisor_id": supervisor}
    values |= {"active": True, **extra}
    return conn.execute(
        text(
            f"INSERT INTO departments ({', '.join(values)}) VALUES "
            f"({', '.join(':' + k for k in values)}) RETURNING id"
        ),
        values,
    ).scalar_one()


def _attach_wards(conn, provinces: list[Province]) -> None:
    by_id = {p.unit_id: p for p in provinces}
    rows = conn.execute(
        text(
            "SELECT id, parent_id, boundary FROM admin_units "
            "WHERE depth > 0 AND boundary IS NOT NULL ORDER BY depth DESC, id"
        )
    )
    for row in rows:
        province = by_id.get(row.parent_id)
        if province is not None:
            geometry = from_wkb(row.boundary)
            shapely.prepare(geometry)
            province.wards.append((row.id, geometry))


def sample_points(geometry, count: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """``count`` uniform points inside ``geometry`` (vectorised rejection sampling)."""
    min_x, min_y, max_x, max_y = geometry.bounds
    xs, ys, have = [], [], 0
    while have < count:
        batch = max(1024, int((count - have) * 2.5))
        x = rng.uniform(min_x, max_x, batch)
        y = rng.uniform(min_y, max_y, batch)
        inside = shapely.contains_xy(geometry, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        have += int(inside.sum())
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


def admin_units_of(province: Province, lng: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Each point's deepest unit: a ward of the province when one contains it, else the
    province itself."""
    units = np.full(len(lng), province.unit_id, dtype=np.int64)
    free = np.ones(len(lng), dtype=bool)
    for ward_id, geometry in province.wards:
        inside = free & shapely.contains_xy(geometry, lng, lat)
        units[inside] = ward_id
        free &= ~inside
    return units
