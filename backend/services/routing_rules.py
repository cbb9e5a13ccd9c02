"""Administrators keep the routing rules (category x area -> handling unit); the
coordinator's office and administrators ask "where would a report go?".

A rule's key is its category and its area (an administrative unit), either of which may
be left out (a wildcard, :mod:`backend.domain.routing`), never both: such a rule would
never be looked up. A key has at most one rule; the unit must be active and the area
inside the service area (a unit a report can be located in: it, or a unit inside it,
has a boundary).

Routing happens once, at intake (``routing.route_new_report``), so a change takes effect
for the reports routed after it and never moves a report already routed. Each change is
an audit entry ``routing_rule_changed`` whose detail names the operation, the rule and
its keys before and after (codes).

:func:`explain` runs the very decision intake runs (``routing.decide``) for a point and
a category, and says why: the unit found at the point and its chain, the rule keys
looked up in order and what each found, the rule that decided.

Provinces are tenants: a rule belongs to its unit's province, its area lies in that
province, and a rule with no area means "anywhere in that province". A province's
administrator reads and changes only its rules (another's is not found).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from shapely.geometry import mapping
from sqlalchemy import select, true
from sqlalchemy.orm import selectinload, undefer

from backend.db import db
from backend.domain.text import N_
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.geo.geojson import from_wkb
from backend.models import AdminUnit, Category, Department, RoutingRule, StaffUser
from backend.services import audit, geo, policy, provinces, queries, routing
from backend.services.intake import OutsideServiceArea
from backend.services.staff_admin import UnknownUnit


class RoutingRuleNotFound(NotFound):
    code = "routing_rule_not_found"
    message = N_("No routing rule with this id.")


class DuplicateRule(Conflict):
    code = "duplicate_routing_rule"
    message = N_("A routing rule for this category and area already exists.")


class RuleTooWide(ValidationFailed):
    code = "rule_needs_category_or_area"
    message = N_("A routing rule needs a category, an area, or both.")


class UnknownArea(ValidationFailed):
    code = "unknown_area"
    message = N_("No administrative unit with this code.")


class AreaOutsideServiceArea(ValidationFailed):
    code = "area_outside_service_area"
    message = N_("This area is outside the service area: no boundary covers it.")


class Step:
    """What kind of rule a looked-up key is, in the order routing tries them."""

    CATEGORY_AREA = "category_area"  # this category at this unit
    CATEGORY_ANYWHERE = "category_anywhere"  # this category in the whole service area
    AREA_DEFAULT = "area_default"  # the place's unit for every category


class Outcome:
    NO_RULE = "no_rule"  # no rule has this key
    UNIT_INACTIVE = "unit_inactive"  # a rule has it, but its unit is deactivated: skipped
    MATCHED = "matched"  # this rule decided


def _step(key: tuple[int | None, int | None]) -> str:
    category_id, area_id = key
    if category_id is not None and area_id is not None:
        return Step.CATEGORY_AREA
    return Step.CATEGORY_ANYWHERE if area_id is None else Step.AREA_DEFAULT


@dataclass(frozen=True)
class Candidate:
    step: str
    category: Category | None
    area: AdminUnit | None
    rule: RoutingRule | None
    outcome: str


@dataclass(frozen=True)
class Explanation:
    lat: float
    lng: float
    category: Category
    area: AdminUnit
    chain: list[AdminUnit]  # the area and the units enclosing it, deepest first
    unit: Department | None  # None: the coordinator decides
    coordinator: Department
    matched: Candidate | None
    candidates: list[Candidate]  # the keys looked up, in order, up to the one that decided

    @property
    def to_coordinator(self) -> bool:
        return self.unit is None

    @property
    def rule_names_coordinator(self) -> bool:
        """A rule matched, but the unit it names is the coordinator's office."""
        return self.matched is not None and self.unit is None


# ---- reading ----------------------------------------------------------------------------------


def _require_reader(actor: StaffUser) -> None:
    if not policy.may_read_routing(actor):
        raise Forbidden()


def _require_admin(actor: StaffUser) -> None:
    if not policy.may_change_routing(actor):
        raise Forbidden()


def _sort_key(rule: RoutingRule):
    category, area = rule.category, rule.admin_unit
    return (
        category is None,
        category.position if category else 0,
        category.code if category else "",
        area is None,
        area.depth if area else 0,
        area.code if area else "",
    )


