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
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from backend.console import forms
from backend.console.actions import ACTIONS, parse
from backend.console.views import bp
from backend.db import commit, db, rollback, utcnow
from backend.domain.vocabulary import EventKind
from backend.errors import ConcurrentUpdate, DomainError, NotFound
from backend.models import Department, DepartmentKind
from backend.schemas.reports import staff_schema
from backend.services import lookup, nearby, officers, policy, read_model, routing
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


#: Where the report page's "back" link leads (``?from=``), by the page the report was opened
#: from; the desk otherwise.
BACK = {
    "triage": ("console.triage", _l("Back to triage")),
    "desk": ("console.desk", _l("Back to the desk")),
    "notifications": ("notifications_console.inbox", _l("Back to notifications")),
}


def _back() -> tuple[str, object]:
    endpoint, label = BACK.get(request.args.get("from", ""), BACK["desk"])
    if endpoint not in current_app.view_functions:
        endpoint, label = BACK["desk"]
    return url_for(endpoint), label


def _returned_by(report) -> Department | None:
    """The unit that last returned the report to the coordinator (None if none did)."""
    for event in reversed(report.events):
        if event.type == EventKind.RETURN:
            return event.actor_staff.department if event.actor_staff else None
    return None


def _page(staff, report, now, *, status: int = 200, failed=None, values=None):
    """The page; after a refused action, ``failed`` is that action and ``values`` what was
    typed, so its form is shown open with the input kept."""
    view = read_model.build(staff, report, now)
    data = staff_schema(view).dump(view)
    allowed = [StaffAction(a) for a in view.allowed_actions]
    if StaffAction.DECIDE_EXTENSION in allowed:  # a decision waits: it comes first
        allowed.remove(StaffAction.DECIDE_EXTENSION)
        allowed.insert(0, StaffAction.DECIDE_EXTENSION)
    back_url, back_label = _back()
    context = {
        "back_url": back_url,
        "back_label": back_label,
        "from_page": request.args.get("from", "") if request.args.get("from") in BACK else "",
        "failed": failed,
        "sees_assignee": view.sees_assignee,
        "values": values or {},
        "moderates": staff.role in policy.MODERATION_ROLES,
        "report": data,
        "row": report,
        "allowed": allowed,
        "actions": ACTIONS,
        "A": StaffAction,
        "extensions": view.extensions,
        "similar": _similar(staff, report, now),
        "tiles": current_app.config.get("MAP_TILE_URL") or "",
        "attribution": current_app.config.get("MAP_TILE_ATTRIBUTION") or "",
    }
    if StaffAction.FORWARD in allowed:
        context["units"] = db.session.scalars(
            select(Department)
            .where(Department.active.is_(True), Department.kind != DepartmentKind.COORDINATOR)
            .where(Department.province_id == report.province_id)  # never across provinces
            .order_by(Department.name)
        ).all()
        suggested, returned_by = routing.suggested_unit(report), _returned_by(report)
        context["returned_by"] = returned_by
        # The rules may name the very unit that just said it is not its business: show
        # that, but never preselect it.
        context["suggested_unit"] = suggested
        context["suggestion_returned"] = suggested is not None and suggested == returned_by
    if StaffAction.ASSIGN_OFFICER in allowed and report.department is not None:
        context["officers"] = officers.unit_officers(staff, report.department.code)
    return render_template("console/report.html", **context), status


@bp.get("/reports/<code>")
def report(code):
    staff = g.staff
    return _page(staff, lookup.for_reader(staff, code), utcnow())


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
        lookup.require_version(report, forms.version(request.form))
        args = parse(chosen, request.form, request.files)
        ACTIONS[chosen].run(staff, report, now, args)
        commit()
    except (ConcurrentUpdate, StaleDataError):  # seen before acting, or while saving
        rollback()
        report = lookup.for_reader(staff, code)
        flash(
            _(
                "This report changed while you were reading it (someone else acted, or this "
                "form was sent twice); nothing was changed. Here it is as it is now: check it "
                "and act again if still needed."
            ),
            "warning",
        )
        return _page(staff, report, utcnow(), status=409, failed=chosen, values=_typed())
    except DomainError as error:
        rollback()
        report = lookup.for_reader(staff, code)
        flash(_message(error), "error")
        return _page(staff, report, utcnow(), status=error.status, failed=chosen, values=_typed())
    flash(str(ACTIONS[chosen].done), "success")
    if not policy.may_read(staff, report):
        # Returned, forwarded away...: the report has left this desk.
        flash(_("The report has left your unit's desk."), "info")
        return redirect(url_for("console.desk"))
    return redirect(url_for("console.report", code=report.code, **_from()))


#: The names of the form fields, as the forms label them (for "these fields are invalid").
FIELD_LABELS = {
    "response": _l("The answer"),
    "photos": _l("Photos"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "question": _l("Question"),
    "proposed_date": _l("Proposed new deadline"),
    "promised_date": _l("New promised date"),
    "original": _l("Code of the original report"),
    "department": _l("Handling unit"),
    "officer": _l("Officer"),
    "approve": _l("Decision"),
}


def _message(error: DomainError) -> str:
    return forms.message(error, FIELD_LABELS.get)


def _from() -> dict:
    return {"from": request.args["from"]} if request.args.get("from") in BACK else {}


def _typed() -> dict:
    """What the person typed in the refused form (to show it again), text fields only."""
    return {
        key: value[:5000]
        for key, value in request.form.items()
        if key not in ("csrf_token", "version") and isinstance(value, str)
    }
