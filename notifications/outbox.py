"""Who hears about what: timeline events become outbox rows, in the event's transaction.

Subscribed to ``backend.signals.event_recorded``: the rows commit or roll back
with the event that caused them, and are pushed after the commit (see
:mod:`notifications.delivery`).

The same receiver clears a staff member's inbox of a report they act on: any timeline
entry a staff member writes (every workflow action, from the console or the API, and
the entries that move nothing: an extension asked for or decided, a moderation
decision, a report given to an officer...) marks their unread notifications about that
report read, at the entry's time, in the same transaction (acting on it is reading
what one was told about it). What that entry tells others is written after, unread.

The coordinators (role ``coordinator``, not the administrators) hear of the two things
waiting for them that no deadline announces: a unit's extension request
(``extension_requested``) and a report a unit returned for reassignment
(``report_returned``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from backend.db import after_commit, db
from backend.domain.privacy import mask_personal_data
from backend.domain.roles import Role
from backend.domain.sla import ClockKind
from backend.domain.text import N_
from backend.domain.vocabulary import EventKind as E
from backend.i18n import translate
from backend.jobs import dispatch
from backend.localtime import local_tz
from backend.models import Department, Report, ReportEvent, ReportFollower, StaffUser
from backend.models.category import Severity
from backend.models.department import DepartmentKind
from notifications.models import Notification
from notifications.models import NotificationKind as N

#: Event kind -> (notification kind for residents, also to followers?)
RESIDENT_KINDS: dict[E, tuple[N, bool]] = {
    E.SUBMIT: (N.RECEIVED, False),
    E.ASSIGN: (N.ASSIGNED, True),
    E.FORWARD: (N.ASSIGNED, True),
    E.START: (N.STARTED, True),
    E.UPDATE: (N.UPDATE, True),
    E.RESOLVE: (N.RESOLVED, True),
    E.APOLOGY: (N.APOLOGY, True),
    E.REJECT: (N.REJECTED, False),
    E.REQUEST_INFO: (N.INFO_REQUESTED, False),
}
#: Told to residents only when they carry a public note (a start without one says nothing
#: the status does not).
NOTE_ONLY = frozenset({E.START, E.UPDATE})
#: Event kind -> notification kind for staff.
STAFF_KINDS: dict[E, N] = {
    E.ASSIGN: N.NEW_ASSIGNMENT,
    E.FORWARD: N.NEW_ASSIGNMENT,
    E.SLA_REMINDER: N.SLA_REMINDER,
    E.OVERDUE: N.OVERDUE,
    E.ESCALATED: N.ESCALATED,
    E.EXTENSION_DECIDED: N.EXTENSION_DECIDED,
    # Recorded by the rating feature: a resident's rating, a report reopened after one.
    E.RATED: N.RESIDENT_RATED,
    E.REOPEN: N.REPORT_REOPENED,
    # Given to a named officer of the unit: that officer only (see _staff).
    E.OFFICER_ASSIGNED: N.OFFICER_ASSIGNED,
    # Waiting for the coordinators' decision: the coordinators only (see _staff).
    E.EXTENSION_REQUESTED: N.EXTENSION_REQUESTED,
    E.RETURN: N.REPORT_RETURNED,
}
#: Told to the active coordinator accounts (role coordinator), not to the unit's staff.
COORDINATOR_EVENTS = frozenset({E.EXTENSION_REQUESTED, E.RETURN})
#: The same deadline events on the accept clock: about accepting the report, not handling
#: it (a report nobody accepted goes overdue on both clocks, and must not read as twins).
ACCEPT_CLOCK_KINDS: dict[E, N] = {
    E.SLA_REMINDER: N.ACCEPT_REMINDER,
    E.OVERDUE: N.ACCEPT_OVERDUE,
    E.ESCALATED: N.ACCEPT_ESCALATED,
}
#: Always pushed at once, whatever the hour.
URGENT_KINDS = frozenset({N.ACCEPT_ESCALATED, N.ESCALATED, N.PROMISE_ESCALATED})


def staff_kind(kind: E, data: dict) -> N | None:
    """What staff are told of an event of this kind (None: nothing)."""
    if data.get("clock") == ClockKind.ACCEPT and kind in ACCEPT_CLOCK_KINDS:
        return ACCEPT_CLOCK_KINDS[kind]
    if kind == E.ESCALATED and data.get("reason") == E.PROMISE_MISSED:
        return N.PROMISE_ESCALATED
    return STAFF_KINDS.get(kind)


def on_event_recorded(report: Report, event: ReportEvent, **_kwargs) -> None:
    """Receiver of ``event_recorded``: add the notifications this event causes."""
    if not current_app.extensions.get("notifications"):
        return
    kind = E(event.type)  # a misspelt kind fails here, it is not silently unrouted
    clear_for_actor(report, event)
    resident_kind = RESIDENT_KINDS.get(kind)
    if kind in NOTE_ONLY and not (event.public and event.note):
        resident_kind = None
    kinds = (resident_kind, staff_kind(kind, event.data or {}))
    if kinds == (None, None):
        return
    with db.session.no_autoflush:  # intake is still filling the report in
        params = _params(report, event)
        rows = []
        if kinds[0]:
            notification_kind, followers_too = kinds[0]
            for resident_id in _residents(report, followers_too):
                rows.append(Notification(resident_id=resident_id, kind=notification_kind))
        if kinds[1]:
            for staff_id in _staff(report, event):
                rows.append(Notification(staff_id=staff_id, kind=kinds[1]))
    now = event.at
    for row in rows:
        row.event = event
        row.report = report
        row.params = params
        row.created_at = now
        row.urgent = report.severity == Severity.URGENT or row.kind in URGENT_KINDS
        row.next_attempt_at = now if row.urgent else after_quiet_hours(now)
        row.delivered_tokens = []
        db.session.add(row)
    if rows:
        after_commit(_dispatch)


def clear_for_actor(report: Report, event: ReportEvent) -> None:
    """A staff member acting on the report has read what they were told about it."""
    staff_id = event.actor_staff_id
    if staff_id is None or report.id is None:
        return
    with db.session.no_autoflush:  # the action is half done: nothing is flushed early
        db.session.execute(
            update(Notification)
            .where(
                Notification.staff_id == staff_id,
                Notification.report_id == report.id,
                Notification.read_at.is_(None),
            )
            .values(read_at=event.at)
            .execution_options(synchronize_session="fetch")
        )
        for row in db.session.new:  # told earlier in this same transaction
            told = isinstance(row, Notification) and row.staff_id == staff_id
            if told and row.report is report and row.read_at is None:
                row.read_at = event.at


def _dispatch() -> None:
    dispatch("notifications.delivery:deliver_due")


def _params(report: Report, event: ReportEvent) -> dict:
    category = report.category
    tz = local_tz()
    data = event.data or {}
    due = data.get("promised_due_at") or data.get("due_at")
    due = due or data.get("proposed_due_at")
    approved = data.get("approved")
    decision = N_("Approved.") if approved else N_("Denied.")
    department = report.department
    if event.type in COORDINATOR_EVENTS and event.actor_staff_id is not None:
        # The unit that asks or returns (a returned report is already the coordinator's).
        actor = db.session.get(StaffUser, event.actor_staff_id)
        department = actor.department or department
    return {
        "category_vi": category.name_vi,
        "category_en": category.name_en,
        "department": department.name if department else "",
        "note": mask_personal_data(event.note) if event.note else "",
        "date": datetime.fromisoformat(due).astimezone(tz).strftime("%d/%m/%Y") if due else "",
        "percent": str(round(100 * data["fraction"])) if "fraction" in data else "",
        "decision_vi": translate(decision, "vi"),
        "decision_en": translate(decision, "en"),
        "rating": str(data.get("rating", "")),
    }


def _residents(report: Report, followers_too: bool) -> list[int]:
    ids = [report.reporter.id]
    if followers_too and report.id is not None:
        ids += db.session.scalars(
            select(ReportFollower.resident_id).where(ReportFollower.report_id == report.id)
        ).all()
    return list(dict.fromkeys(ids))


def _staff(report: Report, event: ReportEvent) -> list[int]:
    data = event.data or {}
    if event.type == E.OFFICER_ASSIGNED:
        return _assignee(event, data)
    if event.type in COORDINATOR_EVENTS:
        return _coordinators(report)
    if event.type == E.ESCALATED:
        codes = data.get("to", [])
        departments = select(Department.id).where(Department.code.in_(codes))
    elif event.type in (E.ASSIGN, E.FORWARD):
        target = event.department or report.department
        departments = select(Department.id).where(Department.id == target.id)
    else:
        code = data.get("department") or (report.department.code if report.department else "")
        departments = select(Department.id).where(
            Department.code == code, Department.kind != DepartmentKind.COORDINATOR
        )
    return list(
        db.session.scalars(
            select(StaffUser.id).where(
                StaffUser.department_id.in_(departments), StaffUser.active.is_(True)
            )
        )
    )


def _coordinators(report: Report) -> list[int]:
    """The coordinators of the report's province (and national ones), never another's."""
    stmt = select(StaffUser.id).where(
        StaffUser.role == Role.COORDINATOR, StaffUser.active.is_(True)
    )
    if report.province_id is not None:
        stmt = stmt.where(
            (StaffUser.province_id == report.province_id) | StaffUser.province_id.is_(None)
        )
    return list(db.session.scalars(stmt))


def _assignee(event: ReportEvent, data: dict) -> list[int]:
    """The officer the report was given to, unless they took it themselves (an unassignment
    tells nobody)."""
    officer = data.get("officer") or {}
    if not officer.get("username"):
        return []
    found = db.session.scalar(
        select(StaffUser.id).where(
            StaffUser.username == officer["username"], StaffUser.active.is_(True)
        )
    )
    return [] if found is None or found == event.actor_staff_id else [found]


def after_quiet_hours(now: datetime) -> datetime:
    """Non-urgent pushes wait for the morning (``QUIET_HOURS``, default 22:00-06:30 local)."""
    start, end = current_app.config["QUIET_HOURS"]
    local = now.astimezone(local_tz())
    clock = local.time()
    quiet = clock >= start or clock < end if start > end else start <= clock < end
    if not quiet:
        return now
    day = local.date() + (timedelta(days=1) if clock >= start and start > end else timedelta())
    return datetime.combine(day, end, local.tzinfo)
