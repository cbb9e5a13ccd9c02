"""Moderator API ``/moderation/v1``: the queue and every moderation action."""

from __future__ import annotations

from flask import jsonify

from backend.api.blueprint import Blueprint
from backend.api.common import dump_page
from backend.auth import current_staff, staff_required
from backend.db import commit, utcnow
from backend.schemas.common import ErrorEnvelopeSchema, PageArgsSchema
from backend.schemas.reports import StaffReportWithReporterSchema, page_schema, staff_schema
from backend.schemas.sla import QuestionSchema
from backend.schemas.staff import DuplicateSchema, OptionalNoteSchema, ReasonSchema
from backend.services import policy, read_model
from moderation import services
from moderation.schemas import PublicTextSchema, QueueItemSchema, RejectSchema

blp = Blueprint(
    "moderation",
    __name__,
    url_prefix="/moderation/v1",
    description="Moderators: the queue of held reports, and every moderation action.",
)
SECURITY = [{"staffToken": []}]
MODERATORS = tuple(policy.MODERATION_ROLES)
QUEUE_PAGE = page_schema(QueueItemSchema, "ModerationQueuePage")


def _doc(func):
    func = blp.alt_response(200, schema=StaffReportWithReporterSchema, success=True)(func)
    func = blp.alt_response(404, schema=ErrorEnvelopeSchema)(func)
    func = blp.alt_response(409, schema=ErrorEnvelopeSchema)(func)
    return blp.doc(security=SECURITY)(func)


def _view(staff, report, now) -> dict:
    view = read_model.build(staff, report, now)
    return staff_schema(view).dump(view)


def _queue_item(staff, report, now, nearby) -> dict:
    view = read_model.build(staff, report, now)
    view.similar_reports = services.similar_items(nearby)
    return QueueItemSchema().dump(view)


def _act(code: str, run, *, open_only: bool = True):
    staff = current_staff()
    report = services.get(staff, code)
    if open_only:
        services.require_open(report)
    run(staff, report, utcnow())
    commit()
    return jsonify(_view(staff, report, utcnow()))


@blp.get("/queue")
@staff_required(*MODERATORS)
@blp.arguments(PageArgsSchema, location="query")
@blp.alt_response(200, schema=QUEUE_PAGE, success=True)
@blp.doc(security=SECURITY)
def queue(args):
    """Reports held for review, oldest first, with what the automatic checks found and the
    open reports nearby they may duplicate (``similar_reports``)."""
    staff, now = current_staff(), utcnow()
    page = services.queue(staff, args["page"], args["page_size"])
    nearby = services.similar_reports(page.items, now)  # one search for the whole page
    return jsonify(
        dump_page(
            page,
            lambda report: _queue_item(staff, report, now, nearby[report.id]),
        )
    )


@blp.post("/reports/<code>/approve")
@staff_required(*MODERATORS)
@blp.arguments(OptionalNoteSchema)
@_doc
def approve(args, code):
    """Publish a held report and send it on (routing and deadlines start now)."""
    return _act(code, lambda s, r, now: services.approve(s, r, now, args.get("note")))


@blp.post("/reports/<code>/reject")
@staff_required(*MODERATORS)
@blp.arguments(RejectSchema)
@_doc
def reject(args, code):
    """Refuse: spam, abusive, out_of_scope, duplicate or insufficient_information."""
    return _act(
        code,
        lambda s, r, now: services.reject(
            s, r, now, services.RejectReason(args["reason"]), args["message"]
        ),
    )


@blp.post("/reports/<code>/request-info")
@staff_required(*MODERATORS)
@blp.arguments(QuestionSchema)
@_doc
def request_info(args, code):
    """Ask the resident for more information (the SLA clocks stop meanwhile)."""
    return _act(code, lambda s, r, now: services.request_info(s, r, now, args["question"]))


@blp.put("/reports/<code>/public-text")
@staff_required(*MODERATORS)
@blp.arguments(PublicTextSchema)
@_doc
def edit_public_text(args, code):
    """Edit or redact the public text; the original is kept for staff and the audit trail."""
    return _act(
        code,
        lambda s, r, now: services.edit_public_text(s, r, now, args["text"], args["reason"]),
        open_only=False,
    )


@blp.post("/reports/<code>/photos/<int:photo_id>/hide")
@staff_required(*MODERATORS)
@blp.arguments(ReasonSchema)
@_doc
def hide_photo(args, code, photo_id):
    """Take a photo off public view (its public files are deleted)."""
    return _act(
        code,
        lambda s, r, now: services.hide_photo(s, r, now, photo_id, args["reason"]),
        open_only=False,
    )


@blp.post("/reports/<code>/photos/<int:photo_id>/show")
@staff_required(*MODERATORS)
@blp.arguments(ReasonSchema)
@_doc
def show_photo(args, code, photo_id):
    """Publish a hidden photo again."""
    return _act(
        code,
        lambda s, r, now: services.show_photo(s, r, now, photo_id, args["reason"]),
        open_only=False,
    )


@blp.post("/reports/<code>/merge")
@staff_required(*MODERATORS)
@blp.arguments(DuplicateSchema)
@_doc
def merge(args, code):
    """Merge into an existing report; the reporter becomes a follower of the original."""
    return _act(code, lambda s, r, now: services.merge(s, r, now, args["original"]))


@blp.post("/reports/<code>/lock-reporter")
@staff_required(*MODERATORS)
@blp.arguments(ReasonSchema)
@_doc
def lock_reporter(args, code):
    """Lock the account of an abusive reporter (signs them out everywhere)."""
    return _act(
        code,
        lambda s, r, now: services.set_reporter_lock(s, r, now, locked=True, reason=args["reason"]),
        open_only=False,
    )


@blp.post("/reports/<code>/unlock-reporter")
@staff_required(*MODERATORS)
@blp.arguments(ReasonSchema)
@_doc
def unlock_reporter(args, code):
    """Unlock the reporter's account."""
    return _act(
        code,
        lambda s, r, now: services.set_reporter_lock(
            s, r, now, locked=False, reason=args["reason"]
        ),
        open_only=False,
    )
