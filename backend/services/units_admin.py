"""Administrators manage the handling units (đơn vị xử lý): create, rename, deactivate,
set the supervising unit and the areas each serves.

*Areas served* are the unit's declared jurisdiction: the administrative units of
``Department.areas`` (table ``department_areas``). They describe the unit (the console
and the staff API show them, a ward's People's Committee serves its ward); they do not
route anything. Which unit *gets* a report is decided by the routing rules alone
(``backend.domain.routing``, managed on the routing rules page): a rule with no category
at a place is that place's default unit, listed here as ``default_for``, read only.

A deactivated unit gets no new reports (routing ignores its rules), cannot be given to a
new staff member, and keeps its reports and history. The coordinator's unit, and a unit
still supervising an active unit, are not deactivated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from backend.db import db
from backend.domain.roles import Role
from backend.domain.text import N_, fold, nfc
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.models import AdminUnit, Department, RoutingRule, StaffUser
from backend.models.department import DepartmentKind
from backend.services import policy, provinces
from backend.services.text_input import free_text


class UnitNotFound(NotFound):
    code = "unit_not_found"
    message = N_("No handling unit with this code.")


class UnitCodeTaken(Conflict):
    code = "unit_code_taken"
    message = N_("A handling unit already has this code.")


class UnknownSupervisor(ValidationFailed):
    code = "unknown_supervisor"
    message = N_("No active handling unit with this code to supervise it.")


class SupervisorLoop(ValidationFailed):
    code = "supervisor_loop"
    message = N_("A unit cannot supervise itself, directly or through the units it supervises.")


class UnknownArea(ValidationFailed):
    code = "unknown_area"
    message = N_("No administrative unit with the code %(code)s.")


class UnitStillNeeded(Conflict):
    code = "unit_still_needed"
    message = N_(
        "This unit cannot be deactivated: it is the coordinator's unit, or it supervises "
        "an active unit."
    )


class StaleForm(Conflict):
    code = "concurrent_update"
    message = N_(
        "Someone else changed this while you were editing it. Nothing was changed; the "
        "page shows it as it is now."
    )


def _require_admin(actor: StaffUser) -> None:
    if actor.role != Role.ADMIN or not actor.active:
        raise Forbidden()


def state_tag(*values: object) -> str:
    """A short fingerprint of what an edit form was built from: a form sent back with
    another one was made from an older state (someone changed it meanwhile)."""
    text = "\x1f".join("" if v is None else str(v) for v in values)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def unit_tag(unit: Department) -> str:
    return state_tag(
        unit.name,
        unit.kind,
        unit.active,
        unit.supervisor_id,
        ",".join(sorted(a.code for a in unit.areas)),
    )


def check_tag(expected: str | None, current: str) -> None:
    """Refuse a form made from another state than ``current`` (None: no check asked)."""
    if expected is not None and expected != current:
        raise StaleForm()


def get_unit(code: str, actor: StaffUser | None = None) -> Department:
    """A unit by code; with ``actor``, only one of the actor's province scope."""
    unit = db.session.scalar(
        select(Department)
        .where(Department.code == code)
        .options(selectinload(Department.areas), selectinload(Department.supervisor))
    )
    if unit is None or (actor is not None and not policy.in_province(actor, unit.province_id)):
        raise UnitNotFound()
    return unit


def list_units(actor: StaffUser, q: str | None = None, active: bool | None = None):
    """Every handling unit by code, with its areas; ``q`` searches code and name without
    accents."""
    _require_admin(actor)
    query = select(Department).options(
        selectinload(Department.areas),
        selectinload(Department.supervisor),
        selectinload(Department.province),
    )
    query = query.where(policy.in_scope_sql(actor, Department.province_id))
    if active is not None:
        query = query.where(Department.active.is_(active))
    units = list(db.session.scalars(query.order_by(Department.code)))
    if q:
        needle = fold(q)
        units = [u for u in units if needle in fold(u.code) or needle in fold(u.name)]
    return units


def staff_counts(units: Iterable[Department]) -> dict[int, int]:
    """Active staff members per unit id."""
    ids = [u.id for u in units]
    if not ids:
        return {}
    rows = db.session.execute(
        select(StaffUser.department_id, func.count())
        .where(StaffUser.department_id.in_(ids), StaffUser.active.is_(True))
        .group_by(StaffUser.department_id)
    )
    return dict(rows.all())


def default_for(units: Iterable[Department]) -> dict[int, list[AdminUnit]]:
    """The places whose default unit (a routing rule with no category) each unit is."""
    ids = [u.id for u in units]
    found: dict[int, list[AdminUnit]] = {}
    if not ids:
        return found
    rows = db.session.execute(
        select(RoutingRule.department_id, AdminUnit)
        .join(AdminUnit, AdminUnit.id == RoutingRule.admin_unit_id)
        .where(RoutingRule.category_id.is_(None), RoutingRule.department_id.in_(ids))
        .order_by(AdminUnit.code)
    )
    for department_id, place in rows.all():
        found.setdefault(department_id, []).append(place)
    return found


def _supervisor(
    code: str | None, unit: Department | None, province_id: int | None
) -> Department | None:
    if code is None:
        return None
    supervisor = db.session.scalar(select(Department).where(Department.code == code))
    if supervisor is None or not supervisor.active or supervisor.province_id != province_id:
        raise UnknownSupervisor(fields={"supervisor": ["Unknown unit."]})
    if unit is not None:
        seen, above = set(), supervisor
        while above is not None and above.id not in seen:
            if above.id == unit.id:
                raise SupervisorLoop(fields={"supervisor": ["Loop."]})
            seen.add(above.id)
            above = above.supervisor
    return supervisor


