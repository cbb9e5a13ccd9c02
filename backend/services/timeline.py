"""Appending to a report's timeline and moving it through the state machine."""

from __future__ import annotations

from datetime import datetime

from backend.db import db
from backend.domain.vocabulary import EventKind
from backend.domain.workflow import (
    STATUS_LABELS,
    Action,
    InvalidTransition,
    Status,
    next_status,
)
from backend.errors import Conflict
from backend.models import Department, Report, ReportEvent, Resident, StaffUser
from backend.models.event import ActorKind
from backend.signals import event_recorded

ACTION_VI = {
    Action.SUBMIT: "gửi",
    Action.ASSIGN: "phân công",
    Action.FORWARD: "chuyển xử lý",
    Action.ACCEPT: "tiếp nhận",
    Action.START: "bắt đầu xử lý",
    Action.UPDATE: "cập nhật",
    Action.RESOLVE: "trả lời kết quả xử lý",
    Action.RETURN: "trả lại",
    Action.REJECT: "từ chối",
    Action.MARK_DUPLICATE: "đánh dấu trùng",
    Action.CLOSE: "đóng",
    Action.REOPEN: "mở lại",
    Action.REQUEST_INFO: "yêu cầu bổ sung thông tin cho",
    Action.PROVIDE_INFO: "bổ sung thông tin cho",
}


#: The report leaves its handling unit: the officer it was given to no longer has it.
_LEAVES_UNIT = frozenset({Status.RETURNED, Status.REJECTED, Status.DUPLICATE})


class InvalidTransitionError(Conflict):
    code = "invalid_transition"


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
        vi, en = STATUS_LABELS[current] if current else ("chưa gửi", "not submitted")
        raise InvalidTransitionError(
            f"Không thể {ACTION_VI[action]} phản ánh ở trạng thái “{vi}”.",
            f"Cannot {action.value.replace('_', ' ')} a report that is “{en}”.",
        ) from exc
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
