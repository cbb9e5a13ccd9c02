"""Importing administrative boundaries (GeoJSON) into the unit hierarchy."""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import undefer

from backend.db import db
from backend.domain.text import N_, nfc
from backend.errors import ValidationFailed
from backend.geo.geojson import GeoJSONError, from_wkb, read_features, to_wkb
from backend.models import AdminUnit
from backend.models.admin_unit import UnitKind


@dataclass(frozen=True)
class BoundaryImport:
    name_prop: str = "ten_tinh"
    code_prop: str = "code"
    kind: str = "auto"
    parent_code: str | None = None
    match_by: str = "code"
    only_names: frozenset[str] = frozenset()


class InvalidBoundaries(ValidationFailed):
    code = "invalid_geojson"


def import_boundaries(data: bytes, options: BoundaryImport) -> dict[str, int]:
    try:
        features = read_features(data)
    except GeoJSONError as exc:
        raise InvalidBoundaries(
            N_("Invalid GeoJSON file: %(error)s"), params={"error": str(exc)}
        ) from exc
    parent = None
    if options.parent_code:
        parent = db.session.scalar(select(AdminUnit).where(AdminUnit.code == options.parent_code))
        if parent is None:
            raise InvalidBoundaries(
                N_("Unknown parent unit %(code)s"), params={"code": options.parent_code}
            )
    only = {nfc(name) for name in options.only_names}
    counts = {"created": 0, "updated": 0, "skipped": 0}
    for number, feature in enumerate(features, start=1):
        name = nfc(str(feature.properties.get(options.name_prop) or ""))
        code = str(feature.properties.get(options.code_prop) or "").strip()
        if not name or (options.match_by == "code" and not code):
            raise InvalidBoundaries(
                N_("Feature %(number)s has no %(name)s or %(code)s."),
                params={
                    "number": number,
                    "name": repr(options.name_prop),
                    "code": repr(options.code_prop),
                },
            )
        if only and name not in only:
            counts["skipped"] += 1
            continue
        column = AdminUnit.code if options.match_by == "code" else AdminUnit.name
        unit = db.session.scalar(select(AdminUnit).where(column == (code or name)))
        if unit is None:
            unit = AdminUnit(code=code or name, name=name)
            db.session.add(unit)
            counts["created"] += 1
        else:
            counts["updated"] += 1
        unit.name = name
        unit.kind = (
            _kind(options.kind, name, parent)
            if unit.kind is None or options.kind != "auto"
            else unit.kind
        )
        if parent is not None:
            unit.parent = parent
        unit.depth = unit.parent.depth + 1 if unit.parent is not None else 0
        unit.boundary = to_wkb(feature.geometry)
    db.session.flush()
    return counts


def _kind(option: str, name: str, parent: AdminUnit | None) -> str:
    if option != "auto":
        return option
    if parent is not None:
        return UnitKind.WARD if name.lower().startswith("phường") else UnitKind.COMMUNE
    return UnitKind.CITY if name.startswith(("TP ", "Thành phố")) else UnitKind.PROVINCE


def outlines(tolerance: float = 0.001, *, province_id: int | None = None) -> dict:
    """The hosted provinces' boundaries (or one's), simplified (~100 m), as a GeoJSON
    FeatureCollection.

    The portal's map draws them under the reports, so that the map still shows the
    city when no tile server is configured.
    """
    stmt = select(AdminUnit).where(
        AdminUnit.parent_id.is_(None), AdminUnit.hosted.is_(True), AdminUnit.boundary.is_not(None)
    )
    if province_id is not None:
        stmt = stmt.where(AdminUnit.id == province_id)
    units = db.session.scalars(stmt.options(undefer(AdminUnit.boundary)).order_by(AdminUnit.code))
    features = [
        {
            "type": "Feature",
            "geometry": mapping(from_wkb(unit.boundary).simplify(tolerance)),
            "properties": {"code": unit.code, "name": unit.name},
        }
        for unit in units
    ]
    return {"type": "FeatureCollection", "features": features}
