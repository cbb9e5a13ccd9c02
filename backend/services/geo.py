"""Point -> administrative unit, on the boundaries stored in the database.

The polygon index is pure (:mod:`backend.geo.jurisdiction`) and built once per
process; it is rebuilt when the stored boundaries change (checked with one
cheap aggregate query and the shared ``places`` generation), so every gunicorn or RQ
process agrees after an import.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from backend import cache
from backend.db import db
from backend.geo.geojson import from_wkb
from backend.geo.jurisdiction import Area, JurisdictionIndex
from backend.models import AdminUnit

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, JurisdictionIndex]] = {}


def _version() -> tuple:
    """The stored boundaries' count and latest change, and the shared ``places`` generation
    (:mod:`backend.cache`, replaced after any commit that changes administrative units, in
    Redis when configured): a change whose ``updated_at`` is not the latest (an app server
    whose clock is behind, a transaction that commits after a later one) still changes it."""
    row = db.session.execute(
        select(func.count(AdminUnit.id), func.max(AdminUnit.updated_at)).where(
            AdminUnit.boundary.is_not(None)
        )
    ).one()
    places = cache.generations([cache.PLACES])
    return (db.engine.url.render_as_string(hide_password=True), row[0], str(row[1]), places)


def jurisdiction_index() -> JurisdictionIndex:
    version = _version()
    key = version[0]
    cached = _cache.get(key)
    if cached and cached[0] == version:
        return cached[1]
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == version:
            return cached[1]
        rows = db.session.execute(
            select(AdminUnit.id, AdminUnit.depth, AdminUnit.boundary).where(
                AdminUnit.boundary.is_not(None)
            )
        ).all()
        index = JurisdictionIndex(
            Area(key=r.id, depth=r.depth, geometry=from_wkb(r.boundary)) for r in rows
        )
        _cache[key] = (version, index)
        return index


def locate(lat: float, lng: float) -> AdminUnit | None:
    """The deepest administrative unit whose boundary contains the point."""
    keys = jurisdiction_index().locate(lat, lng)
    return db.session.get(AdminUnit, keys[0]) if keys else None
