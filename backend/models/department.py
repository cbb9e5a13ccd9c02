"""Handling units (đơn vị xử lý) and the coordinator."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import db
from backend.models.admin_unit import AdminUnit
from backend.models.checks import one_of


class DepartmentKind(StrEnum):
    PROVINCIAL_DEPARTMENT = "provincial_department"  # sở
    PEOPLES_COMMITTEE = "peoples_committee"  # UBND xã/phường
    UTILITY = "utility"  # water, power, lighting, environment
    POLICE = "police"
    COORDINATOR = "coordinator"  # IOC / Văn phòng UBND


department_areas = Table(
    "department_areas",
    db.metadata,
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    Column("admin_unit_id", ForeignKey("admin_units.id", ondelete="CASCADE"), primary_key=True),
)


class Department(db.Model):
    __tablename__ = "departments"
    __table_args__ = (one_of("kind", DepartmentKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(default=True)
    #: The province (depth-0 admin unit) the unit belongs to.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)

    supervisor: Mapped[Department | None] = relationship(remote_side=[id])
    areas: Mapped[list[AdminUnit]] = relationship(secondary=department_areas)
    province: Mapped[AdminUnit | None] = relationship(foreign_keys=[province_id])

    @property
    def is_coordinator(self) -> bool:
        return self.kind == DepartmentKind.COORDINATOR
