"""The figures of the cases: one scope, month by month, units ranked, places compared.

The figures are computed from the cases (:mod:`.cases`) by the pure
:func:`backend.domain.scoring.figures`; every grouping counts the same cases by
another key.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

from sqlalchemy import select

from backend.db import db
from backend.domain.channels import Channel
from backend.domain.ranking import ranked
from backend.domain.text import N_
from backend.errors import NotFound
from backend.models import AdminUnit, Department, DepartmentKind, StaffUser
from backend.services import policy
from backend.services.queries import id_of, unit_and_descendants
from backend.services.statistics.cases import province_of
from backend.services.statistics.period import Period, Scope
from backend.services.statistics.tally import (
    CHANNEL,
    DEPARTMENT,
    PROVINCE,
    figures_by,
    month_key,
    place_key,
)


def summary(scope: Scope, period: Period, now: datetime) -> dict:
    """The figures of one scope over one period."""
    return _summary(scope, period, figures_by(scope, period, now)[()])


def _summary(scope: Scope, period: Period, found: dict) -> dict:
    return {
        "scope": {
            "department": scope.department,
            "admin_unit": scope.admin_unit,
            "province": _province_name(scope.province),
        },
        "period": period.as_dict(),
        "figures": found,
    }


def by_province(period: Period, now: datetime, province_ids: list[int]) -> dict[int, dict]:
    """The figures of each of these provinces' reports, by id: the country's cases counted
    once, by province (each what ``summary(Scope(province=id))`` gives)."""
    grouped = figures_by(Scope(), period, now, PROVINCE)
    return {province_id: grouped[(province_id,)] for province_id in province_ids}


def monthly(scope: Scope, period: Period, now: datetime) -> list[dict]:
    """The figures month by month (cases by the month the unit received them)."""
    return _by_month(scope, period, now)


def _by_month(scope: Scope, period: Period, now: datetime) -> list[dict]:
    by_month = figures_by(scope, period, now, month_key(period))
    return [
        {
            "month": start.strftime("%Y-%m"),
            "period": Period(start, end).as_dict(),
            "figures": by_month[(start.strftime("%Y-%m"),)],
        }
        for start, end in period.months()
    ]


def _province_name(province: str | int | None) -> str | None:
    """The scope's province as the answers name it: its slug (or code)."""
    if province is None:
        return None
    found = province_of(province)
    return found.slug or found.code


def handling_units(province: str | int | None = None) -> list[Department]:
    """The units that are scored: every active unit but the coordinators' offices (of one
    province when given: its slug, code or id)."""
    stmt = select(Department).where(
        Department.active.is_(True), Department.kind != DepartmentKind.COORDINATOR
    )
    if province is not None:
        stmt = stmt.where(Department.province_id == province_of(province).id)
    return list(db.session.scalars(stmt.order_by(Department.name)))


def scoreboard(
    period: Period,
    now: datetime,
    *,
    admin_unit: str | None = None,
    province: str | int | None = None,
) -> list[dict]:
    """Handling units ranked by their points (timeliness + satisfaction), best first; of
    one province (slug, code or id) when given: its units, its reports.

    Units with no case in the period come last, unranked.
    """
    return _ranked(Scope(admin_unit=admin_unit, province=province), period, now)


def _ranked(scope: Scope, period: Period, now: datetime) -> list[dict]:
    by_unit = figures_by(scope, period, now, DEPARTMENT)
    entries = [
        {
            "department": {"code": unit.code, "name": unit.name, "kind": unit.kind},
            "figures": by_unit[(unit.id,)],
        }
        for unit in handling_units(scope.province)
    ]
    return ranked(entries)  # competition ranking, as the provinces' (1, 1, 3)


def by_admin_unit(
    period: Period, now: datetime, *, parent: str | None = None, department: str | None = None
) -> list[dict]:
    """The figures per administrative unit directly under ``parent`` (default: the top units).

    A case counts for the child unit that contains the report's location.
    """
    return _by_place(Scope(department=department, admin_unit=parent), period, now, parent)


