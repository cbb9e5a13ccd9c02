"""Resolve a point to the administrative areas that contain it.

Vietnam has two tiers of local government since 1 July 2025: provinces and,
inside them, communes/wards/special zones. An :class:`Area` carries the
caller's key for a unit, its depth in that hierarchy and its boundary; a
:class:`JurisdictionIndex` answers "which units contain this point?" with the
most specific unit first, which is what report routing needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["Area", "JurisdictionIndex"]


@dataclass(frozen=True)
class Area:
    """One administrative unit.

    ``key`` is the caller's id for the unit (a primary key, a code...), ``depth``
    its level (0 = province, 1 = commune/ward; deeper wins) and ``geometry`` a
    shapely Polygon/MultiPolygon in WGS84 longitude/latitude.
    """

    key: int | str
    depth: int
    geometry: BaseGeometry


class JurisdictionIndex:
    """Immutable spatial index over a set of :class:`Area` objects.

    Candidates come from an STRtree bounding-box query; each candidate is then
    tested with a prepared ``covers`` predicate. Preparing the polygons (done in
    place on the caller's geometries) lets GEOS build an edge index per polygon
    on first use, so a point test no longer scans every edge: about twice as
    fast as an STRtree query with a predicate, which prepares only the point.
    """

    def __init__(self, areas: Iterable[Area]) -> None:
        self._areas = tuple(areas)
        self._geometries = np.array([area.geometry for area in self._areas], dtype=object)
        shapely.prepare(self._geometries)
        self._tree = shapely.STRtree(self._geometries)
        # Sort key per area: deepest first, then smallest area, then input order.
        self._rank = [
            (-area.depth, geometry_area, position)
            for position, (area, geometry_area) in enumerate(
                zip(self._areas, shapely.area(self._geometries), strict=True)
            )
        ]

    def locate(self, lat: float, lng: float, *, depth: int | None = None) -> list[int | str]:
        """Return the keys of every area containing the point, deepest first (only the
        areas of ``depth`` when given: 0 for the provinces).

        A point on a boundary counts as inside. Among areas of equal depth the
        smaller one comes first. The list is empty when the point is outside
        every area. Note the argument order: latitude, then longitude.
        """
        point = shapely.Point(lng, lat)
        candidates = self._tree.query(point)
        hits = candidates[shapely.covers(self._geometries[candidates], point)].tolist()
        if depth is not None:
            hits = [i for i in hits if self._areas[i].depth == depth]
        return [self._areas[i].key for i in sorted(hits, key=self._rank.__getitem__)]

    def __len__(self) -> int:
        return len(self._areas)
