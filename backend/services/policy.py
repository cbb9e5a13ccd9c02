"""The access policy: who may see which reports, and who may do what to one now.

Every channel (the staff, mobile and moderation APIs, the portal, and the channels
to come) asks this module and never decides on its own. Two questions:

* *Reading*: :func:`readable` (a SQL condition for lists) and :func:`may_read` (one
  report) for an actor: a staff member, a resident, or nobody (the public).
  :func:`audience` says which view of a report the actor gets (the read model builds it).
* *Acting*: :func:`refusal` answers why a staff action is refused on a report right now
  (or ``None``); :func:`require` raises that refusal, and :func:`allowed_actions` lists
  exactly the actions whose refusal is ``None``. The services call :func:`require`
  before they act, so what a view lists is what the API then accepts.

The rules, decided once:

* A handling unit's staff read and work their unit's reports. When a case is overdue it
  is escalated to the unit's supervising unit, whose staff then see it on their desk
  (listed with ``escalated_to`` their unit) and read it, but never act on it.
* The coordinator's office and administrators read everything and route, refuse,
  merge, close, ask the resident and decide extensions. Moderators read everything and
  refuse, merge and ask the resident. Only these roles see who filed a report.
* A report open on its unit is given to a named officer of it by the unit's head, the
  coordinator's office and administrators (any officer too with ``ASSIGN_BY_ANY_OFFICER``).
* A report held for moderation is handled in the moderation queue only: every
  workflow action answers ``409 in_moderation`` and none is listed until a moderator
  approves it.
* An operator (role ``operator``) files reports on residents' behalf (operator intake;
  the coordinator's office and administrators may too) and reads the reports they filed,
  as a handling unit reads them (personal data masked, never the reporter's account, the
  internal side included), acting on none.
* Residents read their own reports in full and anyone else's public record; the public
  reads published reports (not refused, not held, not refused by a moderator).
* Provinces are tenants: a staff member of a province (``province_id`` set) reads and acts
  only on that province's reports, units, staff and routing rules, whatever the role (an
  administrator of one province manages only it); national staff (no province, e.g. the
  national administrator) read and act in every province. Out of scope reads as absent
  (404), as for any report one may not read.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, false, or_, true

from backend.domain.roles import (
    CITYWIDE_ROLES,
    DEPARTMENT_ROLES,
    INTAKE_ROLES,
    REPORTER_VISIBLE_ROLES,
    Role,
)
from backend.domain.sla import ClockKind
from backend.domain.text import N_, Msgid
from backend.domain.vocabulary import ModerationStatus
from backend.domain.workflow import FINAL_STATUSES, STATUS_NAMES, TRANSITIONS, Action, Status
from backend.errors import DomainError
from backend.models import Report, Resident, StaffUser
from backend.models.sla import ExtensionStatus
from backend.services import sla
from backend.services.policy_open311 import may_manage_open311_key as may_manage_open311_key
from backend.services.policy_open311 import may_manage_open311_keys as may_manage_open311_keys
from backend.services.policy_provinces import (
    in_province,
    in_scope_sql,
    province_scope,
)
from backend.services.policy_provinces import managed_province as managed_province
from backend.services.policy_vocabulary import (
    _COORDINATOR,
    _MODERATOR,
    _UNIT,
    ASSIGNABLE_STATUSES,
    HIDDEN_FROM_PUBLIC,
    MODERATION_ROLES,
    WORKFLOW,
    ActionNotAllowed,
    AlreadyAccepted,
    AlreadyWaiting,
    Audience,
    InModeration,
    NoPendingExtension,
    StaffAction,
)
from backend.services.sla import (
    ApologyAlreadyGiven,
    ApologyNotDue,
    ExtensionPending,
    ExtensionTooLate,
    NoRunningClock,
)
from backend.services.timeline import InvalidTransitionError, transition_error


def _transition_error(status: Status, action: Action) -> DomainError:
    return transition_error(status, action)


# ---- who the actor is to this report -------------------------------------------------------


def is_unit_staff(staff: StaffUser) -> bool:
    return staff.role in DEPARTMENT_ROLES


def is_operator(staff: StaffUser) -> bool:
    """An operator reads only the reports they entered (operator intake)."""
    return staff.role == Role.OPERATOR


def may_file_for_residents(staff: StaffUser) -> bool:
    """Operators, the coordinator's office and administrators enter reports taken by
    hotline, Zalo, e-mail, letter or at the counter on a resident's behalf."""
    return staff.active and staff.role in INTAKE_ROLES


def sees_reporter(staff: StaffUser) -> bool:
    """Only the coordinator's office, moderators and administrators know who filed a report."""
    return staff.role in REPORTER_VISIBLE_ROLES


