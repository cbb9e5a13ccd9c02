"""Two hosted provinces for the per-province tests: the demo's TP Cần Thơ and Vĩnh Long.

Vĩnh Long is the demo's second province when the seed has it; otherwise the tests make
it (a hosted top-level unit with one handling unit). A Cần Thơ report is moved into it
(its province and its current unit) where a test needs a report filed there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from backend.db import commit, db
from backend.domain.roles import Role
from backend.models import AdminUnit, Department, Report, StaffUser
from backend.models.admin_unit import UnitKind
from backend.models.department import DepartmentKind


@dataclass
class Provinces:
    can_tho: AdminUnit
    vinh_long: AdminUnit
    vl_unit: Department


def _hosted(code: str, name: str, slug: str) -> AdminUnit:
    unit = db.session.scalar(select(AdminUnit).where(AdminUnit.slug == slug)) or db.session.scalar(
        select(AdminUnit).where(AdminUnit.code == code, AdminUnit.parent_id.is_(None))
    )
    if unit is None:
        unit = AdminUnit(code=code, name=name, kind=UnitKind.PROVINCE, depth=0)
        db.session.add(unit)
    unit.hosted, unit.slug = True, unit.slug or slug
    return unit


def two_provinces() -> Provinces:
    can_tho = _hosted("92", "TP Cần Thơ", "can-tho")
    vinh_long = _hosted("86", "Tỉnh Vĩnh Long", "vinh-long")
    db.session.flush()
    unit = db.session.scalar(select(Department).where(Department.code == "vl-test-so-xd"))
    if unit is None:
        unit = Department(
            code="vl-test-so-xd",
            name="Sở Xây dựng tỉnh Vĩnh Long (test)",
            kind=DepartmentKind.PROVINCIAL_DEPARTMENT,
            province_id=vinh_long.id,
        )
        db.session.add(unit)
    for department in db.session.scalars(
        select(Department).where(Department.province_id.is_(None))
    ):
        department.province_id = can_tho.id  # the demo's units, before the seed knew
    commit()
    return Provinces(can_tho, vinh_long, unit)


def move_to(report: Report, province: AdminUnit, unit: Department | None = None) -> Report:
    """The report as if filed in ``province`` (and handled there by ``unit``)."""
    report.province_id = province.id
    if unit is not None:
        report.department_id = unit.id
        for clock in report.clocks:
            clock.department_id = unit.id
    commit()
    return report


def staff(username: str, role: str = Role.ADMIN, province: AdminUnit | None = None) -> StaffUser:
    """A staff account of ``province`` (None: national), password ``demo``, committed."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        user = StaffUser(username=username, full_name=username, role=role)
        user.set_password("demo", "argon2-fast")
        db.session.add(user)
    user.role, user.province_id = role, province.id if province is not None else None
    commit()
    return user
