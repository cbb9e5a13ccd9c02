"""Importing a province's communes and wards in the administrators' console
(``/console/admin/boundaries``): upload a GeoJSON file; a file with any problem is refused
with the list of problems, each in the page's language, and nothing is changed. The one
service is ``backend.services.boundary_import``, as for ``POST /staff/v1/admin/boundaries``
and ``flask boundaries import``.
"""

from __future__ import annotations

import dataclasses

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from backend.api.admin_boundaries import options, read_upload
from backend.console import forms
from backend.console.admin_forms import refused
from backend.console.geometry_reasons import explain
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.db import commit, db, utcnow
from backend.domain.roles import Role
from backend.errors import DomainError
from backend.models import AdminUnit
from backend.schemas.admin_boundaries import BoundaryUploadSchema
from backend.services import boundary_import

LABELS = {
    "file": _l("GeoJSON file"),
    "province": _l("Province"),
    "code_property": _l("Property with the code"),
    "name_property": _l("Property with the name"),
    "kind_property": _l("Property with the kind"),
    "legacy_property": _l("Property with the old codes"),
}


def _context(**extra) -> dict:
    provinces = boundary_import.provinces(g.staff)
    counts = dict(
        db.session.execute(
            select(AdminUnit.parent_id, func.count())
            .where(AdminUnit.parent_id.in_([p.id for p in provinces]))
            .where(AdminUnit.boundary.is_not(None))
            .group_by(AdminUnit.parent_id)
        ).all()
    )
    return {"provinces": provinces, "counts": counts, "values": None, "problems": [], **extra}


def _in_words(problem, lang: str):
    """A broken geometry's reason in the page's language (shapely writes English)."""
    if problem.kind != "invalid_geometry":
        return problem
    return dataclasses.replace(problem, detail=explain(problem.detail, lang))


@bp.get("/admin/boundaries")
@roles_required(Role.ADMIN)
def admin_boundaries():
    return render_template("console/admin/boundaries.html", **_context())


@bp.post("/admin/boundaries")
@roles_required(Role.ADMIN)
def admin_boundaries_import():
    lang = g.get("lang", "vi")
    try:
        data = {k: v for k, v in request.form.items() if k != "csrf_token" and v.strip()}
        data["replace"] = request.form.get("replace") == "yes"
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            data["file"] = upload
        args = forms.load(BoundaryUploadSchema(), data)
        data = read_upload(args["file"])
        result = boundary_import.import_units(g.staff, data, options(args), utcnow())
    except DomainError as error:
        problems = [
            {
                "feature": p.feature,
                "code": p.code,
                "kind": p.kind,
                "text": boundary_import.problem_text(_in_words(p, lang), lang),
            }
            for p in getattr(error, "problems", [])
        ]
        return refused(
            "console/admin/boundaries.html",
            error,
            LABELS.get,
            **_context(values=request.form, problems=problems),
        )
    commit()
    flash(
        _(
            "Imported into %(province)s: %(created)s new, %(updated)s updated, %(legacy)s old "
            "codes mapped, %(cleared)s old boundaries removed.",
            province=result.province.name,
            created=len(result.created),
            updated=len(result.updated),
            legacy=result.legacy_codes,
            cleared=len(result.cleared),
        ),
        "success",
    )
    return redirect(url_for("console.admin_boundaries"))
