"""The boundary index each process keeps (backend.services.geo): rebuilt after any change
to the stored boundaries, also one whose ``updated_at`` is not the latest (an app server
whose clock is behind the others', a transaction committed after a later one)."""

from __future__ import annotations

from datetime import timedelta

from shapely.geometry import box
from sqlalchemy import func, select

from backend.db import commit, db
from backend.geo.geojson import to_wkb
from backend.models import AdminUnit
from backend.services import geo

#: In the demo's Phường Ninh Kiều (lng 105.770-105.800), west of 105.780.
POINT = (10.030, 105.775)


def _unit(code: str) -> AdminUnit:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def test_a_boundary_change_stamped_before_the_latest_change_is_still_seen(city):
    latest = db.session.scalar(select(func.max(AdminUnit.updated_at)))
    # Another unit changed last, by a server whose clock is an hour ahead.
    _unit("92-cai-rang").updated_at = latest + timedelta(hours=1)
    commit()
    assert geo.locate(*POINT).code == "92-ninh-kieu"  # the index is built, and kept

    # Tân An grows east to 105.780 and Ninh Kiều starts there, stamped by a server whose
    # clock is behind: the boundaries' count and latest change stay the same.
    tan_an, ninh_kieu = _unit("92-tan-an"), _unit("92-ninh-kieu")
    tan_an.boundary = to_wkb(box(105.740, 10.020, 105.780, 10.042))
    ninh_kieu.boundary = to_wkb(box(105.780, 10.020, 105.800, 10.042))
    tan_an.updated_at = ninh_kieu.updated_at = latest - timedelta(minutes=5)
    commit()
    assert db.session.scalar(select(func.max(AdminUnit.updated_at))) == latest + timedelta(hours=1)
    assert geo.locate(*POINT).code == "92-tan-an"
