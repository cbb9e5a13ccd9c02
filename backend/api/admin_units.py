"""Handling units under ``/staff/v1/admin/units`` (administrators only): list, create,
rename, deactivate, set the supervising unit and the areas served
(``backend.services.units_admin``)."""

from __future__ import annotations

from backend.api.blueprint import Blueprint
from backend.auth import current_staff, staff_required
from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.schemas.admin_units import (
    UnitCreateSchema,
    UnitListArgsSchema,
    UnitUpdateSchema,
    UnitViewSchema,
)
from backend.services import units_admin

blp = Blueprint(
    "admin_units",
    __name__,
    url_prefix="/staff/v1/admin",
    description="Handling units: administrators create, rename, deactivate and arrange them.",
)
SECURITY = [{"staffToken": []}]


@blp.get("/units")
@staff_required(Role.ADMIN)
@blp.arguments(UnitListArgsSchema, location="query")
@blp.response(200, UnitViewSchema(many=True))
@blp.errors(403, 422)
@blp.doc(security=SECURITY)
def list_units(args):
    """Every handling unit by code; filter by ``q`` (code or name, accents ignored) and
    ``active``. ``areas`` is each unit's jurisdiction; which unit gets a report is
    decided by the routing rules."""
    return units_admin.list_units(current_staff(), **args)


@blp.post("/units")
@staff_required(Role.ADMIN)
@blp.arguments(UnitCreateSchema)
@blp.response(201, UnitViewSchema)
@blp.errors(403, 409, 422)
@blp.doc(security=SECURITY)
def create_unit(args):
    """A new active unit. A taken code is 409 ``unit_code_taken``; an unknown supervising
    unit 422 ``unknown_supervisor``, an unknown area 422 ``unknown_area``."""
    unit = units_admin.create_unit(current_staff(), args, utcnow())
    commit()
    return unit


@blp.patch("/units/<string:code>")
@staff_required(Role.ADMIN)
@blp.arguments(UnitUpdateSchema)
@blp.response(200, UnitViewSchema)
@blp.errors(403, 404, 409, 422)
@blp.doc(security=SECURITY)
def update_unit(args, code):
    """Rename, change the kind, the supervising unit (null: none), the areas served (the
    whole list) or ``active``. A deactivated unit gets no new reports and keeps its
    history; the coordinator's unit and a unit that supervises an active unit stay
    active (409 ``unit_still_needed``); a supervising loop is 422 ``supervisor_loop``."""
    unit = units_admin.update_unit(current_staff(), code, args, utcnow())
    commit()
    return unit
