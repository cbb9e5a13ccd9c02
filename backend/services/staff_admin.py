"""Administrators manage staff accounts: create, change role, unit or name, deactivate,
reset a password, list.

Department roles belong to one handling unit; the other roles to none. An account belongs
to its unit's province (or, without a unit, to the administrator's province; a national
administrator may name one, or none: national staff). An administrator of a province sees
and changes only its accounts and units (another province's account is not found). At
least one active administrator always remains (in each province, and nationally). A change
of role, unit or active state, and every new password, end the account's sessions and API
tokens (``accounts.revoke_access``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from backend.db import db
from backend.domain.roles import DEPARTMENT_ROLES, Role
from backend.domain.text import N_, nfc
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.models import Department, StaffUser
from backend.services import accounts, audit, policy, provinces


class StaffNotFound(NotFound):
    code = "staff_not_found"
    message = N_("No staff account with this username.")


class UsernameTaken(Conflict):
    code = "username_taken"
    message = N_("This username is already taken.")


class UnitRequired(ValidationFailed):
    code = "unit_required"
    message = N_("Department staff need a handling unit.")


class UnitNotAllowed(ValidationFailed):
    code = "unit_not_allowed"
    message = N_("Only department staff belong to a handling unit.")


class UnknownUnit(ValidationFailed):
    code = "unknown_unit"
    message = N_("No active handling unit with this code.")


class UnknownProvince(ValidationFailed):
    code = "unknown_province"
    message = N_("Unknown province.")


class LastAdmin(Conflict):
    code = "last_admin"
    message = N_("At least one active administrator must remain.")


def _require_admin(actor: StaffUser) -> None:
    if actor.role != Role.ADMIN or not actor.active:
        raise Forbidden()


def get_staff(username: str, actor: StaffUser | None = None) -> StaffUser:
    """An account by username; with ``actor``, only one in the actor's province scope."""
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if staff is None or (actor is not None and not policy.in_province(actor, staff.province_id)):
        raise StaffNotFound()
    return staff


def _unit(code: str | None, actor: StaffUser) -> Department | None:
    if code is None:
        return None
    unit = db.session.scalar(select(Department).where(Department.code == code))
    if unit is None or not unit.active or not policy.in_province(actor, unit.province_id):
        raise UnknownUnit(fields={"unit": ["Unknown unit."]})
    return unit


def _province(actor: StaffUser, unit: Department | None, ref: str | None) -> int | None:
    """The province of a new account: its unit's; else the one named (national
    administrators only), else the administrator's own (None: national)."""
    if unit is not None:
        return unit.province_id
    if ref is None:
        return policy.province_scope(actor)
    found = provinces.by_slug(ref) or provinces.by_code(ref)
    if found is None or not found.hosted:
        raise UnknownProvince(fields={"province": ["Unknown province."]})
    if not policy.in_province(actor, found.id):
        raise Forbidden()
    return found.id


def _check_unit(role: str, unit: Department | None) -> None:
    if role in DEPARTMENT_ROLES and unit is None:
        raise UnitRequired(fields={"unit": ["Required for this role."]})
    if role not in DEPARTMENT_ROLES and unit is not None:
        raise UnitNotAllowed(fields={"unit": ["Not allowed for this role."]})


def _other_active_admins(staff: StaffUser) -> int:
    """The other active administrators, their rows locked until the commit: two admins
    deactivating each other at the same moment are counted one after the other (the
    second sees the first's change) instead of both passing the last-admin rule. Counted
    per province (and nationally): every province keeps an administrator of its own."""
    same_province = (
        StaffUser.province_id.is_(None)
        if staff.province_id is None
        else StaffUser.province_id == staff.province_id
    )
    admins = db.session.scalars(
        select(StaffUser.id)
        .where(StaffUser.role == Role.ADMIN, StaffUser.active, same_province)
        .order_by(StaffUser.id)  # always locked in the same order: no deadlock
        .with_for_update()
    ).all()
    return len([admin for admin in admins if admin != staff.id])


