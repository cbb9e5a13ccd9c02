"""Staff actions on a report: what each role may do, on which reports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from backend.db import db
from backend.domain.roles import DEPARTMENT_ROLES, Role
from backend.domain.sla import ClockKind
from backend.domain.text import tracking_code
from backend.domain.workflow import Action, Status, allowed_actions
from backend.errors import Conflict, Forbidden, ReportNotFound, ValidationFailed
from backend.jobs import RENDITIONS_JOB, enqueue
from backend.models import Department, Report, StaffUser
from backend.models.event import ActorKind
from backend.models.photo import PhotoKind
from backend.services import photos, sla
from backend.services.routing import coordinator
from backend.services.text_input import free_text
from backend.services.timeline import record

#: What the handling unit does with its own reports.
DEPARTMENT_ACTIONS = frozenset(
    {Action.ACCEPT, Action.START, Action.UPDATE, Action.RESOLVE, Action.RETURN, Action.REQUEST_INFO}
)
#: What the coordinator's office does with any report.
COORDINATOR_ACTIONS = frozenset(
    {
        Action.FORWARD,
        Action.REJECT,
        Action.MARK_DUPLICATE,
        Action.CLOSE,
        Action.UPDATE,
        Action.REQUEST_INFO,
    }
)
#: What moderators do: refuse, merge duplicates, ask the resident for more.
MODERATOR_ACTIONS = frozenset({Action.REJECT, Action.MARK_DUPLICATE, Action.REQUEST_INFO})
#: Action -> the staff API endpoint that performs it.
ENDPOINTS = {
    Action.ACCEPT: "accept",
    Action.START: "start",
    Action.UPDATE: "updates",
    Action.RESOLVE: "resolve",
    Action.RETURN: "return",
    Action.FORWARD: "forward",
    Action.REJECT: "reject",
    Action.MARK_DUPLICATE: "duplicate",
    Action.CLOSE: "close",
    Action.REQUEST_INFO: "request-info",
}


class ActionNotAllowed(Forbidden):
    code = "action_not_allowed"
    message_vi = "Vai trò của bạn không được thực hiện thao tác này."
    message_en = "Your role may not perform this action."


class AlreadyAccepted(Conflict):
    code = "already_accepted"
    message_vi = "Phản ánh đã được tiếp nhận."
    message_en = "The report has already been accepted."


def visible_to(staff: StaffUser, report: Report | None) -> bool:
    if report is None:
        return False
    if staff.role in DEPARTMENT_ROLES:
        # Its own reports, and those escalated to it as the supervising unit.
        return staff.department_id is not None and staff.department_id in (
            report.department_id,
            report.escalated_to_id,
        )
    return True


def internal_history_hidden_from(staff: StaffUser, report: Report) -> int:
    """How many timeline entries (from the start) carry other units' internal notes.

    A handling unit sees the internal side of the timeline only from the moment
    the report was last sent to it; the coordinator's office sees everything.
    """
    if staff.role not in DEPARTMENT_ROLES:
        return 0
    arrivals = [
        index
        for index, event in enumerate(report.events)
        if event.department_id == staff.department_id
        and event.type in (Action.ASSIGN, Action.FORWARD, Action.REOPEN)
    ]
    return arrivals[-1] if arrivals else len(report.events)


def find_report(code: str) -> Report | None:
    """By tracking code, as typed: case and surrounding spaces do not matter."""
    return db.session.scalar(select(Report).where(Report.code == tracking_code(code)))


def get_for_staff(staff: StaffUser, code: str) -> Report:
    """A report the staff member may see; anything else is indistinguishable from absent."""
    report = find_report(code)
    if not visible_to(staff, report):
        raise ReportNotFound()
    return report


def _role_actions(staff: StaffUser) -> frozenset[Action]:
    if staff.role in DEPARTMENT_ROLES:
        return DEPARTMENT_ACTIONS
    if staff.role == Role.MODERATOR:
        return MODERATOR_ACTIONS
    return COORDINATOR_ACTIONS if staff.citywide else frozenset()


def _authorise(staff: StaffUser, action: Action) -> None:
    if action not in _role_actions(staff):
        raise ActionNotAllowed()


def available_actions(staff: StaffUser, report: Report) -> list[str]:
    """The action endpoints this staff member may call on the report right now."""
    status = Status(report.status)
    possible = set(allowed_actions(status))
    if report.accepted_at is not None:
        possible.discard(Action.ACCEPT)
    if status == Status.NEW:
        possible.add(Action.FORWARD)  # the first assignment goes through the same endpoint
    if report.waiting_since is not None:
        possible.discard(Action.REQUEST_INFO)
    if staff.role in DEPARTMENT_ROLES and report.department_id != staff.department_id:
        return []  # a supervising unit reads an escalated report
    mine = _role_actions(staff)
    actions = [ENDPOINTS[a] for a in ENDPOINTS if a in possible and a in mine]
    handle = next(iter(sla.open_clocks(report, ClockKind.HANDLE)), None)
    if handle is not None and Action.RESOLVE in mine:
        actions.append("extensions")
        if handle.overdue_at is not None and handle.apology_at is None:
            actions.append("apology")
    return actions


def _act(staff: StaffUser, report: Report, action: Action, now: datetime, **kwargs):
    _authorise(staff, action)
    if staff.role in DEPARTMENT_ROLES and report.department_id != staff.department_id:
        raise ActionNotAllowed()  # a supervising unit reads an escalated report, never acts
    return record(report, action, now, actor=staff, actor_kind=ActorKind.STAFF, **kwargs)


def accept(staff: StaffUser, report: Report, now: datetime) -> Report:
    if report.accepted_at is not None and report.status == Status.ASSIGNED:
        raise AlreadyAccepted()
    _act(staff, report, Action.ACCEPT, now)
    report.accepted_at = now
    sla.complete(report, ClockKind.ACCEPT, now)
    return report


def start(staff: StaffUser, report: Report, now: datetime, note: str | None = None) -> Report:
    _act(staff, report, Action.START, now, note=free_text(note, "note", required=False))
    report.accepted_at = report.accepted_at or now
    sla.complete(report, ClockKind.ACCEPT, now)
    return report


def post_update(staff: StaffUser, report: Report, now: datetime, note: str) -> Report:
    _act(staff, report, Action.UPDATE, now, note=free_text(note, "note", required=True))
    return report


def resolve(
    staff: StaffUser,
    report: Report,
    now: datetime,
    response: str,
    uploads: list[photos.Upload],
    *,
    max_photos: int,
) -> Report:
    text = free_text(response, "response", required=True)
    inspected = photos.inspect_all(uploads, max_photos=max_photos)
    _act(staff, report, Action.RESOLVE, now, note=text)
    report.response = text
    report.resolved_at = now
    report.accepted_at = report.accepted_at or now
    report.waiting_since = None
    sla.resolved(report, now)
    for item in inspected:
        report.photos.append(photos.store(item, PhotoKind.AFTER, now))
    db.session.flush()
    for photo in report.photos:
        if photo.kind == PhotoKind.AFTER and photo.thumb_key is None:
            enqueue(RENDITIONS_JOB, photo.id)
    return report


def return_to_coordinator(staff: StaffUser, report: Report, now: datetime, reason: str) -> Report:
    reason_text = free_text(reason, "reason", required=True)
    _act(
        staff,
        report,
        Action.RETURN,
        now,
        department=coordinator(),
        note="Đơn vị xử lý trả lại phản ánh cho đầu mối để phân công lại.",
        internal_note=reason_text,
    )
    report.accepted_at = None
    sla.end_clocks(report, now)
    return report


def forward(
    staff: StaffUser, report: Report, now: datetime, department_code: str, note: str | None
) -> Report:
    _authorise(staff, Action.FORWARD)  # before any lookup
    department = db.session.scalar(
        select(Department).where(Department.code == department_code, Department.active.is_(True))
    )
    if department is None or department.is_coordinator:
        raise ValidationFailed(
            "Đơn vị xử lý không tồn tại.",
            "Unknown handling unit.",
            code="unknown_department",
            fields={"department": ["Unknown handling unit."]},
        )
    if department.id == report.department_id:
        raise Conflict(
            "Phản ánh đã ở đơn vị này.",
            "The report is already with this unit.",
            code="already_assigned",
        )
    if report.moderation_status == "pending":
        raise InModeration()
    action = Action.ASSIGN if report.status == Status.NEW else Action.FORWARD
    record(
        report,
        action,
        now,
        actor=staff,
        actor_kind=ActorKind.STAFF,
        department=department,
        internal_note=free_text(note, "note", required=False),
    )
    report.assigned_at = now
    report.accepted_at = None
    sla.start_clocks(report, department, now)
    return report


def reject(
    staff: StaffUser, report: Report, now: datetime, reason: str, *, reason_code: str | None = None
) -> Report:
    """Refuse the report; ``reason`` is the message the resident reads."""
    text = free_text(reason, "reason", required=True)
    _act(
        staff,
        report,
        Action.REJECT,
        now,
        note=text,
        data={"reason_code": reason_code} if reason_code else None,
    )
    report.closed_at = now
    sla.end_clocks(report, now)
    _leave_moderation(report)
    photos.withdraw_public_files(report.photos)
    return report


def mark_duplicate(staff: StaffUser, report: Report, now: datetime, original_code: str) -> Report:
    _authorise(staff, Action.MARK_DUPLICATE)  # before any lookup: no probing of codes
    original = find_report(original_code)
    # A duplicate of a duplicate points at the report that stands.
    seen = {report.id}
    while original is not None and original.duplicate_of_id is not None:
        if original.id in seen:
            break
        seen.add(original.id)
        original = db.session.get(Report, original.duplicate_of_id)
    if original is None:
        raise ValidationFailed(
            "Không tìm thấy phản ánh gốc.",
            "The original report does not exist.",
            code="unknown_report",
            fields={"original": ["Unknown report code."]},
        )
    if original.id in seen:
        raise ValidationFailed(
            "Phản ánh không thể trùng với chính nó.",
            "A report cannot duplicate itself.",
            code="same_report",
            fields={"original": ["The same report."]},
        )
    _act(
        staff,
        report,
        Action.MARK_DUPLICATE,
        now,
        note=f"Trùng với phản ánh {original.code}.",
        data={"original": original.code},
    )
    report.duplicate_of_id = original.id
    report.closed_at = now
    _leave_moderation(report)
    # Touch the original: two reports marked as each other's duplicate at the same
    # moment then conflict on its version instead of forming a cycle.
    original.updated_at = now
    sla.end_clocks(report, now)
    return report


class InModeration(Conflict):
    code = "in_moderation"
    message_vi = "Phản ánh đang chờ kiểm duyệt; cần duyệt trước khi chuyển xử lý."
    message_en = "The report is waiting for moderation; approve it before forwarding."


def _leave_moderation(report: Report) -> None:
    """Refused or merged: no longer waiting in the moderation queue."""
    if report.moderation_status == "pending":
        report.moderation_status = "rejected"


def close(staff: StaffUser, report: Report, now: datetime) -> Report:
    _act(staff, report, Action.CLOSE, now)
    report.closed_at = now
    return report


class AlreadyWaiting(Conflict):
    code = "already_waiting_for_resident"
    message_vi = "Đang chờ người dân bổ sung thông tin."
    message_en = "Already waiting for the resident to answer."


def request_info(staff: StaffUser, report: Report, now: datetime, question: str) -> Report:
    """Ask the resident for more information: the SLA clocks stop until they answer."""
    if report.waiting_since is not None:
        raise AlreadyWaiting()
    # For the resident (their own view) and staff only: the question may name them.
    _act(
        staff,
        report,
        Action.REQUEST_INFO,
        now,
        note=free_text(question, "question", required=True),
        public=False,
    )
    report.waiting_since = now
    sla.pause(report, now)
    return report


def _authorise_unit(staff: StaffUser, report: Report) -> None:
    """Only the handling unit itself (not a supervising unit reading it) does this."""
    _authorise(staff, Action.RESOLVE)
    if report.department_id != staff.department_id:
        raise ActionNotAllowed()


def request_extension(staff, report, now, reason: str, proposed):
    """The unit asks the coordinator for more time (gia hạn)."""
    _authorise_unit(staff, report)
    return sla.request_extension(
        staff, report, now, free_text(reason, "reason", required=True), proposed
    )


def decide_extension(staff, report, now, request_id: int, *, approve: bool, note: str | None):
    _authorise(staff, Action.FORWARD)  # the coordinator decides
    return sla.decide_extension(
        staff,
        report,
        request_id,
        now,
        approve=approve,
        note_text=free_text(note, "note", required=False),
    )


def apologise(staff, report, now, reason: str, promised):
    """The unit's public apology when late, with a new promised date (once)."""
    _authorise_unit(staff, report)
    return sla.apologise(staff, report, now, free_text(reason, "reason", required=True), promised)
