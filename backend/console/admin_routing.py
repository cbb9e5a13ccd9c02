"""Routing rules in the console (``/console/admin/routing``): the rules as a table with
filters, forms to add, change and delete one (administrators), and the "where would this
go?" tester (administrators and the coordinator's office).

Each page calls one service of ``backend.services.routing_rules`` (the same as the staff
API). The tester is a GET form (it changes nothing): a click on the map fills its
latitude and longitude (``admin_routing.js``; the fields can be typed without it), and
the answer (the unit, the rule that matched, every rule key tried in order) is rendered
here, on the server. A refused change shows the form again with what was typed and the
fields in error (422).
"""

from __future__ import annotations

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from backend.console import Section, add_section, forms
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.db import commit, rollback, utcnow
from backend.domain.roles import Role
from backend.errors import DomainError, ValidationFailed
from backend.schemas.routing_rules import RoutingRuleInputSchema, RoutingTestInputSchema
from backend.services import policy, routing_rules

READERS = (Role.ADMIN, Role.COORDINATOR)
FILTERS = ("category", "area", "unit")
#: The forms' fields by their labels, for a refusal's message.
LABELS = {
    "category": _l("Category"),
    "area": _l("Area"),
    "unit": _l("Handling unit"),
    "lat": _l("Latitude"),
    "lng": _l("Longitude"),
}
STEP_LABELS = {
    routing_rules.Step.CATEGORY_AREA: _l("This category in this area"),
    routing_rules.Step.CATEGORY_ANYWHERE: _l("This category anywhere"),
    routing_rules.Step.AREA_DEFAULT: _l("The area's unit for every category"),
}
OUTCOME_LABELS = {
    routing_rules.Outcome.NO_RULE: _l("no rule"),
    routing_rules.Outcome.UNIT_INACTIVE: _l("a rule, skipped: its unit is deactivated"),
    routing_rules.Outcome.MATCHED: _l("this rule decided"),
}


@bp.record_once
def _menu(state):
    # Administrators reach the page from the administration page; the coordinator's
    # office has the tester in its menu.
    add_section(
        state.app,
        Section(
            "console.admin_routing", _l("Routing tester"), frozenset({Role.COORDINATOR}), order=80
        ),
    )


def _label(field: str):
    return LABELS.get(field)


def _filters() -> dict:
    return {key: request.args[key] for key in FILTERS if request.args.get(key)}


def _page(*, status=200, errors=None, values=None, message=None, answer=None, tested=None):
    staff = g.staff
    filters = _filters() if request.endpoint == "console.admin_routing" else {}
    context = {
        "rules": routing_rules.list_rules(staff, **filters),
        "filters": filters,
        "choices": routing_rules.choices(g.staff),
        "may_change": policy.may_change_routing(staff),
        "errors": errors or {},
        "values": values or {},
        "message": message,
        "answer": answer,
        "tested": tested or {},
        "step_labels": STEP_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "tiles": current_app.config.get("MAP_TILE_URL") or "",
        "attribution": current_app.config.get("MAP_TILE_ATTRIBUTION") or "",
    }
    return render_template("console/admin_routing.html", **context), status


@bp.get("/admin/routing")
@roles_required(*READERS)
def admin_routing():
    return _page()


@bp.get("/admin/routing/test")
@roles_required(*READERS)
def admin_routing_test():
    """The tester's answer: where a report at (lat, lng) of a category would go, and why."""
    tested = {key: request.args.get(key, "") for key in ("lat", "lng", "category")}
    try:
        args = forms.load(RoutingTestInputSchema(), {k: v for k, v in tested.items() if v})
        answer = routing_rules.explain(
            g.staff, args["lat"], args["lng"], args["category"], utcnow()
        )
    except ValidationFailed as error:
        message = forms.message(error, _label)
        if error.fields and set(error.fields) <= {"lat", "lng"}:  # no point, or half of one
            message = _("Click the map or type a latitude and longitude.")
        return _page(status=422, tested=tested, message=message, errors=error.fields or {})
    return _page(answer=answer, tested=tested)


@bp.get("/admin/routing/areas.geojson")
@roles_required(*READERS)
def admin_routing_areas():
    """The boundaries the tester's map draws (every unit that has one)."""
    return jsonify(routing_rules.area_shapes(actor=g.staff))


def _form_values() -> dict:
    return {key: request.form.get(key, "") for key in FILTERS}


def _parsed(values: dict) -> dict:
    data = {
        "category": values["category"] or None,
        "area": values["area"] or None,
    }
    if values["unit"]:
        data["unit"] = values["unit"]
    return forms.load(RoutingRuleInputSchema(), data)


@bp.post("/admin/routing/rules")
@roles_required(Role.ADMIN)
def admin_routing_create():
    values = _form_values()
    try:
        rule = routing_rules.create_rule(g.staff, _parsed(values), utcnow())
        commit()
    except DomainError as error:
        rollback()
        message = forms.message(error, _label)
        return _page(status=error.status, errors=error.fields or {}, values=values, message=message)
    flash(_("Rule added. Reports submitted from now on follow it."), "success")
    return redirect(url_for("console.admin_routing", _anchor=f"rule-{rule.id}"))


def _edit_page(rule, *, status=200, errors=None, values=None, message=None):
    context = {
        "rule": rule,
        "choices": routing_rules.choices(g.staff),
        "errors": errors or {},
        "values": values
        or {
            "category": rule.category.code if rule.category else "",
            "area": rule.admin_unit.code if rule.admin_unit else "",
            "unit": rule.department.code,
        },
        "message": message,
    }
    return render_template("console/admin_routing_edit.html", **context), status


# One URL rule for both methods: an id beyond the INTEGER columns is then the 404 page
# for each (two rules on one path would answer 405 for the second).
@bp.route("/admin/routing/rules/<int:rule_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_routing_edit(rule_id):
    rule = routing_rules.get_rule(g.staff, rule_id)
    if request.method == "GET":
        return _edit_page(rule)
    values = _form_values()
    try:
        routing_rules.update_rule(g.staff, rule_id, _parsed(values), utcnow())
        commit()
    except DomainError as error:
        rollback()
        rule = routing_rules.get_rule(g.staff, rule_id)
        message = forms.message(error, _label)
        return _edit_page(
            rule, status=error.status, errors=error.fields or {}, values=values, message=message
        )
    flash(_("Rule changed. Reports already routed keep their unit."), "success")
    return redirect(url_for("console.admin_routing", _anchor=f"rule-{rule.id}"))


@bp.post("/admin/routing/rules/<int:rule_id>/delete")
@roles_required(Role.ADMIN)
def admin_routing_delete(rule_id):
    """Deletes on a ticked "I am sure" box only (one click deletes nothing)."""
    if request.form.get("confirm") != "yes":
        routing_rules.get_rule(g.staff, rule_id)  # the 404 page for a rule that is gone
        flash(_("Tick “I am sure I want to delete this rule” to delete it."), "error")
        return redirect(url_for("console.admin_routing", _anchor=f"rule-{rule_id}"))
    routing_rules.delete_rule(g.staff, rule_id, utcnow())
    commit()
    flash(_("Rule deleted. Reports already routed keep their unit."), "success")
    return redirect(url_for("console.admin_routing"))
