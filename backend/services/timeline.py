"""Appending to a report's timeline and moving it through the state machine."""

from __future__ import annotations

from datetime import datetime

from backend.db import db
from backend.domain.text import N_, Msgid
from backend.domain.vocabulary import EventKind
from backend.domain.workflow import (
    STATUS_NAMES,
    Action,
    InvalidTransition,
    Status,
    next_status,
)
from backend.errors import Conflict
from backend.models import Department, Report, ReportEvent, Resident, StaffUser
from backend.models.event import ActorKind
from backend.signals import event_recorded

#: Why an action does not apply: one whole sentence per action, to translate as such.
_CANNOT = {
    Action.SUBMIT: N_("Cannot submit a report that is “%(status)s”."),
    Action.ASSIGN: N_("Cannot assign a report that is “%(status)s”."),
    Action.FORWARD: N_("Cannot forward a report that is “%(status)s”."),
    Action.ACCEPT: N_("Cannot accept a report that is “%(status)s”."),
    Action.START: N_("Cannot start a report that is “%(status)s”."),
    Action.UPDATE: N_("Cannot update a report that is “%(status)s”."),
    Action.RESOLVE: N_("Cannot resolve a report that is “%(status)s”."),
    Action.RETURN: N_("Cannot return a report that is “%(status)s”."),
    Action.REJECT: N_("Cannot reject a report that is “%(status)s”."),
    Action.MARK_DUPLICATE: N_("Cannot mark duplicate a report that is “%(status)s”."),
    Action.CLOSE: N_("Cannot close a report that is “%(status)s”."),
    Action.REOPEN: N_("Cannot reopen a report that is “%(status)s”."),
    Action.REQUEST_INFO: N_("Cannot request info a report that is “%(status)s”."),
    Action.PROVIDE_INFO: N_("Cannot provide info a report that is “%(status)s”."),
}


#: The report leaves its handling unit: the officer it was given to no longer has it.
_LEAVES_UNIT = frozenset({Status.RETURNED, Status.REJECTED, Status.DUPLICATE})


class InvalidTransitionError(Conflict):
    code = "invalid_transition"


def transition_error(status: Status | None, action: Action) -> InvalidTransitionError:
    """``action`` does not apply to a report in ``status`` (None: not submitted yet)."""
    name = STATUS_NAMES[status] if status else N_("not submitted")
    return InvalidTransitionError(_CANNOT[action], params={"status": Msgid(name)})


def record(
    report: Report,
    action: Action,
    now: datetime,
    *,
    actor: Resident | StaffUser | None = None,
    actor_kind: ActorKind = ActorKind.SYSTEM,
    department: Department | None = None,
    note: str | None = None,
    internal_note: str | None = None,
    public: bool = True,
    data: dict | None = None,
) -> ReportEvent:
    """Apply ``action`` to the report and append the matching timeline event."""
    current = Status(report.status) if report.events else None
    try:
        target = next_status(current, action)
    except InvalidTransition as exc:
        raise transition_error(current, action) from exc
    event = ReportEvent(
        at=now,
        type=action.value,
        actor_kind=actor_kind,
        actor_staff_id=actor.id if isinstance(actor, StaffUser) else None,
        actor_resident_id=actor.id if isinstance(actor, Resident) else None,
        department=department,
        from_status=current.value if current else None,
        to_status=target.value,
        public=public,
        note=note,
        internal_note=internal_note,
        data=data,
    )
    report.events.append(event)
    moved = department is not None and department is not report.department
    if report.assignee_id is not None and (moved or target in _LEAVES_UNIT):
        report.assignee = None
    report.status = target.value
    report.updated_at = now
    if department is not None:
        report.department = department
    event_recorded.send(report, event=event)
    return event


def note(
    report: Report,
    kind: EventKind,
    now: datetime,
    *,
    public: bool = False,
    note: str | None = None,
    internal_note: str | None = None,
    data: dict | None = None,
    actor: StaffUser | Resident | None = None,
) -> ReportEvent:
    """Append a timeline entry that does not move the report (reminders, apologies, ratings...).

    Added by id, so that the sweep does not load every report's whole timeline. ``kind``
    must name an EventKind (a misspelt kind raises ValueError here, before any row); a
    workflow action goes through :func:`record` instead, which moves the report.
    """
    kind = entry_kind(kind)
    if kind.action is not None:
        raise ValueError(f"{kind.value} is a workflow action: record() it")
    if isinstance(actor, Resident):
        actor_kind = ActorKind.RESIDENT
    else:
        actor_kind = ActorKind.STAFF if actor else ActorKind.SYSTEM
    event = ReportEvent(
        report_id=report.id,
        at=now,
        type=kind.value,
        actor_kind=actor_kind,
        actor_staff_id=actor.id if isinstance(actor, StaffUser) else None,
        actor_resident_id=actor.id if isinstance(actor, Resident) else None,
        from_status=report.status,
        to_status=report.status,
        public=public,
        note=note,
        internal_note=internal_note,
        data=data,
    )
    db.session.add(event)
    event_recorded.send(report, event=event)
    return event


def entry_kind(kind: EventKind | str) -> EventKind:
    """The EventKind named by ``kind``; anything else is refused (ValueError)."""
    if isinstance(kind, EventKind):
        return kind
    try:
        return EventKind(kind)
    except ValueError:
        raise ValueError(f"not a timeline entry kind: {kind!r}") from None