def handles(staff: StaffUser, report: Report) -> bool:
    """The staff member's unit is the one handling the report."""
    return (
        is_unit_staff(staff)
        and staff.department_id is not None
        and report.department_id == staff.department_id
    )


def supervises(staff: StaffUser, report: Report) -> bool:
    """The report was escalated to the staff member's unit as the supervising unit."""
    return (
        is_unit_staff(staff)
        and staff.department_id is not None
        and report.escalated_to_id == staff.department_id
        and not handles(staff, report)
    )


def officers_assign() -> bool:
    """Any officer of a unit (not only its head) gives its reports to a named officer."""
    return bool(current_app.config.get("ASSIGN_BY_ANY_OFFICER", False))


def _role_actions(staff: StaffUser) -> frozenset[StaffAction]:
    if is_unit_staff(staff):
        if staff.role == Role.DEPARTMENT_OFFICER and not officers_assign():
            return _UNIT - {StaffAction.ASSIGN_OFFICER}
        return _UNIT
    if staff.role == Role.MODERATOR:
        return _MODERATOR
    return _COORDINATOR if staff.role in CITYWIDE_ROLES else frozenset()


def may_moderate(staff: StaffUser) -> bool:
    return staff.role in MODERATION_ROLES


#: Who may read the routing rules and ask the tester where a report would go.
ROUTING_READERS = CITYWIDE_ROLES


def may_read_routing(staff: StaffUser) -> bool:
    return staff.active and staff.role in ROUTING_READERS


def may_change_routing(staff: StaffUser) -> bool:
    """Only administrators change the routing rules."""
    return staff.active and staff.role == Role.ADMIN


# ---- reading ----------------------------------------------------------------------------------


def published() -> ColumnElement[bool]:
    """Publicly visible: not refused, and not waiting in (or refused by) moderation."""
    return Report.status.not_in([s.value for s in HIDDEN_FROM_PUBLIC]) & (
        Report.moderation_status.is_(None)
        | (Report.moderation_status == ModerationStatus.APPROVED.value)
    )


def is_published(report: Report) -> bool:
    return report.status not in HIDDEN_FROM_PUBLIC and report.moderation_status in (
        None,
        ModerationStatus.APPROVED,
    )


def readable(actor: StaffUser | Resident | None) -> ColumnElement[bool]:
    """The reports ``actor`` may list or read, as a SQL condition on ``Report``."""
    if isinstance(actor, StaffUser):
        return _staff_readable(actor) & in_scope_sql(actor, Report.province_id)
    if isinstance(actor, Resident):
        return or_(Report.reporter_id == actor.id, published())
    return published()


def _staff_readable(actor: StaffUser) -> ColumnElement[bool]:
    if is_operator(actor):
        return Report.entered_by_id == actor.id
    if not is_unit_staff(actor):
        return true()
    if actor.department_id is None:
        return false()
    return or_(
        Report.department_id == actor.department_id,
        Report.escalated_to_id == actor.department_id,
    )


def may_read(actor: StaffUser | Resident | None, report: Report | None) -> bool:
    if report is None:
        return False
    if isinstance(actor, StaffUser):
        if not in_province(actor, report.province_id):
            return False
        if is_operator(actor):
            return report.entered_by_id is not None and report.entered_by_id == actor.id
        return not is_unit_staff(actor) or handles(actor, report) or supervises(actor, report)
    if isinstance(actor, Resident) and report.reporter_id == actor.id:
        return True
    return is_published(report)


def audience(actor: StaffUser | Resident | None, report: Report) -> Audience:
    if isinstance(actor, StaffUser):
        return Audience.OVERSIGHT if sees_reporter(actor) else Audience.UNIT
    if isinstance(actor, Resident):
        return Audience.REPORTER if report.reporter_id == actor.id else Audience.FOLLOWER
    return Audience.PUBLIC


def internal_history_start(staff: StaffUser, report: Report) -> int:
    """From which timeline entry on the staff member sees the internal side (notes, who).

    A handling unit sees internal notes only from the moment the report was last sent to
    it (what happened at other units stays theirs); a supervising unit that never handled
    an escalated case sees only its public side; the coordinator's office sees everything.
    """
    if not is_unit_staff(staff):
        return 0
    arrivals = [
        index
        for index, event in enumerate(report.events)
        if event.department_id == staff.department_id
        and event.type in (Action.ASSIGN, Action.FORWARD, Action.REOPEN)
    ]
    return arrivals[-1] if arrivals else len(report.events)


def sees_unit_staff(staff: StaffUser, department) -> bool:
    """May list ``department``'s officers: its own staff, the coordinator, administrators
    (of its province, or national)."""
    if is_unit_staff(staff):
        return staff.department_id is not None and staff.department_id == department.id
    return staff.role in CITYWIDE_ROLES and in_province(staff, department.province_id)