def _by_place(scope: Scope, period: Period, now: datetime, parent: str | None) -> list[dict]:
    """The figures per child of ``parent`` (the top units when None): a case counts for
    the child that contains the report's location."""
    units = _children(parent)
    parents = dict(db.session.execute(select(AdminUnit.id, AdminUnit.parent_id)).all())
    children = {unit.id for unit in units}

    def child_of(unit_id: int | None) -> int | None:
        while unit_id is not None and unit_id not in children:
            unit_id = parents.get(unit_id)
        return unit_id

    mapping: dict[int, Hashable] = {}
    for unit_id in parents:
        child = child_of(unit_id)
        if child is not None:
            mapping[unit_id] = child
    by_child = figures_by(scope, period, now, place_key(mapping))
    return [
        {
            "admin_unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
            "figures": by_child[(unit.id,)],
        }
        for unit in units
    ]


def _children(parent: str | None) -> list[AdminUnit]:
    if parent is None:
        stmt = select(AdminUnit).where(AdminUnit.parent_id.is_(None))
    else:
        # By current or legacy code; unknown codes are refused the same way everywhere.
        stmt = select(AdminUnit).where(AdminUnit.parent_id == unit_and_descendants(parent)[0])
    return list(db.session.scalars(stmt.order_by(AdminUnit.name)))


def staff_desk(
    staff: StaffUser, period: Period, now: datetime, *, department: str | None = None
) -> list[dict]:
    """Each unit's figures for the staff desk, by unit code; a unit's own staff see only theirs."""
    wanted = policy.stats_units(staff)  # a unit's own staff read only their unit's figures
    if wanted is None and department:
        id_of(Department, department, "department")  # unknown codes: 422 unknown_department
        wanted = {department}
    entries = [
        {
            "department": {"code": e["department"]["code"], "name": e["department"]["name"]},
            **period.as_dict(),
            **e["figures"],
        }
        # A province's staff read their province's units only (national staff: all).
        for e in scoreboard(period, now, province=policy.province_scope(staff))
        if wanted is None or e["department"]["code"] in wanted
    ]
    return sorted(entries, key=lambda e: e["department"]["code"])


class DepartmentNotFound(NotFound):
    code = "department_not_found"
    message = N_("No such handling unit.")


def handling_unit(code: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None or not department.active or department.is_coordinator:
        raise DepartmentNotFound()
    return department


def department_page(code: str, period: Period, now: datetime) -> dict:
    """A unit's figures over the period and month by month (its public page)."""
    department = handling_unit(code)
    scope = Scope(department=department.code)
    return {
        "department": department,
        **summary(scope, period, now),
        "by_month": _by_month(scope, period, now),
    }


def report(scope: Scope, period: Period, now: datetime, *, group: str | None = None) -> dict:
    """The figures of a scope, optionally with the same figures by month, unit, place or
    channel.

    The groups are the same cases counted by another key.
    """
    result = summary(scope, period, now)
    if group == "month":
        result["by_month"] = _by_month(scope, period, now)
    elif group == "department":
        result["by_department"] = [
            e
            for e in _ranked(scope, period, now)
            if scope.department is None or e["department"]["code"] == scope.department
        ]
    elif group == "admin_unit":
        parent = scope.admin_unit
        if parent is None and scope.province is not None:
            parent = province_of(scope.province).code  # the province's wards
        result["by_admin_unit"] = _by_place(scope, period, now, parent)
    elif group == "channel":
        result["by_channel"] = by_channel(scope, period, now)
    return result


def by_channel(scope: Scope, period: Period, now: datetime) -> list[dict]:
    """The same cases by the channel their report came in by, every channel listed (the
    figures of all of them add up to the scope's)."""
    groups = figures_by(scope, period, now, CHANNEL)
    return [{"channel": c.value, "figures": groups[(c.value,)]} for c in Channel]
