"""Routing rules: category x administrative unit -> handling unit.

A rule with no category matches every category (the place's default unit); a
rule with no unit matches everywhere. See :mod:`backend.domain.routing`.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import db
from backend.models.admin_unit import AdminUnit
from backend.models.category import Category
from backend.models.department import Department


class RoutingRule(db.Model):
    __tablename__ = "routing_rules"
    __table_args__ = (UniqueConstraint("category_id", "admin_unit_id", name="uq_routing_rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))

    category: Mapped[Category | None] = relationship()
    admin_unit: Mapped[AdminUnit | None] = relationship()
    department: Mapped[Department] = relationship()
