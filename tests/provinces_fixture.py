"""Two hosted provinces for the public side's tests: the demo's TP Cần Thơ (A) and a
second province (B, Vĩnh Long) with a handling unit, and a way to file a report in B.

Whatever the demo seed already has is used (TP Cần Thơ hosted as ``can-tho``; Vĩnh Long
86 when the seed hosts it); anything missing is added inside the test's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from backend.db import db
from backend.models import AdminUnit, Department, Report, ReportClock
from backend.models.admin_unit import UnitKind
from backend.models.department import DepartmentKind


@dataclass(frozen=True)
class UnitRef:
    """What the tests read of a unit (plain values: the session may be gone)."""

    id: int
    code: str
    name: str


@dataclass
class Provinces:
    a: UnitRef
    b: UnitRef
    b_unit: UnitRef

    def in_a(self, codes: list[str]) -> None:
        """Reports the demo's intake filed without a province (before routing set it) are
        A's; a no-op once intake sets ``province_id``."""
        db.session.execute(
            update(Report)
            .where(Report.code.in_(codes), Report.province_id.is_(None))
            .values(province_id=self.a.id)
        )
        db.session.commit()

    def move_to_b(self, code: str) -> None:
        """File an existing report (and its clocks) in province B, handled by B's unit."""
        report = db.session.scalar(select(Report).where(Report.code == code))
        db.session.execute(
            update(Report)
            .where(Report.id == report.id)
            .values(province_id=self.b.id, department_id=self.b_unit.id, admin_unit_id=self.b.id)
        )
        db.session.execute(
            update(ReportClock)
            .where(ReportClock.report_id == report.id)
            .values(department_id=self.b_unit.id)
        )
        db.session.commit()
        db.session.expire_all()


def _hosted(unit: AdminUnit, slug: str) -> AdminUnit:
    unit.hosted = True
    unit.slug = unit.slug or slug
    return unit


def two_provinces() -> Provinces:
    a = _hosted(db.session.scalar(select(AdminUnit).where(AdminUnit.code == "92")), "can-tho")
    b = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "86"))
    if b is None:
        b = AdminUnit(code="86", name="Tỉnh Vĩnh Long", kind=UnitKind.PROVINCE, depth=0)
        db.session.add(b)
    _hosted(b, "vinh-long")
    db.session.flush()
    b_unit = db.session.scalar(
        select(Department).where(
            Department.province_id == b.id,
            Department.kind != DepartmentKind.COORDINATOR,
            Department.active.is_(True),
        )
    )
    if b_unit is None:
        b_unit = Department(
            code="vl-so-xd",
            name="Sở Xây dựng Vĩnh Long",
            kind=DepartmentKind.PROVINCIAL_DEPARTMENT,
            province_id=b.id,
        )
        db.session.add(b_unit)
    # Every other unit without a province is the demo's: TP Cần Thơ's.
    db.session.execute(
        update(Department).where(Department.province_id.is_(None)).values(province_id=a.id)
    )
    db.session.commit()
    return Provinces(a=_ref(a), b=_ref(b), b_unit=_ref(b_unit))


def _ref(unit) -> UnitRef:
    return UnitRef(id=unit.id, code=unit.code, name=unit.name)