def _areas(codes: Iterable[str], province_id: int | None) -> list[AdminUnit]:
    """The areas named, every one inside the unit's province (another province's area is
    unknown here: a unit never serves across a provincial boundary)."""
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        return []
    found = {
        a.code: a for a in db.session.scalars(select(AdminUnit).where(AdminUnit.code.in_(wanted)))
    }
    for code in wanted:
        area = found.get(code)
        if area is None or (province_id is not None and provinces.root_of(area).id != province_id):
            raise UnknownArea(params={"code": code}, fields={"areas": [f"Unknown: {code}"]})
    return [found[c] for c in wanted]


def _new_unit_province(actor: StaffUser, data: Mapping) -> int | None:
    """A new unit's province: the administrator's own; for a national administrator the
    one named, else that of its first area, else the only hosted province."""
    ref, own = data.get("province"), policy.province_scope(actor)
    if ref:
        found = provinces.by_slug(ref) or provinces.by_code(ref)
        if found is None or not found.hosted:
            raise ValidationFailed(
                N_("Unknown province."),
                code="unknown_province",
                fields={"province": ["Unknown province."]},
            )
        if not policy.in_province(actor, found.id):
            raise Forbidden()
        return found.id
    if own is not None:
        return own
    first = next((c for c in data.get("areas") or () if c and c.strip()), None)
    area = db.session.scalar(select(AdminUnit).where(AdminUnit.code == first)) if first else None
    if area is not None:
        return provinces.root_of(area).id
    served = provinces.hosted()
    if len(served) == 1:
        return served[0].id
    raise ValidationFailed(
        N_("Name the province of the unit."),
        code="province_required",
        fields={"province": ["Required."]},
    )


def area_choices(actor: StaffUser | None = None) -> list[AdminUnit]:
    """Administrative units a handling unit may serve, shallowest first: those of the
    hosted provinces (of the actor's, for a province's administrator)."""
    rows = list(db.session.scalars(select(AdminUnit).order_by(AdminUnit.depth, AdminUnit.code)))
    by_id = {u.id: u for u in rows}

    def root(unit: AdminUnit) -> AdminUnit:
        seen = set()
        while unit.parent_id is not None and unit.parent_id in by_id and unit.id not in seen:
            seen.add(unit.id)
            unit = by_id[unit.parent_id]
        return unit

    return [
        u
        for u in rows
        if root(u).hosted and (actor is None or policy.in_province(actor, root(u).id))
    ]


def create_unit(actor: StaffUser, data: Mapping, now: datetime) -> Department:
    """A new active unit: ``code``, ``name``, ``kind``, ``supervisor`` (a code or None)
    and ``areas`` (administrative unit codes)."""
    _require_admin(actor)
    code = nfc(data["code"]).strip()
    if db.session.scalar(select(Department.id).where(Department.code == code)):
        raise UnitCodeTaken(fields={"code": ["Taken."]})
    province_id = _new_unit_province(actor, data)
    unit = Department(
        code=code,
        name=_name(data["name"]),
        kind=DepartmentKind(data["kind"]),
        supervisor=_supervisor(data.get("supervisor"), None, province_id),
        areas=_areas(data.get("areas") or (), province_id),
        province_id=province_id,
        active=True,
    )
    db.session.add(unit)
    db.session.flush()
    return unit


def update_unit(
    actor: StaffUser, code: str, changes: Mapping, now: datetime, *, tag: str | None = None
) -> Department:
    """Change ``name``, ``kind``, ``supervisor`` (a code, or None), ``areas`` (the whole
    list) and ``active``. ``tag`` (from :func:`unit_tag`) refuses a stale edit form."""
    _require_admin(actor)
    unit = get_unit(code, actor)
    check_tag(tag, unit_tag(unit))
    if "name" in changes:
        unit.name = _name(changes["name"])
    if "kind" in changes and DepartmentKind(changes["kind"]) != unit.kind:
        if unit.kind == DepartmentKind.COORDINATOR:
            _check_another_coordinator(unit)  # the last coordinator unit stays one
        unit.kind = DepartmentKind(changes["kind"])
    if "supervisor" in changes:
        unit.supervisor = _supervisor(changes["supervisor"], unit, unit.province_id)
    if "areas" in changes:
        unit.areas = _areas(changes["areas"] or (), unit.province_id)
    if "active" in changes and changes["active"] != unit.active:
        if not changes["active"]:
            _check_may_deactivate(unit)
        unit.active = changes["active"]
    db.session.flush()
    return unit


def _name(raw: str) -> str:
    """A unit's name: visible characters, not only spaces or invisible ones."""
    name = free_text(raw, "name", required=True, max_length=200)
    if not any(ch.isalnum() for ch in name):  # spaces, zero-width or punctuation only
        raise ValidationFailed(fields={"name": ["Must not be empty."]})
    return name


def _check_another_coordinator(unit: Department) -> None:
    """Another active coordinator unit exists (their rows locked until the commit, so two
    admins changing the last two at once are counted one after the other)."""
    coordinators = db.session.scalars(
        select(Department.id)
        .where(
            Department.kind == DepartmentKind.COORDINATOR,
            Department.active.is_(True),
            Department.province_id.is_(unit.province_id)
            if unit.province_id is None
            else Department.province_id == unit.province_id,
        )
        .order_by(Department.id)
        .with_for_update()
    ).all()
    if not [other for other in coordinators if other != unit.id]:
        raise UnitStillNeeded()


def _check_may_deactivate(unit: Department) -> None:
    if unit.kind == DepartmentKind.COORDINATOR:
        _check_another_coordinator(unit)
    supervised = db.session.scalar(
        select(func.count())
        .select_from(Department)
        .where(Department.supervisor_id == unit.id, Department.active.is_(True))
    )
    if supervised:
        raise UnitStillNeeded()
