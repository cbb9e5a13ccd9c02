"""Routing rules and the routing tester under ``/staff/v1``.

Administrators list, add, change and delete the rules (category x area -> handling
unit); the coordinator's office reads them. Both ask the tester where a report would
go, and why. A change applies to reports routed after it; each is on the audit log.
"""

from __future__ import annotations

from flask.views import MethodView

from backend.api.blueprint import Blueprint
from backend.auth import current_staff, staff_required
from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.schemas.routing_rules import (
    RoutingRuleInputSchema,
    RoutingRuleListArgsSchema,
    RoutingRuleSchema,
    RoutingRuleUpdateSchema,
    RoutingTestInputSchema,
    RoutingTestSchema,
)
from backend.services import routing_rules

blp = Blueprint(
    "staff_routing",
    __name__,
    url_prefix="/staff/v1",
    description="Routing rules (category x area -> handling unit) and the routing tester.",
)
SECURITY = [{"staffToken": []}]
READERS = (Role.ADMIN, Role.COORDINATOR)


@blp.get("/admin/routing-rules")
@staff_required(*READERS)
@blp.arguments(RoutingRuleListArgsSchema, location="query")
@blp.response(200, RoutingRuleSchema(many=True))
@blp.errors(403, 422)
@blp.doc(security=SECURITY)
def list_rules(args):
    """Every rule, by category (the "every category" rules last) then area; filter by a
    ``category``, ``area`` (administrative unit) or ``unit`` (handling unit) code.
    Administrators and the coordinator's office."""
    return routing_rules.list_rules(current_staff(), **args)


@blp.post("/admin/routing-rules")
@staff_required(Role.ADMIN)
@blp.arguments(RoutingRuleInputSchema)
@blp.response(201, RoutingRuleSchema)
@blp.errors(403, 409, 422)
@blp.doc(security=SECURITY)
def create_rule(args):
    """A new rule: reports of ``category`` located in ``area`` (or inside it) go to
    ``unit``; a null category is the area's default unit, a null area the category's unit
    anywhere (not both: 422 ``rule_needs_category_or_area``). The unit must be active
    (422 ``unknown_unit``), the area inside the service area (422 ``unknown_area``,
    ``area_outside_service_area``); a rule with the same category and area answers 409
    ``duplicate_routing_rule``. Only reports routed after it follow it."""
    rule = routing_rules.create_rule(current_staff(), args, utcnow())
    commit()
    return rule


@blp.route("/admin/routing-rules/<int:rule_id>")
class RoutingRule(MethodView):
    # One URL rule for both methods: an id beyond the INTEGER columns is then a 404 for
    # each (two rules on one path would answer 405 for the second).

    @staff_required(Role.ADMIN)
    @blp.arguments(RoutingRuleUpdateSchema)
    @blp.response(200, RoutingRuleSchema)
    @blp.errors(403, 404, 409, 422)
    @blp.doc(security=SECURITY)
    def patch(self, args, rule_id):
        """Change a rule's category, area or unit (checked as when adding). Reports already
        routed keep their unit."""
        rule = routing_rules.update_rule(current_staff(), rule_id, args, utcnow())
        commit()
        return rule

    @staff_required(Role.ADMIN)
    @blp.response(204)
    @blp.errors(403, 404)
    @blp.doc(security=SECURITY)
    def delete(self, rule_id):
        """Remove a rule: reports routed after it fall through to the next rule that
        applies."""
        routing_rules.delete_rule(current_staff(), rule_id, utcnow())
        commit()


@blp.post("/routing/test")
@staff_required(*READERS)
@blp.arguments(RoutingTestInputSchema)
@blp.response(200, RoutingTestSchema)
@blp.errors(403, 422)
@blp.doc(security=SECURITY)
def test_routing(args):
    """Where would a report of ``category`` at (``lat``, ``lng``) go now, and why: the
    administrative unit at the point and its chain, the rule keys looked up in order (this
    category at the unit, then at each enclosing unit; this category anywhere; the place's
    default unit, upwards) with what each found, the rule that decided, and the unit (null:
    the coordinator). Nothing is stored. A point outside the service area answers 422
    ``outside_service_area``, an unknown category 422 ``unknown_category``."""
    return routing_rules.explain(
        current_staff(), args["lat"], args["lng"], args["category"], utcnow()
    )
