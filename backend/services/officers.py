"""The officers of a handling unit: who a report may be given to, and the unit's list.

A report is given (:func:`backend.services.workflow.assign_officer`) only to an active
staff member of the report's own unit with a department role; the list the console's
form offers is the same set, for the units the caller may see
(:func:`backend.services.policy.sees_unit_staff`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from backend.db import db
from backend.domain.roles import DEPARTMENT_ROLES, Role
from backend.domain.text import N_, fold
from backend.errors import NotFound, ValidationFailed
from backend.models import Department, Report, StaffUser
from backend.services import policy


class InvalidAssignee(ValidationFailed):
    code = "invalid_assignee"
    message = N_("The assignee must be an active officer of the report's handling unit.")


class UnknownUnit(NotFound):
    code = "department_not_found"
    message = N_("Handling unit not found.")


def _of_unit(department_id: int):
    return select(StaffUser).where(
        StaffUser.department_id == department_id,
        StaffUser.active.is_(True),
        StaffUser.role.in_([r.value for r in DEPARTMENT_ROLES]),
    )


def assignable(report: Report, username: str) -> StaffUser:
    """The officer ``username`` if the report may be given to them, else InvalidAssignee."""
    officer = None
    if report.department_id is not None:
        officer = db.session.scalar(
            _of_unit(report.department_id).where(StaffUser.username == username.strip())
        )
    if officer is None:
        raise InvalidAssignee(fields={"officer": [InvalidAssignee.message]})
    return officer


def person(staff: StaffUser | None) -> dict | None:
    """A staff member as views and timeline entries name them."""
    if staff is None:
        return None
    return {"username": staff.username, "full_name": staff.full_name}


@dataclass(frozen=True)
class Officer:
    """An officer of a unit, with how many open reports are given to them now."""

    username: str
    full_name: str
    role: str
    open_reports: int


def unit_officers(staff: StaffUser, department_code: str) -> list[Officer]:
    """The active officers of the unit ``department_code`` (its head first), for a caller
    who may see them; any other unit answers 404 like one that does not exist."""
    department = db.session.scalar(
        select(Department).where(
            Department.code == department_code.strip(), Department.active.is_(True)
        )
    )
    if department is None or department.is_coordinator:
        raise UnknownUnit()
    if not policy.sees_unit_staff(staff, department):
        raise UnknownUnit()
    load = dict(
        db.session.execute(
            select(Report.assignee_id, func.count())
            .where(
                Report.department_id == department.id,
                Report.status.in_([s.value for s in policy.ASSIGNABLE_STATUSES]),
                Report.assignee_id.is_not(None),
            )
            .group_by(Report.assignee_id)
        ).all()
    )
    officers = db.session.scalars(_of_unit(department.id)).all()
    head_first = sorted(
        officers, key=lambda s: (s.role != Role.DEPARTMENT_HEAD, fold(s.full_name), s.username)
    )
    return [Officer(s.username, s.full_name, s.role, load.get(s.id, 0)) for s in head_first]
