"""Moderator actions. Each one is written to the report's timeline with the moderator
and the reason; none of them commits."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy import func, select

from backend.db import db
from backend.domain import phones
from backend.domain.privacy import mask_personal_data
from backend.domain.text import N_
from backend.domain.vocabulary import EventKind, ModerationStatus
from backend.domain.workflow import FINAL_STATUSES, Status
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.jobs import RENDITIONS_JOB, enqueue
from backend.models import Photo, Report, ReportFollower, StaffUser
from backend.models.photo import RenditionStatus
from backend.models.report import FollowerSource
from backend.models.resident_session import SessionEnd
from backend.services import (
    following,
    intake,
    lookup,
    nearby,
    photos,
    policy,
    queries,
    resident_sessions,
    routing,
    workflow,
)
from backend.services.queries import Page
from backend.services.text_input import free_text
from backend.services.timeline import note


class RejectReason(StrEnum):
    SPAM = "spam"
    ABUSIVE = "abusive"
    #: A complaint or denunciation that follows another legal procedure, or not a
    #: problem on the ground.
    OUT_OF_SCOPE = "out_of_scope"
    DUPLICATE = "duplicate"
    INSUFFICIENT_INFORMATION = "insufficient_information"


class NotPending(Conflict):
    code = "not_in_moderation_queue"
    message = N_("The report is not waiting for moderation.")


class ReportClosed(Conflict):
    code = "report_closed"
    message = N_("The report is already closed.")


def get(staff: StaffUser, code: str) -> Report:
    """A report for the moderation queue's actions (moderators read every report of their
    province; national moderators every report)."""
    return lookup.for_reader(staff, code)


def _held():
    return (Report.moderation_status == ModerationStatus.PENDING) & (Report.status == Status.NEW)


def is_held(report: Report) -> bool:
    """Waiting in the moderation queue: no moderator has decided on it yet."""
    return report.moderation_status == ModerationStatus.PENDING and report.status == Status.NEW


def held_count(staff: StaffUser) -> int:
    """How many reports wait in the moderator's queue (the console menu's badge)."""
    return (
        db.session.scalar(select(func.count(Report.id)).where(_held(), policy.readable(staff))) or 0
    )


def queue(staff: StaffUser, page: int, page_size: int) -> Page:
    """Reports waiting for a moderator, oldest first: the moderator's province's (the
    policy's reading scope: a national moderator's queue holds every province's)."""
    return queries.page_of(
        select(Report).where(_held(), policy.readable(staff)),
        page,
        page_size,
        with_events=True,
        oldest_first=True,
    )


#: Merge candidates shown for a held report.
SIMILAR_LIMIT = 5


def similar_reports(reports: list[Report], now: datetime) -> dict[int, list[tuple[Report, float]]]:
    """For each report (by id), the open public reports it may duplicate, nearest first:
    (report, metres). One search for all of them (a page of the queue)."""
    return nearby.suggest_near(
        reports,
        now,
        radius_m=current_app.config["DUPLICATE_RADIUS_M"],
        days=current_app.config["DUPLICATE_DAYS"],
        limit=SIMILAR_LIMIT,
    )


def similar_items(found: list[tuple[Report, float]]) -> list[dict]:
    """The API's ``similar_reports``: code, distance in metres, status."""
    return [
        {"code": other.code, "distance_m": round(metres, 1), "status": other.status}
        for other, metres in found
    ]


def approve(staff: StaffUser, report: Report, now: datetime, note_text: str | None) -> Report:
    """Publish it and send it on: routing and the SLA clocks start now."""
    if report.moderation_status != ModerationStatus.PENDING:
        raise NotPending()
    report.moderation_status = ModerationStatus.APPROVED
    note(
        report,
        EventKind.MODERATION_APPROVED,
        now,
        actor=staff,
        internal_note=free_text(note_text, "note"),
    )
    if report.status == Status.NEW:
        routing.route_new_report(report, now)
    return report


def reject(
    staff: StaffUser, report: Report, now: datetime, reason: RejectReason, message: str
) -> Report:
    """Refuse it, with a reason code and a message the resident reads."""
    return workflow.reject(staff, report, now, message, reason_code=reason, moderating=True)


def request_info(staff: StaffUser, report: Report, now: datetime, question: str) -> Report:
    """Ask the resident for more; the SLA clocks (if running) stop until they answer."""
    return workflow.request_info(staff, report, now, question, moderating=True)


def edit_public_text(
    staff: StaffUser, report: Report, now: datetime, text: str, reason: str
) -> Report:
    """Redact what the public reads; the resident's original stays, for staff and audit."""
    new_text = free_text(text, "text", required=True)
    previous = report.public_description
    report.public_description = mask_personal_data(new_text)
    report.search_text = intake.search_text(report.code, report.public_description, report.address)
    note(
        report,
        EventKind.TEXT_EDITED,
        now,
        actor=staff,
        internal_note=free_text(reason, "reason", required=True),
        data={"previous_public_text": previous},
    )
    return report


def _photo(report: Report, photo_id: int) -> Photo:
    photo = next((p for p in report.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFound(N_("Photo not found."), code="photo_not_found")
    return photo


def hide_photo(staff: StaffUser, report: Report, now: datetime, photo_id: int, reason: str):
    """Take a photo off every public view; its public files are deleted after the commit."""
    photo = _photo(report, photo_id)
    if photo.hidden:
        return report
    photo.hidden = True
    photos.withdraw_public_files([photo])
    note(
        report,
        EventKind.PHOTO_HIDDEN,
        now,
        actor=staff,
        internal_note=free_text(reason, "reason", required=True),
        data={"photo_id": photo.id},
    )
    return report


def show_photo(staff: StaffUser, report: Report, now: datetime, photo_id: int, reason: str):
    """Undo a hide: public renditions are made again."""
    photo = _photo(report, photo_id)
    if not photo.hidden:
        return report
    photo.hidden = False
    photo.rendition_status = RenditionStatus.PENDING
    enqueue(RENDITIONS_JOB, photo.id)
    note(
        report,
        EventKind.PHOTO_SHOWN,
        now,
        actor=staff,
        internal_note=free_text(reason, "reason", required=True),
        data={"photo_id": photo.id},
    )
    return report


def merge(staff: StaffUser, report: Report, now: datetime, original_code: str) -> Report:
    """A duplicate: closed into the original (a public, open report), whose followers the
    reporter and the duplicate's own followers become.

    A code no report has is ``unknown_report`` (as the staff API's duplicate action says);
    a report that is not published, or closed, is ``merge_target_invalid``: both 422."""
    original = lookup.by_code(original_code)
    if original is not None and original.province_id != report.province_id:
        original = None  # another province's report is unknown here (never merged across)
    if original is None:
        raise ValidationFailed(
            N_("No report has this tracking code."),
            code="unknown_report",
            fields={"original": ["No report with this code."]},
        )
    if not policy.is_published(original) or original.status in FINAL_STATUSES:
        raise ValidationFailed(
            N_(
                "Report %(code)s is not public or is already closed: merge only into a public "
                "report that is still open."
            ),
            params={"code": original.code},
            code="merge_target_invalid",
            fields={"original": ["This report is not public, or not open."]},
        )
    workflow.mark_duplicate(staff, report, now, original.code, moderating=True)
    target = db.session.get(Report, report.duplicate_of_id)
    supporters = {report.reporter_id} | set(
        db.session.scalars(
            select(ReportFollower.resident_id).where(ReportFollower.report_id == report.id)
        )
    )
    for resident_id in sorted(supporters - {target.reporter_id}):
        following.add_follower(target, resident_id, now, source=FollowerSource.MERGED)
    note(
        target,
        EventKind.MERGED_IN,
        now,
        actor=staff,
        public=True,
        note=f"Phản ánh {report.code} được gộp vào phản ánh này.",
        data={"merged": report.code},
    )
    return report


def set_reporter_lock(
    staff: StaffUser, report: Report, now: datetime, *, locked: bool, reason: str
) -> Report:
    """Lock (or unlock) the account of an abusive reporter; locking signs them out."""
    resident = report.reporter
    if resident.firebase_uid == phones.WALK_IN_UID:
        # Every report taken without a phone number shares it: nobody to lock.
        raise Conflict(
            N_("This report was taken without a phone number: there is no account to lock."),
            code="reporter_not_lockable",
        )
    if locked == (resident.locked_at is not None):
        raise Conflict(N_("The account is already in that state."), code="lock_unchanged")
    resident.locked_at = now if locked else None
    if locked:  # every phone of the account is signed out, and hears no more pushes
        resident_sessions.close_all(resident, now, SessionEnd.LOCKED)
    note(
        report,
        EventKind.REPORTER_LOCKED if locked else EventKind.REPORTER_UNLOCKED,
        now,
        actor=staff,
        internal_note=free_text(reason, "reason", required=True),
        data={"resident_id": resident.id},
    )
    return report


def require_open(report: Report) -> None:
    if report.status in FINAL_STATUSES:
        raise ReportClosed()