def list_rules(
    actor: StaffUser,
    *,
    category: str | None = None,
    area: str | None = None,
    unit: str | None = None,
) -> list[RoutingRule]:
    """Every rule, by category (the wildcard last) then area; filtered by the codes of a
    category, an area and a handling unit."""
    _require_reader(actor)
    query = select(RoutingRule).options(
        selectinload(RoutingRule.category),
        selectinload(RoutingRule.admin_unit),
        selectinload(RoutingRule.department),
    )
    if category is not None:
        query = query.join(RoutingRule.category).where(Category.code == category)
    if area is not None:
        query = query.join(RoutingRule.admin_unit).where(AdminUnit.code == area)
    query = query.join(RoutingRule.department).where(
        policy.in_scope_sql(actor, Department.province_id)
    )
    if unit is not None:
        query = query.where(Department.code == unit)
    return sorted(db.session.scalars(query), key=_sort_key)


def get_rule(actor: StaffUser, rule_id: int) -> RoutingRule:
    _require_reader(actor)
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None or not policy.in_province(actor, rule.department.province_id):
        raise RoutingRuleNotFound()
    return rule


def served_unit_ids(actor: StaffUser | None = None) -> set[int]:
    """The administrative units a report can be located in, and the units enclosing them:
    in the hosted provinces (the actor's, for a province's staff)."""
    return provinces.served_unit_ids(None if actor is None else policy.province_scope(actor))


def choices(actor: StaffUser | None = None) -> dict[str, list]:
    """What a rule's form offers: categories, areas in the service area (each after the
    unit enclosing it), active handling units."""
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.code))
    served = served_unit_ids(actor)
    units = [u for u in db.session.scalars(select(AdminUnit)) if u.id in served]
    by_parent: dict[int | None, list[AdminUnit]] = {}
    for unit in sorted(units, key=lambda u: u.name):
        by_parent.setdefault(unit.parent_id if unit.parent_id in served else None, []).append(unit)
    areas: list[AdminUnit] = []

    def walk(parent_id):
        for unit in by_parent.get(parent_id, []):
            areas.append(unit)
            walk(unit.id)

    walk(None)
    departments = db.session.scalars(
        select(Department)
        .where(Department.active.is_(True))
        .where(policy.in_scope_sql(actor, Department.province_id) if actor else true())
        .order_by(Department.name)
    )
    return {"categories": list(categories), "areas": areas, "units": list(departments)}


def area_shapes(tolerance: float = 0.0005, actor: StaffUser | None = None) -> dict:
    """The served units with a boundary, simplified, as GeoJSON (the tester's map)."""
    units = db.session.scalars(
        select(AdminUnit)
        .where(AdminUnit.boundary.is_not(None), AdminUnit.id.in_(served_unit_ids(actor)))
        .options(undefer(AdminUnit.boundary))
        .order_by(AdminUnit.depth, AdminUnit.code)
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": mapping(from_wkb(unit.boundary).simplify(tolerance)),
                "properties": {"code": unit.code, "name": unit.name, "depth": unit.depth},
            }
            for unit in units
        ],
    }


# ---- changing ---------------------------------------------------------------------------------


def _category(code: str | None) -> Category | None:
    return None if code is None else queries.category_by_code(code, active_only=False)


def _area(code: str | None, actor: StaffUser) -> AdminUnit | None:
    if code is None:
        return None
    area = db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))
    if area is None:
        raise UnknownArea(fields={"area": ["Unknown area."]})
    if area.id not in served_unit_ids(actor):
        raise AreaOutsideServiceArea(fields={"area": ["Outside the service area."]})
    return area


def _unit(code: str, actor: StaffUser) -> Department:
    unit = db.session.scalar(select(Department).where(Department.code == code))
    if unit is None or not unit.active or not policy.in_province(actor, unit.province_id):
        raise UnknownUnit(fields={"unit": ["Unknown unit."]})
    return unit


def _check_province(area: AdminUnit | None, unit: Department) -> None:
    """A rule's area lies in its unit's province (no routing across a provincial boundary)."""
    if area is not None and provinces.root_of(area).id != unit.province_id:
        raise AreaOutsideServiceArea(fields={"area": ["Outside the unit's province."]})


def _keys(rule: RoutingRule) -> dict[str, str | None]:
    return {
        "category": rule.category.code if rule.category else None,
        "area": rule.admin_unit.code if rule.admin_unit else None,
        "unit": rule.department.code,
    }


