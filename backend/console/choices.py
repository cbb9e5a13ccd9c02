"""What the console's filters offer a staff member: the handling units and categories of
their reach (a province's staff: their province's; national staff: every province's)."""

from __future__ import annotations

from sqlalchemy import select

from backend.db import db
from backend.models import Category, Department, DepartmentKind, StaffUser
from backend.services import policy


def handling_units(staff: StaffUser) -> list[Department]:
    """The active handling units (not the coordinators') in the staff member's scope."""
    return list(
        db.session.scalars(
            select(Department)
            .where(Department.active.is_(True), Department.kind != DepartmentKind.COORDINATOR)
            .where(policy.in_scope_sql(staff, Department.province_id))
            .order_by(Department.name)
        )
    )


def categories(staff: StaffUser) -> list[Category]:
    """The open categories: the national list and the staff member's province's own."""
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.active.is_(True))
            .where(
                Category.province_id.is_(None) | policy.in_scope_sql(staff, Category.province_id)
            )
            .order_by(Category.position)
        )
    )
