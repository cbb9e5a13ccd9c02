"""Routing service: loads the rules and applies :func:`backend.domain.routing.route`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from backend.db import db
from backend.domain.routing import route
from backend.domain.text import N_
from backend.domain.workflow import Action
from backend.errors import DomainError
from backend.models import Department, Report, RoutingRule
from backend.models.department import DepartmentKind
from backend.services import sla
from backend.services.timeline import record


class NoCoordinator(DomainError):
    status = 503
    code = "no_coordinator"
    message = N_("No coordinator unit is configured.")


def coordinator(province_id: int | None = None) -> Department:
    """The coordinator's office of a province (its own; a national one, with no province,
    when it has none); without a province, the first one (a one-province deployment)."""
    stmt = select(Department).where(
        Department.kind == DepartmentKind.COORDINATOR, Department.active.is_(True)
    )
    if province_id is not None:
        stmt = stmt.where(
            (Department.province_id == province_id) | Department.province_id.is_(None)
        ).order_by(Department.province_id.is_(None), Department.id)
    else:
        stmt = stmt.order_by(Department.id)
    dept = db.session.scalar(stmt.limit(1))
    if dept is None:
        raise NoCoordinator()
    return dept


def active_rules(province_id: int | None = None) -> dict:
    """Every rule whose unit is active, as :func:`route` reads them: (category, area) -> unit.
    With a province: only the rules naming that province's units (a rule with no area then
    means "anywhere in this province", never another province's unit)."""
    stmt = (
        select(RoutingRule.category_id, RoutingRule.admin_unit_id, RoutingRule.department_id)
        .join(Department, Department.id == RoutingRule.department_id)
        .where(Department.active.is_(True))
    )
    if province_id is not None:
        stmt = stmt.where(Department.province_id == province_id)
    return {(r.category_id, r.admin_unit_id): r.department_id for r in db.session.execute(stmt)}


def decide(category_id: int, chain: list[int], province_id: int | None = None):
    """The unit the rules choose for a category at a place (its admin unit chain, deepest
    first) in a province, or None for the coordinator, with the pure decision (matched and
    tried keys)."""
    decision = route(category_id, chain, active_rules(province_id))
    if decision.to_coordinator:
        return None, decision
    department = db.session.get(Department, decision.department_id)
    if department.is_coordinator:
        return None, decision
    return department, decision


def _decide(report: Report):
    chain = [unit.id for unit in report.admin_unit.chain()] if report.admin_unit else []
    return decide(report.category.id, chain, report.province_id)


def suggested_unit(report: Report) -> Department | None:
    """The unit the routing rules name for ``report`` (what the coordinator is offered when
    forwarding by hand), or None when no rule applies."""
    return _decide(report)[0]


def route_new_report(report: Report, now: datetime) -> None:
    """Assign a just-submitted report to its handling unit, or leave it with the coordinator."""
    department, decision = _decide(report)
    if department is None:
        return
    category_id, unit_id = decision.matched
    record(
        report,
        Action.ASSIGN,
        now,
        department=department,
        data={"rule": {"category_id": category_id, "admin_unit_id": unit_id}},
    )
    report.assigned_at = now
    sla.start_clocks(report, department, now)
