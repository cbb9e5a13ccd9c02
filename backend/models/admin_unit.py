"""Administrative units: the two-tier map (province, then commune/ward/special zone).

Depth is not fixed: older three-tier data (districts) still fits, and merged
units keep their old codes in :class:`LegacyUnitCode`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models.checks import one_of


class UnitKind(StrEnum):
    PROVINCE = "province"  # tỉnh
    CITY = "city"  # thành phố trực thuộc trung ương (province level)
    DISTRICT = "district"  # huyện/quận: abolished 1 July 2025, kept for old data
    COMMUNE = "commune"  # xã
    WARD = "ward"  # phường
    SPECIAL_ZONE = "special_zone"  # đặc khu


class AdminUnit(db.Model):
    __tablename__ = "admin_units"
    __table_args__ = (one_of("kind", UnitKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    depth: Mapped[int] = mapped_column(default=0)
    #: Boundary as WKB (lon/lat, WGS84); None for units without a polygon.
    boundary: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: A province (depth 0) this deployment serves: only hosted provinces get reports.
    hosted: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: A province's URL name, e.g. ``can-tho`` (see :func:`backend.domain.provinces.province_slug`).
    slug: Mapped[str | None] = mapped_column(String(64), unique=True)

    parent: Mapped[AdminUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[AdminUnit]] = relationship(back_populates="parent")
    legacy_codes: Mapped[list[LegacyUnitCode]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )

    def chain(self) -> list[AdminUnit]:
        """This unit and its ancestors, deepest first."""
        units, unit = [], self
        while unit is not None:
            units.append(unit)
            unit = unit.parent
        return units


class LegacyUnitCode(db.Model):
    """An old code (pre-merger unit) that now maps to ``unit``: e.g. Hậu Giang 93 -> Cần Thơ 92."""

    __tablename__ = "legacy_unit_codes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(500))

    unit: Mapped[AdminUnit] = relationship(back_populates="legacy_codes")
