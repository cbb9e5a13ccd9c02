"""Staff accounts in the administrators' console (``/console/admin/staff``): the list with
a search and filters, a new account, and each account's page (name, role, unit, active;
a new password; lifting a sign-in lock).

Every form calls the one service the staff API calls (``backend.services.staff_admin``,
``backend.limits.lift_lock``): the same rules (department roles need a unit, the last
administrator stays, a role, unit or active change signs the person out everywhere). The
edit form carries the account's state tag, so that a change someone made meanwhile is
not overwritten by an older form.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from backend import limits
from backend.console.admin_forms import read, refused
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.db import commit, utcnow
from backend.domain.roles import DEPARTMENT_ROLES, Role
from backend.domain.text import fold
from backend.errors import DomainError
from backend.schemas.staff_accounts import (
    PasswordResetSchema,
    StaffCreateSchema,
    StaffUpdateSchema,
)
from backend.services import staff_admin, units_admin

LABELS = {
    "username": _l("Username"),
    "full_name": _l("Full name"),
    "role": _l("Role"),
    "unit": _l("Handling unit"),
    "password": _l("Password"),
    "active": _l("Active"),
}


def staff_tag(staff) -> str:
    return units_admin.state_tag(staff.full_name, staff.role, staff.department_id, staff.active)


def _choices() -> dict:
    return {
        "roles": list(Role),
        "department_roles": sorted(DEPARTMENT_ROLES),
        "units": units_admin.list_units(g.staff, active=True),
    }


@bp.get("/admin/staff")
@roles_required(Role.ADMIN)
def admin_staff():
    args = request.args
    role = args.get("role") if args.get("role") in set(Role) else None
    active = {"yes": True, "no": False}.get(args.get("active") or "")
    unit = (args.get("unit") or "").strip()[:64] or None
    q = (args.get("q") or "").strip()[:100]
    rows = staff_admin.list_staff(g.staff, unit=unit, role=role, active=active)
    if q:
        needle = fold(q)
        rows = [s for s in rows if needle in fold(s.username) or needle in fold(s.full_name)]
    filters = {"q": q, "role": role or "", "active": args.get("active") or "", "unit": unit or ""}
    return render_template("console/admin/staff.html", rows=rows, filters=filters, **_choices())


@bp.route("/admin/staff/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_staff_new():
    if request.method == "GET":
        return render_template("console/admin/staff_new.html", values=None, **_choices())
    try:
        args = read(StaffCreateSchema(), request.form)
        made = staff_admin.create_staff(g.staff, args, utcnow())
    except DomainError as error:
        return refused(
            "console/admin/staff_new.html", error, LABELS.get, values=request.form, **_choices()
        )
    commit()
    flash(_("Account %(username)s created.", username=made.username), "success")
    return redirect(url_for("console.admin_staff_edit", username=made.username))


def _edit_page(person, **extra) -> dict:
    return {"person": person, "tag": staff_tag(person), "values": None, **_choices(), **extra}


@bp.get("/admin/staff/<string:username>")
@roles_required(Role.ADMIN)
def admin_staff_edit(username):
    person = staff_admin.get_staff(username, g.staff)
    return render_template("console/admin/staff_edit.html", **_edit_page(person))


@bp.post("/admin/staff/<string:username>")
@roles_required(Role.ADMIN)
def admin_staff_update(username):
    person = staff_admin.get_staff(username, g.staff)
    try:
        units_admin.check_tag(request.form.get("tag") or "", staff_tag(person))
        args = read(StaffUpdateSchema(), request.form, flags=("active",))
        args.setdefault("unit", None)  # "no unit" is an empty choice, not "unchanged"
        staff_admin.update_staff(g.staff, username, args, utcnow())
    except DomainError as error:
        stale = isinstance(error, units_admin.StaleForm)
        values = None if stale else request.form
        return refused(
            "console/admin/staff_edit.html",
            error,
            LABELS.get,
            **_edit_page(person, values=values, failed="edit"),
        )
    commit()
    flash(_("Account %(username)s saved.", username=username), "success")
    return redirect(url_for("console.admin_staff_edit", username=username))


@bp.post("/admin/staff/<string:username>/password")
@roles_required(Role.ADMIN)
def admin_staff_password(username):
    person = staff_admin.get_staff(username, g.staff)
    try:
        args = read(PasswordResetSchema(), request.form)
        staff_admin.reset_password(g.staff, username, args["password"], utcnow())
    except DomainError as error:
        return refused(
            "console/admin/staff_edit.html",
            error,
            LABELS.get,
            **_edit_page(person, failed="password"),
        )
    commit()
    flash(
        _("New password set for %(username)s: they are signed out everywhere.", username=username),
        "success",
    )
    return redirect(url_for("console.admin_staff_edit", username=username))


@bp.post("/admin/staff/<string:username>/lock")
@roles_required(Role.ADMIN)
def admin_staff_unlock(username):
    staff_admin.get_staff(username, g.staff)  # 404 for an unknown account
    limits.lift_lock(username)
    flash(_("Sign-in lock lifted for %(username)s.", username=username), "success")
    return redirect(url_for("console.admin_staff_edit", username=username))
