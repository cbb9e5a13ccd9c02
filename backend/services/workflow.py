"""Staff actions on a report. Whether the actor may is the access policy's answer
(:func:`backend.services.policy.require`), asked before anything changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from backend.db import db
from backend.domain.sla import ClockKind
from backend.domain.text import N_
from backend.domain.vocabulary import EventKind, ModerationStatus
from backend.domain.workflow import Status
from backend.errors import Conflict, ValidationFailed
from backend.jobs import RENDITIONS_JOB, enqueue
from backend.models import Department, Report, StaffUser
from backend.models.event import ActorKind
from backend.models.photo import PhotoKind
from backend.services import lookup, officers, photos, policy, sla, timeline
from backend.services.policy import StaffAction
from backend.services.routing import coordinator
from backend.services.text_input import free_text
from backend.services.timeline import record


def _act(
    staff: StaffUser,
    report: Report,
    action: StaffAction,
    now: datetime,
    *,
    moderating: bool = False,
    **kwargs,
):
    policy.require(staff, action, report, now, moderating=moderating)
    transition = policy.workflow_action(action, Status(report.status))
    return record(report, transition, now, actor=staff, actor_kind=ActorKind.STAFF, **kwargs)


def accept(staff: StaffUser, report: Report, now: datetime) -> Report:
    _act(staff, report, StaffAction.ACCEPT, now)
    report.accepted_at = now
    sla.complete(report, ClockKind.ACCEPT, now)
    return report


def start(staff: StaffUser, report: Report, now: datetime, note: str | None = None) -> Report:
    _act(staff, report, StaffAction.START, now, note=free_text(note, "note", required=False))
    report.accepted_at = report.accepted_at or now
    sla.complete(report, ClockKind.ACCEPT, now)
    return report


def post_update(staff: StaffUser, report: Report, now: datetime, note: str) -> Report:
    _act(staff, report, StaffAction.UPDATE, now, note=free_text(note, "note", required=True))
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
    policy.require(staff, StaffAction.RESOLVE, report, now)
    text = free_text(response, "response", required=True)
    inspected = photos.inspect_all(uploads, max_photos=max_photos)
    _act(staff, report, StaffAction.RESOLVE, now, note=text)
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
        StaffAction.RETURN,
        now,
        department=coordinator(report.province_id),
        note="Đơn vị xử lý trả lại phản ánh cho đầu mối để phân công lại.",
        internal_note=reason_text,
    )
    report.accepted_at = None
    sla.end_clocks(report, now)
    return report


def forward(
    staff: StaffUser, report: Report, now: datetime, department_code: str, note: str | None
) -> Report:
    policy.require_role(staff, StaffAction.FORWARD)  # before any lookup: no probing of codes
    department = db.session.scalar(
        select(Department).where(Department.code == department_code, Department.active.is_(True))
    )
    if (
        department is None
        or department.is_coordinator
        # Never across provinces: a province's reports go to its own units.
        or (report.province_id is not None and department.province_id != report.province_id)
    ):
        raise ValidationFailed(
            N_("Unknown handling unit."),
            code="unknown_department",
            fields={"department": ["Unknown handling unit."]},
        )
    if department.id == report.department_id:
        raise Conflict(N_("The report is already with this unit."), code="already_assigned")
    _act(
        staff,
        report,
        StaffAction.FORWARD,
        now,
        department=department,
        internal_note=free_text(note, "note", required=False),
    )
    report.assigned_at = now
    report.accepted_at = None
    sla.start_clocks(report, department, now)
    return report


def reject(
    staff: StaffUser,
    report: Report,
    now: datetime,
    reason: str,
    *,
    reason_code: str | None = None,
    moderating: bool = False,
) -> Report:
    """Refuse the report; ``reason`` is the message the resident reads.

    ``moderating``: the moderation queue's refusal of a held report.
    """
    text = free_text(reason, "reason", required=True)
    _act(
        staff,
        report,
        StaffAction.REJECT,
        now,
        moderating=moderating,
        note=text,
        data={"reason_code": reason_code} if reason_code else None,
    )
    report.closed_at = now
    sla.end_clocks(report, now)
    _leave_moderation(report)
    photos.withdraw_public_files(report.photos)
    return report


def mark_duplicate(
    staff: StaffUser, report: Report, now: datetime, original_code: str, *, moderating=False
) -> Report:
    # Before any lookup: no probing of codes.
    policy.require(staff, StaffAction.DUPLICATE, report, now, moderating=moderating)
    original = lookup.by_code(original_code)
    if original is not None and original.province_id != report.province_id:
        original = None  # another province's report is unknown here (never linked across)
    # A duplicate of a duplicate points at the report that stands.
    seen = {report.id}
    while original is not None and original.duplicate_of_id is not None:
        if original.id in seen:
            break
        seen.add(original.id)
        original = db.session.get(Report, original.duplicate_of_id)
    if original is None:
        raise ValidationFailed(
            N_("The original report does not exist."),
            code="unknown_report",
            fields={"original": ["Unknown report code."]},
        )
    if original.id in seen:
        raise ValidationFailed(
            N_("A report cannot duplicate itself."),
            code="same_report",
            fields={"original": ["The same report."]},
        )
    _act(
        staff,
        report,
        StaffAction.DUPLICATE,
        now,
        moderating=moderating,
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


def _leave_moderation(report: Report) -> None:
    """Refused or merged: no longer waiting in the moderation queue."""
    if report.moderation_status == ModerationStatus.PENDING:
        report.moderation_status = ModerationStatus.REJECTED


def close(staff: StaffUser, report: Report, now: datetime) -> Report:
    _act(staff, report, StaffAction.CLOSE, now)
    report.closed_at = now
    return report


def request_info(
    staff: StaffUser, report: Report, now: datetime, question: str, *, moderating=False
) -> Report:
    """Ask the resident for more information: the SLA clocks stop until they answer."""
    # For the resident (their own view) and staff only: the question may name them.
    _act(
        staff,
        report,
        StaffAction.REQUEST_INFO,
        now,
        moderating=moderating,
        note=free_text(question, "question", required=True),
        public=False,
    )
    report.waiting_since = now
    sla.pause(report, now)
    return report


def request_extension(staff, report, now, reason: str, proposed):
    """The unit asks the coordinator for more time (gia hạn)."""
    policy.require(staff, StaffAction.REQUEST_EXTENSION, report, now)
    return sla.request_extension(
        staff, report, now, free_text(reason, "reason", required=True), proposed
    )


def decide_extension(staff, report, now, request_id: int, *, approve: bool, note: str | None):
    policy.require(staff, StaffAction.DECIDE_EXTENSION, report, now)
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
    policy.require(staff, StaffAction.APOLOGISE, report, now)
    return sla.apologise(staff, report, now, free_text(reason, "reason", required=True), promised)


def assign_officer(staff: StaffUser, report: Report, now: datetime, officer: str | None) -> Report:
    """Give the report to the named officer of its unit (``officer``: a username), or to
    nobody (None): an internal timeline entry, and the officer is told.

    Giving it to whoever has it already changes nothing and records nothing (a retried
    request is answered with the report as it is). The assignee is cleared when the report
    leaves the unit (:func:`backend.services.timeline.record`).
    """
    policy.require(staff, StaffAction.ASSIGN_OFFICER, report, now)
    target = officers.assignable(report, officer) if officer is not None else None
    if report.assignee_id == (target.id if target else None):
        return report
    timeline.note(
        report,
        EventKind.OFFICER_ASSIGNED,
        now,
        actor=staff,
        data={"officer": officers.person(target), "previous": officers.person(report.assignee)},
    )
    report.assignee = target
    report.updated_at = now
    return report