def _check_key(category, area, rule_id: int | None, unit: Department) -> None:
    if category is None and area is None:
        raise RuleTooWide(fields={"category": ["Required without an area."]})
    _check_province(area, unit)
    column_c, column_a = RoutingRule.category_id, RoutingRule.admin_unit_id
    query = select(RoutingRule.id).where(
        column_c.is_(None) if category is None else column_c == category.id,
        column_a.is_(None) if area is None else column_a == area.id,
    )
    if area is None:  # "anywhere": once per province
        query = query.join(RoutingRule.department).where(Department.province_id == unit.province_id)
    if rule_id is not None:
        query = query.where(RoutingRule.id != rule_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DuplicateRule(fields={"area": ["A rule with this category and area exists."]})


def _record(actor, op: str, rule_id: int, before, after, now: datetime) -> None:
    detail = {"op": op, "rule": rule_id, "before": before, "after": after}
    audit.record(actor, audit.AuditAction.ROUTING_RULE_CHANGED, now, detail=detail)


def create_rule(actor: StaffUser, data: Mapping, now: datetime) -> RoutingRule:
    """A new rule from codes: ``category`` and ``area`` (each may be None, not both) and
    ``unit``. Reports routed from now on follow it."""
    _require_admin(actor)
    category, area = _category(data.get("category")), _area(data.get("area"), actor)
    unit = _unit(data["unit"], actor)
    _check_key(category, area, None, unit)
    rule = RoutingRule(category=category, admin_unit=area, department=unit)
    db.session.add(rule)
    db.session.flush()
    _record(actor, "created", rule.id, None, _keys(rule), now)
    return rule


def update_rule(actor: StaffUser, rule_id: int, changes: Mapping, now: datetime) -> RoutingRule:
    """Change a rule's ``category``, ``area`` (codes, or None for the wildcard) or
    ``unit``; only what ``changes`` holds. Reports already routed keep their unit."""
    _require_admin(actor)
    rule = get_rule(actor, rule_id)
    before = _keys(rule)
    category = _category(changes["category"]) if "category" in changes else rule.category
    area = _area(changes["area"], actor) if "area" in changes else rule.admin_unit
    unit = _unit(changes["unit"], actor) if "unit" in changes else rule.department
    _check_key(category, area, rule.id, unit)
    rule.category, rule.admin_unit, rule.department = category, area, unit
    db.session.flush()
    after = _keys(rule)
    if after != before:
        _record(actor, "updated", rule.id, before, after, now)
    return rule


def delete_rule(actor: StaffUser, rule_id: int, now: datetime) -> None:
    _require_admin(actor)
    rule = get_rule(actor, rule_id)
    _record(actor, "deleted", rule.id, _keys(rule), None, now)
    db.session.delete(rule)
    db.session.flush()


# ---- the tester -------------------------------------------------------------------------------


def explain(actor: StaffUser, lat: float, lng: float, category: str, now: datetime) -> Explanation:
    """Where a report of ``category`` at (lat, lng) submitted now would go, and why.
    A point outside every boundary is refused as intake refuses it (422)."""
    _require_reader(actor)
    found = queries.category_by_code(category, active_only=False)
    area = geo.locate(lat, lng)
    province = provinces.root_of(area)
    provinces.require_served(province)  # no field: the tester shows the message naming it
    if area is None:
        raise OutsideServiceArea(
            fields={"lat": ["Outside the service area."], "lng": ["Outside the service area."]}
        )
    if not policy.in_province(actor, province.id):
        raise Forbidden()
    chain = area.chain()
    unit, decision = routing.decide(found.id, [u.id for u in chain], province.id)
    rules = {
        (r.category_id, r.admin_unit_id): r
        for r in db.session.scalars(
            select(RoutingRule)
            .join(RoutingRule.department)
            .where(Department.province_id == province.id)
            .options(selectinload(RoutingRule.department))
        )
    }
    places = {u.id: u for u in chain}
    candidates = []
    for key in decision.tried:
        rule = rules.get(key)
        if key == decision.matched:
            outcome = Outcome.MATCHED
        else:
            outcome = Outcome.NO_RULE if rule is None else Outcome.UNIT_INACTIVE
        candidates.append(
            Candidate(
                step=_step(key),
                category=found if key[0] is not None else None,
                area=places.get(key[1]),
                rule=rule if outcome != Outcome.NO_RULE else None,
                outcome=outcome,
            )
        )
    matched = next((c for c in candidates if c.outcome == Outcome.MATCHED), None)
    return Explanation(
        lat=lat,
        lng=lng,
        category=found,
        area=area,
        chain=chain,
        unit=unit,
        coordinator=routing.coordinator(province.id),
        matched=matched,
        candidates=candidates,
    )
