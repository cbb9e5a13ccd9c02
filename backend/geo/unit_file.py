"""Check a GeoJSON file of communes and wards before anything is imported (pure).

Unlike :func:`backend.geo.geojson.read_features`, which repairs what it can, this
refuses: every feature needs a code, a name and a valid polygonal geometry (shapely's
``is_valid``; ``explain_validity`` says what is wrong), no code may appear twice, and
every unit must lie inside the province. All problems are collected, not only the first,
so that one report lists everything to fix in the file.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.validation
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

#: A unit counts as inside the province when at least this share of its area is: real
#: data sets' borders never coincide exactly.
INSIDE_SHARE = 0.95
_POLYGONAL = frozenset({"Polygon", "MultiPolygon"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: ``feature`` is its 1-based position (None: the file
    itself), ``kind`` a stable code, ``detail`` a technical note (shapely's words)."""

    feature: int | None
    code: str | None
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class UnitFeature:
    number: int
    code: str
    name: str
    kind: str | None
    legacy: tuple[tuple[str, str | None], ...]
    geometry: BaseGeometry


@dataclass
class Checked:
    units: list[UnitFeature] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Properties:
    code: str = "ma_xa"
    name: str = "ten_xa"
    kind: str = "loai"
    #: Old codes of the units merged into this one: a list, or a string separated by
    #: commas or semicolons; an entry may be ``"CODE"`` or ``{"code", "name"}``.
    legacy: str = "ma_cu"


def check(data: bytes | str, province: BaseGeometry | None, props: Properties) -> Checked:
    result = Checked()
    try:
        if isinstance(data, bytes):
            data = data.decode("utf-8-sig")
        document = json.loads(data.removeprefix("\ufeff"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        result.problems.append(Problem(None, None, "not_json", str(exc)[:200]))
        return result
    raw = document.get("features") if isinstance(document, dict) else None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        result.problems.append(Problem(None, None, "not_feature_collection"))
        return result
    if not isinstance(raw, list) or not raw:
        result.problems.append(Problem(None, None, "no_features"))
        return result
    seen: dict[str, int] = {}
    for number, item in enumerate(raw, start=1):
        unit = _feature(number, item, province, props, result.problems)
        if unit is None:
            continue
        if unit.code in seen:
            result.problems.append(
                Problem(number, unit.code, "duplicate_code", str(seen[unit.code]))
            )
            continue
        seen[unit.code] = number
        result.units.append(unit)
    return result


#: The columns' sizes (admin_units.code, admin_units.name).
MAX_CODE, MAX_NAME = 32, 200


def _unprintable(text: str) -> bool:
    """A control character (NUL included), which no name or code contains."""
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def _text(value) -> str:
    if value is None or isinstance(value, dict | list | bool):
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def _feature(number, item, province, props, problems) -> UnitFeature | None:
    if not isinstance(item, dict) or item.get("type") != "Feature":
        problems.append(Problem(number, None, "not_a_feature"))
        return None
    properties = item.get("properties") if isinstance(item.get("properties"), dict) else {}
    code, name = _text(properties.get(props.code)), _text(properties.get(props.name))
    ok = True
    if not code:
        problems.append(Problem(number, None, "missing_code", props.code))
        ok = False
    elif len(code) > MAX_CODE or _unprintable(code):
        problems.append(Problem(number, None, "bad_code", str(MAX_CODE)))
        code, ok = "", False
    if not name:
        problems.append(Problem(number, code or None, "missing_name", props.name))
        ok = False
    elif len(name) > MAX_NAME or _unprintable(name):
        problems.append(Problem(number, code or None, "bad_name", str(MAX_NAME)))
        ok = False
    geometry = _geometry(number, code or None, item.get("geometry"), problems)
    if geometry is None:
        return None
    if province is not None and _share_inside(geometry, province) < INSIDE_SHARE:
        problems.append(Problem(number, code or None, "outside_province"))
        ok = False
    if not ok:
        return None
    kind = _text(properties.get(props.kind)) or None
    return UnitFeature(number, code, name, kind, _legacy(properties.get(props.legacy)), geometry)


def _geometry(number, code, raw, problems) -> BaseGeometry | None:
    if not isinstance(raw, dict) or raw.get("type") not in _POLYGONAL:
        kind = raw.get("type") if isinstance(raw, dict) else None
        problems.append(Problem(number, code, "not_polygonal", str(kind)))
        return None
    try:
        with np.errstate(invalid="ignore"):
            geometry = shapely.force_2d(shape(raw))
    except (ValueError, TypeError, IndexError, AttributeError, ShapelyError) as exc:
        problems.append(Problem(number, code, "malformed_coordinates", str(exc)[:200]))
        return None
    coordinates = shapely.get_coordinates(geometry)
    if coordinates.size == 0 or geometry.is_empty:
        problems.append(Problem(number, code, "empty_geometry"))
        return None
    lng, lat = coordinates[:, 0], coordinates[:, 1]
    if not ((np.abs(lng) <= 180.0) & (np.abs(lat) <= 90.0)).all():
        problems.append(Problem(number, code, "coordinates_out_of_range"))
        return None
    if not geometry.is_valid:
        problems.append(
            Problem(number, code, "invalid_geometry", shapely.validation.explain_validity(geometry))
        )
        return None
    return geometry


def _share_inside(geometry: BaseGeometry, province: BaseGeometry) -> float:
    area = geometry.area
    if area == 0:
        return 0.0
    return geometry.intersection(province).area / area


def _legacy(value) -> tuple[tuple[str, str | None], ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
    found: dict[str, str | None] = {}
    for item in items:
        if isinstance(item, dict):
            code, name = _text(item.get("code")), _text(item.get("name")) or None
        else:
            code, name = _text(item), None
        if name and (len(name) > MAX_NAME or _unprintable(name)):
            name = None
        if code and len(code) <= MAX_CODE and not _unprintable(code):
            found.setdefault(code, name)
    return tuple(found.items())
