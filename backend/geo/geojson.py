"""Read administrative boundaries from GeoJSON and (de)serialise them for storage.

Only Polygon and MultiPolygon features are accepted, in WGS84 longitude/latitude
as RFC 7946 requires. Geometries are returned valid and two-dimensional, and
string properties are normalised to Unicode NFC so that Vietnamese names
compare equal whatever form the source file used.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
import shapely.wkb
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

__all__ = ["Feature", "GeoJSONError", "from_wkb", "read_features", "to_wkb"]

_POLYGONAL_TYPES = frozenset({"Polygon", "MultiPolygon"})


@dataclass(frozen=True)
class Feature:
    """A polygonal feature: its NFC-normalised properties and a valid geometry."""

    properties: dict
    geometry: BaseGeometry


class GeoJSONError(ValueError):
    """The input is not a usable GeoJSON FeatureCollection of polygons."""


def read_features(data: bytes | str) -> list[Feature]:
    """Parse a GeoJSON FeatureCollection (or a single Feature) of polygonal features.

    Invalid geometries are repaired with :func:`shapely.make_valid`, keeping only
    their polygonal parts. Raises :class:`GeoJSONError` for input that is not
    JSON, not a FeatureCollection/Feature, has a missing or non-polygonal
    geometry, or has coordinates outside longitude [-180, 180] / latitude
    [-90, 90].
    """
    document = _parse_json(data)
    if not isinstance(document, dict):
        raise GeoJSONError("GeoJSON must be a JSON object")
    kind = document.get("type")
    if kind == "Feature":
        raw_features: Any = [document]
    elif kind == "FeatureCollection":
        raw_features = document.get("features")
        if not isinstance(raw_features, list):
            raise GeoJSONError("FeatureCollection has no 'features' array")
    else:
        raise GeoJSONError(f"expected a FeatureCollection or Feature, got type {kind!r}")
    return [_read_feature(raw, index) for index, raw in enumerate(raw_features)]


def to_wkb(geometry: BaseGeometry) -> bytes:
    """Serialise a geometry to binary WKB for storage."""
    return shapely.wkb.dumps(geometry)


def from_wkb(data: bytes) -> BaseGeometry:
    """Deserialise a geometry written by :func:`to_wkb`."""
    return shapely.wkb.loads(data)


def _parse_json(data: bytes | str) -> Any:
    if isinstance(data, str):
        data = data.removeprefix("\ufeff")
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # nested too deep too
        raise GeoJSONError(f"input is not valid JSON: {exc}") from exc


def _read_feature(raw: Any, index: int) -> Feature:
    where = f"feature {index}"
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        raise GeoJSONError(f"{where} is not a GeoJSON Feature object")
    properties = raw.get("properties")
    if properties is None:
        properties = {}
    elif not isinstance(properties, dict):
        raise GeoJSONError(f"{where} has properties that are not a JSON object")
    return Feature(properties=_nfc(properties), geometry=_read_geometry(raw.get("geometry"), where))


def _read_geometry(raw: Any, where: str) -> BaseGeometry:
    if not isinstance(raw, dict):
        raise GeoJSONError(f"{where} has no geometry")
    kind = raw.get("type")
    if kind not in _POLYGONAL_TYPES:
        raise GeoJSONError(f"{where} has a {kind!r} geometry; only Polygon/MultiPolygon allowed")
    coordinates = raw.get("coordinates")
    if not isinstance(coordinates, list):
        raise GeoJSONError(f"{where} has no coordinates array")
    try:
        # NaN coordinates are rejected below with a clear message; silence numpy's warning.
        with np.errstate(invalid="ignore"):
            geometry = shapely.force_2d(shape({"type": kind, "coordinates": coordinates}))
    except (ValueError, TypeError, IndexError, ShapelyError) as exc:
        raise GeoJSONError(f"{where} has malformed coordinates: {exc}") from exc
    _check_coordinates(geometry, where)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    if geometry.is_empty:
        raise GeoJSONError(f"{where} has an empty geometry")
    return geometry


def _check_coordinates(geometry: BaseGeometry, where: str) -> None:
    coordinates = shapely.get_coordinates(geometry)
    lng, lat = coordinates[:, 0], coordinates[:, 1]
    # NaN compares false, so non-finite values are rejected here too.
    in_range = (np.abs(lng) <= 180.0) & (np.abs(lat) <= 90.0)
    if not in_range.all():
        bad_lng, bad_lat = coordinates[np.argmin(in_range)]
        raise GeoJSONError(
            f"{where} has coordinate ({bad_lng}, {bad_lat}) outside longitude [-180, 180] /"
            " latitude [-90, 90]; GeoJSON must be WGS84 longitude, latitude"
        )


def _nfc(value: Any) -> Any:
    """Return ``value`` with every string (dict keys included) normalised to NFC."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value
