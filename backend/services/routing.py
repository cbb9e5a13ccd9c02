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


def coordinator() -> Department:
    dept = db.session.scalar(
        select(Department)
        .where(Department.kind == DepartmentKind.COORDINATOR, Department.active.is_(True))
        .order_by(Department.id)
        .limit(1)
    )
    if dept is None:
        raise NoCoordinator()
    return dept


def active_rules() -> dict:
    """Every rule whose unit is active, as :func:`route` reads them: (category, area) -> unit."""
    return {
        (r.category_id, r.admin_unit_id): r.department_id
        for r in db.session.execute(
            select(RoutingRule.category_id, RoutingRule.admin_unit_id, RoutingRule.department_id)
            .join(Department, Department.id == RoutingRule.department_id)
            .where(Department.active.is_(True))
        )
    }


def decide(category_id: int, chain: list[int]):
    """The unit the rules choose for a category at a place (its admin unit chain, deepest
    first), or None for the coordinator, with the pure decision (matched and tried keys)."""
    decision = route(category_id, chain, active_rules())
    if decision.to_coordinator:
        return None, decision
    department = db.session.get(Department, decision.department_id)
    if department.is_coordinator:
        return None, decision
    return department, decision


def _decide(report: Report):
    chain = [unit.id for unit in report.admin_unit.chain()] if report.admin_unit else []
    return decide(report.category.id, chain)


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
