"""One report in the console, and the actions on it.

The page shows what the read model gives the signed-in person (the unit's view or the
oversight view) and offers, as forms, exactly ``policy.allowed_actions`` now. Each form
carries the report's version: if someone acted on the report since the page was built,
the action is refused with a clear message and the page shows the report as it is now
(never a silent overwrite). Posts redirect back to the page (POST-redirect-GET).
"""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from backend.console.actions import ACTIONS, parse
from backend.console.views import bp
from backend.db import commit, db, rollback, utcnow
from backend.errors import ConcurrentUpdate, DomainError, NotFound
from backend.models import Department, DepartmentKind
from backend.schemas.reports import staff_schema
from backend.services import lookup, nearby, officers, policy, read_model, routing, sla
from backend.services.policy import StaffAction

#: Possible duplicates shown beside a report (same category, close by, recent).
SIMILAR_LIMIT = 5


def _similar(staff, report, now):
    config = current_app.config
    found = nearby.suggest(
        report.category_id,
        report.lat,
        report.lng,
        now,
        radius_m=config["DUPLICATE_RADIUS_M"],
        days=config["DUPLICATE_DAYS"],
        limit=SIMILAR_LIMIT * 2,
        exclude_report_id=report.id,
    )
    readable = [(other, metres) for other, metres in found if policy.may_read(staff, other)]
    return readable[:SIMILAR_LIMIT]


def _page(staff, report, now, *, status: int = 200):
    view = read_model.build(staff, report, now)
    data = staff_schema(view).dump(view)
    allowed = [StaffAction(a) for a in view.allowed_actions]
    context = {
        "report": data,
        "row": report,
        "allowed": allowed,
        "actions": ACTIONS,
        "A": StaffAction,
        "extensions": sla.extensions_of(report),
        "similar": _similar(staff, report, now),
        "tiles": current_app.config.get("MAP_TILE_URL") or "",
        "attribution": current_app.config.get("MAP_TILE_ATTRIBUTION") or "",
    }
    if StaffAction.FORWARD in allowed:
        context["units"] = db.session.scalars(
            select(Department)
            .where(Department.active.is_(True), Department.kind != DepartmentKind.COORDINATOR)
            .order_by(Department.name)
        ).all()
        context["suggested_unit"] = routing.suggested_unit(report)
    if StaffAction.ASSIGN_OFFICER in allowed and report.department is not None:
        context["officers"] = officers.unit_officers(staff, report.department.code)
    return render_template("console/report.html", **context), status


@bp.get("/reports/<code>")
def report(code):
    staff = g.staff
    return _page(staff, lookup.for_reader(staff, code), utcnow())


def _version(form) -> int | None:
    raw = form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


@bp.post("/reports/<code>/act/<action>")
def act(code, action):
    staff, now = g.staff, utcnow()
    report = lookup.for_reader(staff, code)
    try:
        chosen = StaffAction(action)
    except ValueError:
        raise NotFound() from None
    if chosen not in ACTIONS:
        raise NotFound()
    try:
        lookup.require_version(report, _version(request.form))
        args = parse(chosen, request.form, request.files)
        ACTIONS[chosen].run(staff, report, now, args)
        commit()
    except ConcurrentUpdate:
        rollback()
        report = lookup.for_reader(staff, code)
        flash(
            _(
                "Someone else acted on this report while you were reading it; nothing was "
                "changed. Here it is as it is now: check it and act again if still needed."
            ),
            "warning",
        )
        return _page(staff, report, utcnow(), status=409)
    except DomainError as error:
        rollback()
        report = lookup.for_reader(staff, code)
        flash(_message(error), "error")
        return _page(staff, report, utcnow(), status=error.status)
    flash(str(ACTIONS[chosen].done), "success")
    return redirect(url_for("console.report", code=report.code))


def _message(error: DomainError) -> str:
    text = error.in_language(g.get("lang", "vi"))
    if error.fields:
        details = "; ".join(f"{name}: {', '.join(msgs)}" for name, msgs in error.fields.items())
        text = f"{text} ({details})"
    return text