def create_staff(actor: StaffUser, data: Mapping, now: datetime) -> StaffUser:
    """A new account: ``username``, ``full_name``, ``role``, ``unit`` (a unit code, for
    department roles) and its initial ``password``."""
    _require_admin(actor)
    username = nfc(data["username"]).strip()
    if db.session.scalar(select(StaffUser.id).where(StaffUser.username == username)):
        raise UsernameTaken(fields={"username": ["Taken."]})
    role = Role(data["role"])
    unit = _unit(data.get("unit"), actor)
    _check_unit(role, unit)
    province_id = _province(actor, unit, data.get("province"))
    accounts.check_password_strength(data["password"], username)
    staff = StaffUser(
        username=username,
        full_name=nfc(data.get("full_name") or "").strip(),
        role=role,
        department=unit,
        province_id=province_id,
        active=True,
        created_at=now,
    )
    staff.set_password(data["password"], accounts.hash_method())
    db.session.add(staff)
    db.session.flush()
    detail = {"role": role.value, "unit": unit.code if unit else None}
    audit.record(actor, audit.AuditAction.STAFF_CREATED, now, target=staff, detail=detail)
    return staff


def update_staff(actor: StaffUser, username: str, changes: Mapping, now: datetime) -> StaffUser:
    """Change ``full_name``, ``role``, ``unit`` (a code, or None) and ``active``. A new
    role, unit or active state ends the account's sessions and tokens."""
    _require_admin(actor)
    staff = get_staff(username, actor)
    role = Role(changes.get("role", staff.role))
    if "unit" in changes:
        unit = _unit(changes["unit"], actor)
    elif role not in DEPARTMENT_ROLES:
        unit = None  # a department officer made coordinator leaves the unit
    else:
        unit = staff.department
    _check_unit(role, unit)
    active = changes.get("active", staff.active)
    was_admin = staff.role == Role.ADMIN and staff.active
    if was_admin and (role != Role.ADMIN or not active) and not _other_active_admins(staff):
        raise LastAdmin()
    revoke = role != staff.role or unit is not staff.department or active != staff.active
    full_name = staff.full_name
    if "full_name" in changes:
        full_name = nfc(changes["full_name"] or "").strip()
    changed = [
        name
        for name, moved in (
            ("full_name", full_name != staff.full_name),
            ("role", role != staff.role),
            ("unit", unit is not staff.department),
            ("active", active != staff.active),
        )
        if moved
    ]
    staff.full_name = full_name
    staff.role, staff.department, staff.active = role, unit, active
    if unit is not None:
        staff.province_id = unit.province_id  # an account works where its unit is
    if revoke:
        accounts.revoke_access(staff, now)
    if changed:
        audit.record(
            actor, audit.AuditAction.STAFF_CHANGED, now, target=staff, detail={"fields": changed}
        )
    db.session.flush()
    return staff


def reset_password(actor: StaffUser, username: str, password: str, now: datetime) -> StaffUser:
    """An administrator sets someone's password (checked for strength); their sessions
    and tokens end."""
    _require_admin(actor)
    staff = get_staff(username, actor)
    accounts.set_staff_password(staff, password, now)
    audit.record(actor, audit.AuditAction.PASSWORD_RESET, now, target=staff)
    return staff


def list_staff(
    actor: StaffUser,
    unit: str | None = None,
    role: str | None = None,
    active: bool | None = None,
) -> list[StaffUser]:
    """Every account, by username; filtered by unit code, role and active state."""
    _require_admin(actor)
    query = (
        select(StaffUser)
        .options(selectinload(StaffUser.department), selectinload(StaffUser.province))
        .where(policy.in_scope_sql(actor, StaffUser.province_id))
    )
    if unit is not None:
        query = query.join(StaffUser.department).where(Department.code == unit)
    if role is not None:
        query = query.where(StaffUser.role == role)
    if active is not None:
        query = query.where(StaffUser.active.is_(active))
    return list(db.session.scalars(query.order_by(StaffUser.username)))
