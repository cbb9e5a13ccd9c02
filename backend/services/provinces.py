"""Provinces as tenants: which provinces this deployment serves, which one a point is in,
and which province a staff member works in.

A province is a depth-0 :class:`AdminUnit`; ``hosted`` marks those the deployment serves
(only they get reports), ``slug`` is its URL name. The 34 provinces of the 2025 map are
loaded by :func:`load_provinces` (``flask --app wsgi provinces load``).

:func:`of_point` answers from a :class:`JurisdictionIndex` over the provinces' boundaries,
built once per process and keyed by a generation read from the database (count and latest
change of the depth-0 boundaries), so every gunicorn or RQ process rebuilds it after a
change another one made: no state another process would not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import undefer

from backend.db import db
from backend.domain.provinces import gso_code, province_slug
from backend.domain.text import N_, nfc
from backend.errors import ValidationFailed
from backend.geo.geojson import read_features, to_wkb
from backend.models import AdminUnit, StaffUser
from backend.models.admin_unit import UnitKind
from backend.services import geo

#: The bundled 2025 province layer (MIT, Talia Cao; see backend/data/geo/ATTRIBUTION.md).
PROVINCES_FILE = Path(__file__).resolve().parents[1] / "data" / "geo" / "vn-provinces-2025.geojson"


class ProvinceNotServed(ValidationFailed):
    """A point in a province this deployment does not serve: refused at intake."""

    code = "province_not_served"
    message = N_("This service does not take reports in %(province)s.")


class ProvinceOutOfScope(ValidationFailed):
    """An operator of one province entering a report at a place in another."""

    code = "province_out_of_scope"
    message = N_("This place is in %(province)s, outside your province.")


def _provinces():
    return select(AdminUnit).where(AdminUnit.parent_id.is_(None), AdminUnit.depth == 0)


def hosted() -> list[AdminUnit]:
    """The provinces this deployment serves, by name."""
    return list(
        db.session.scalars(_provinces().where(AdminUnit.hosted.is_(True)).order_by(AdminUnit.name))
    )


def by_slug(slug: str) -> AdminUnit | None:
    """A province (hosted or not) by its URL name, any case."""
    slug = (slug or "").strip().lower()
    if not slug or len(slug) > 64:
        return None
    return db.session.scalar(_provinces().where(AdminUnit.slug == slug))


def by_code(code: str) -> AdminUnit | None:
    return db.session.scalar(_provinces().where(AdminUnit.code == code))


def root_of(unit: AdminUnit | None) -> AdminUnit | None:
    """The province a unit lies in (the last of its chain)."""
    return unit.chain()[-1] if unit is not None else None


# ---- which province contains a point ----------------------------------------------------------


def of_point(lat: float, lng: float) -> AdminUnit | None:
    """Which province (hosted or not) contains the point; None outside all of them."""
    # The provinces are in the one boundary index with their wards (backend.services.geo).
    keys = geo.jurisdiction_index().locate(lat, lng, depth=0)
    return db.session.get(AdminUnit, keys[0]) if keys else None


def require_served(province: AdminUnit | None, **fields) -> None:
    """Refuse a point in a province this deployment does not serve, naming it."""
    if province is not None and not province.hosted:
        raise ProvinceNotServed(params={"province": province.name}, fields=fields or None)


def served_unit_ids(province_id: int | None = None) -> set[int]:
    """The administrative units a report can be located in (they, or a unit inside them,
    have a boundary) and the units enclosing them, in the hosted provinces (or in one)."""
    rows = db.session.execute(
        select(AdminUnit.id, AdminUnit.parent_id, AdminUnit.boundary.is_not(None), AdminUnit.hosted)
    ).all()
    parents = {row[0]: row[1] for row in rows}
    hosted_ids = {row[0] for row in rows if row[1] is None and row[3]}

    def root(unit_id):
        seen = set()
        while parents.get(unit_id) is not None and unit_id not in seen:
            seen.add(unit_id)
            unit_id = parents[unit_id]
        return unit_id

    served: set[int] = set()
    for unit_id, _parent, bounded, _hosted in rows:
        top = root(unit_id)
        if top not in hosted_ids or (province_id is not None and top != province_id):
            continue
        while bounded and unit_id is not None and unit_id not in served:
            served.add(unit_id)
            unit_id = parents.get(unit_id)
    return served


# ---- staff scope -----------------------------------------------------------------------------


def scope_of(staff: StaffUser | None) -> int | None:
    """The province a staff member works in; None: national staff (sees every province)."""
    return staff.province_id if staff is not None else None


def in_scope(staff: StaffUser, province_id: int | None) -> bool:
    """Whether ``staff`` may see and act on something of ``province_id``: national staff
    anything, a province's staff only their province's."""
    own = scope_of(staff)
    return own is None or province_id == own


# ---- loading the 34 provinces ------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    codes: dict[str, str]  # name -> the code it got


def _kind(name: str) -> str:
    return UnitKind.CITY if name.startswith(("TP ", "Thành phố")) else UnitKind.PROVINCE


def load_provinces(data: bytes | None = None, *, host: Iterable[str] = ()) -> LoadResult:
    """Create or update the provinces of the 2025 map (the bundled file by default) as
    depth-0 units: matched by GSO code where known (``TP Cần Thơ`` = 92...), else by name,
    else created with the data set's own code (``VN05``). ``host``: slugs or codes to mark
    served. Boundaries change only when they differ (the routing index stays current).
    Names that exist keep theirs; new ones are "Tỉnh <name>" unless a city ("TP ...")."""
    features = read_features(data if data is not None else PROVINCES_FILE.read_bytes())
    existing = list(db.session.scalars(_provinces().options(undefer(AdminUnit.boundary))))
    by_code_ = {u.code: u for u in existing}
    by_slug_ = {province_slug(u.name): u for u in existing}
    wanted = {h.strip().lower() for h in host}
    created = updated = 0
    codes: dict[str, str] = {}
    for feature in features:
        name = nfc(str(feature.properties.get("ten_tinh") or ""))
        own_code = str(feature.properties.get("code") or "").strip()
        if not name or not own_code:
            continue
        if _kind(name) == UnitKind.PROVINCE and not name.startswith("Tỉnh "):
            name = f"Tỉnh {name}"  # the data set writes "Vĩnh Long" for "Tỉnh Vĩnh Long"
        code = gso_code(name) or own_code
        slug = province_slug(name)
        unit = by_code_.get(code) or by_slug_.get(slug)
        boundary = to_wkb(feature.geometry)
        if unit is None:
            unit = AdminUnit(code=code, name=name, kind=_kind(name), depth=0, boundary=boundary)
            db.session.add(unit)
            created += 1
        elif unit.boundary != boundary:
            unit.boundary = boundary
            updated += 1
        if unit.slug is None:
            unit.slug = slug
        if wanted & {unit.slug, unit.code.lower()}:
            unit.hosted = True
        codes[unit.name] = unit.code
    db.session.flush()
    return LoadResult(created=created, updated=updated, codes=codes)


def set_hosted(ref: str, hosted_: bool = True) -> AdminUnit:
    """Serve (or stop serving) a province named by slug or code."""
    unit = by_slug(ref) or by_code(ref)
    if unit is None:
        raise ValidationFailed(
            N_("Unknown province %(code)s"), params={"code": ref}, code="unknown_province"
        )
    unit.hosted = hosted_
    db.session.flush()
    return unit
