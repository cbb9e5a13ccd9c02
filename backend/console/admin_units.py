"""Handling units in the administrators' console (``/console/admin/units``): the list with
a search, a new unit, and each unit's page (rename, kind, supervising unit, areas served,
deactivate). Every change is one ``backend.services.units_admin`` call, as the staff API's
``/staff/v1/admin/units``; an edit form carries the unit's state tag, so a change made
meanwhile by someone else is not overwritten.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from backend.console.admin_forms import read, refused
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.errors import DomainError
from backend.models.department import DepartmentKind
from backend.schemas.admin_units import UnitCreateSchema, UnitUpdateSchema
from backend.services import units_admin

KIND_LABELS = {
    DepartmentKind.PROVINCIAL_DEPARTMENT: _l("Provincial department"),
    DepartmentKind.PEOPLES_COMMITTEE: _l("People's Committee of a commune or ward"),
    DepartmentKind.UTILITY: _l("Public utility"),
    DepartmentKind.POLICE: _l("Police"),
    DepartmentKind.COORDINATOR: _l("Coordinator (operations centre)"),
}
LABELS = {
    "code": _l("Code"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "supervisor": _l("Supervising unit"),
    "areas": _l("Areas served"),
    "active": _l("Active"),
}


def _context(**extra) -> dict:
    units = units_admin.list_units(g.staff)
    return {
        "kinds": KIND_LABELS,
        "all_units": [u for u in units if u.active],
        "area_choices": units_admin.area_choices(g.staff),
        **extra,
    }


def _list_page(values=None):
    q = (request.args.get("q") or "").strip()[:100] or None
    units = units_admin.list_units(g.staff, q=q)
    return _context(
        units=units,
        q=q or "",
        staff_counts=units_admin.staff_counts(units),
        default_for=units_admin.default_for(units),
        values=values,
    )


@bp.get("/admin/units")
@roles_required(Role.ADMIN)
def admin_units():
    return render_template("console/admin/units.html", **_list_page())


@bp.post("/admin/units")
@roles_required(Role.ADMIN)
def admin_units_create():
    try:
        args = read(UnitCreateSchema(), request.form, lists=("areas",))
        unit = units_admin.create_unit(g.staff, args, utcnow())
    except DomainError as error:
        return refused(
            "console/admin/units.html",
            error,
            LABELS.get,
            **_list_page(values=request.form),
        )
    commit()
    flash(_("Unit %(code)s created.", code=unit.code), "success")
    return redirect(url_for("console.admin_unit", code=unit.code))


def _unit_page(unit, values=None) -> dict:
    return _context(
        unit=unit,
        tag=units_admin.unit_tag(unit),
        values=values,
        staff_count=units_admin.staff_counts([unit]).get(unit.id, 0),
        default_for=units_admin.default_for([unit]).get(unit.id, []),
    )


@bp.get("/admin/units/<string:code>")
@roles_required(Role.ADMIN)
def admin_unit(code):
    unit = units_admin.get_unit(code, g.staff)
    return render_template("console/admin/unit.html", **_unit_page(unit))


@bp.post("/admin/units/<string:code>")
@roles_required(Role.ADMIN)
def admin_unit_update(code):
    unit = units_admin.get_unit(code, g.staff)
    try:
        args = read(UnitUpdateSchema(), request.form, lists=("areas",), flags=("active",))
        args.setdefault("supervisor", None)  # "none" is an empty choice, not absent
        tag = request.form.get("tag") or ""
        unit = units_admin.update_unit(g.staff, code, args, utcnow(), tag=tag)
    except DomainError as error:
        stale = isinstance(error, units_admin.StaleForm)
        current = units_admin.get_unit(code, g.staff) if stale else unit
        return refused(
            "console/admin/unit.html",
            error,
            LABELS.get,
            **_unit_page(current, values=None if stale else request.form),
        )
    commit()
    flash(_("Unit %(code)s saved.", code=unit.code), "success")
    return redirect(url_for("console.admin_unit", code=unit.code))