def sees_assignee(staff: StaffUser, report: Report) -> bool:
    """Who works a report is the handling unit's (and oversight's), not a supervisor's."""
    return not is_unit_staff(staff) or handles(staff, report)


def assignees_readable(staff: StaffUser):
    """SQL twin of :func:`sees_assignee`: the reports whose officer ``staff`` may know
    (filtering by officer must not tell a supervisor who works another unit's case)."""
    return Report.department_id == staff.department_id if is_unit_staff(staff) else true()


def stats_units(staff: StaffUser) -> set[str] | None:
    """The units whose timeliness figures the staff member reads on the desk (None: all)."""
    if is_unit_staff(staff):
        return {staff.department.code} if staff.department else set()
    return None


def watches_operations(staff: StaffUser) -> bool:
    """The operations view (the city's live board, map and trends): the coordinator's
    office and administrators; a unit's staff have their desk and its figures."""
    return staff.role in CITYWIDE_ROLES


def watches_provinces(staff: StaffUser) -> bool:
    """The national view (the provinces ranked, each one's board): national staff, i.e.
    those who watch operations and belong to no province."""
    return watches_operations(staff) and province_scope(staff) is None


# ---- acting ------------------------------------------------------------------------------


def workflow_action(action: StaffAction, status: Status) -> Action | None:
    """The transition ``action`` performs on a report in ``status`` (None: no status change
    of its own): forwarding a new report is its first assignment."""
    if action == StaffAction.FORWARD and status == Status.NEW:
        return Action.ASSIGN
    return WORKFLOW.get(action)


def pending_extension(report: Report):
    return next((e for e in report.extension_requests if e.status == ExtensionStatus.PENDING), None)


def refusal(
    staff: StaffUser,
    action: StaffAction,
    report: Report,
    now: datetime,
    *,
    moderating: bool = False,
) -> DomainError | None:
    """Why ``staff`` may not do ``action`` to ``report`` now, or None when they may.

    ``moderating``: the moderation queue's decision on a held report (refuse, merge, ask
    the resident), which only the moderation roles make.
    """
    if not in_province(staff, report.province_id):
        return ActionNotAllowed()  # another province's report: never acted on
    if moderating:
        if not may_moderate(staff) or action not in _MODERATOR:
            return ActionNotAllowed()
    elif action not in _role_actions(staff):
        return ActionNotAllowed()
    elif report.moderation_status == ModerationStatus.PENDING:
        return InModeration()
    if is_unit_staff(staff) and not handles(staff, report):
        return ActionNotAllowed()  # a supervising unit reads an escalated report, never acts
    status = Status(report.status)
    transition = workflow_action(action, status)
    if transition is not None and status not in TRANSITIONS[transition].sources:
        return _transition_error(status, transition)
    if action == StaffAction.ASSIGN_OFFICER and status not in ASSIGNABLE_STATUSES:
        return InvalidTransitionError(
            N_("Cannot assign an officer to a report that is “%(status)s”."),
            params={"status": Msgid(STATUS_NAMES[status])},
        )
    if action == StaffAction.ACCEPT and report.accepted_at is not None:
        return AlreadyAccepted()
    if action == StaffAction.REQUEST_INFO and report.waiting_since is not None:
        return AlreadyWaiting()
    if action in (StaffAction.REQUEST_EXTENSION, StaffAction.APOLOGISE):
        clock = next(iter(sla.open_clocks(report, ClockKind.HANDLE)), None)
        if clock is None or status in FINAL_STATUSES:
            return NoRunningClock()
        late = clock.overdue_at is not None or sla.deadline_passed(clock, now)
        if action == StaffAction.REQUEST_EXTENSION:
            if late:
                return ExtensionTooLate()  # the apology is the path once late
            if pending_extension(report) is not None:
                return ExtensionPending()
        elif not late:
            return ApologyNotDue()
        elif clock.apology_at is not None:
            return ApologyAlreadyGiven()
    if action == StaffAction.DECIDE_EXTENSION and pending_extension(report) is None:
        return NoPendingExtension()
    return None


def require(
    staff: StaffUser,
    action: StaffAction,
    report: Report,
    now: datetime,
    *,
    moderating: bool = False,
) -> None:
    """Raise the refusal, if any: the services call this before they act."""
    refused = refusal(staff, action, report, now, moderating=moderating)
    if refused is not None:
        raise refused


def require_role(staff: StaffUser, action: StaffAction) -> None:
    """Before any lookup an action's input needs (no probing of codes by other roles)."""
    if action not in _role_actions(staff):
        raise ActionNotAllowed()


def allowed_actions(staff: StaffUser, report: Report, now: datetime) -> list[StaffAction]:
    """The actions ``staff`` may take on ``report`` now: exactly those :func:`require` lets
    through, in the staff API's order."""
    return [a for a in StaffAction if refusal(staff, a, report, now) is None]
