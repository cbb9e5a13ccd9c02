"""Staff API ``/staff/v1``: department desks and the coordinator's office.

Department staff see and act on their own unit's reports only (anything else
answers 404) and never learn who filed a report.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, jsonify, request
from sqlalchemy import select

from backend import limits
from backend.api.blueprint import Blueprint
from backend.api.common import dump_page, uploaded_photos
from backend.auth import STAFF_TOKEN_SECONDS, current_staff, issue_token, staff_required
from backend.db import commit, db, utcnow
from backend.domain.text import N_
from backend.errors import ValidationFailed
from backend.localtime import local_tz
from backend.models import Department, Report, StaffUser
from backend.schemas.common import DepartmentRefSchema, ErrorEnvelopeSchema
from backend.schemas.filters import StaffReportListArgsSchema
from backend.schemas.reports import (
    StaffReportWithReporterSchema,
    page_schema,
    staff_schema,
)
from backend.schemas.sla import (
    ApologySchema,
    ExtensionDecisionSchema,
    ExtensionRequestSchema,
    ExtensionSchema,
    QuestionSchema,
)
from backend.schemas.staff import (
    AssigneeSchema,
    DuplicateSchema,
    ForwardSchema,
    LoginSchema,
    NoteSchema,
    OfficerSchema,
    OptionalNoteSchema,
    ReasonSchema,
    ResolveSchema,
    StaffAccountSchema,
    StaffTokenSchema,
)
from backend.services import (
    accounts,
    lookup,
    officers,
    policy,
    queries,
    read_model,
    staff_sessions,
    workflow,
)

blp = Blueprint(
    "staff",
    __name__,
    url_prefix="/staff/v1",
    description="Handling units and the coordinator: work the reports.",
)
SECURITY = [{"staffToken": []}]
# The rows carry ``reporter`` for the coordinator, moderators and administrators.
StaffReportPage = page_schema(StaffReportWithReporterSchema, "StaffReportPage")


def _dump(staff: StaffUser, report: Report) -> dict:
    view = read_model.build(staff, report, utcnow())
    return staff_schema(view).dump(view)


def _report_response(staff: StaffUser, report: Report):
    return jsonify(_dump(staff, report))


def _doc_report(func):
    func = blp.alt_response(
        200,
        schema=StaffReportWithReporterSchema,
        description="The report (``reporter`` only for coordinator, moderator and admin)",
        success=True,
    )(func)
    func = blp.alt_response(404, schema=ErrorEnvelopeSchema, description="Not found or not yours")(
        func
    )
    func = blp.alt_response(
        409, schema=ErrorEnvelopeSchema, description="Not allowed in this status"
    )(func)
    doc: dict = {"security": SECURITY}
    if func.__name__ != "get_report":  # every action (a POST) may carry If-Match
        doc["parameters"] = [IF_MATCH]
    return blp.doc(**doc)(func)


IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The report's `version` as last read: the action is refused with 409 "
    "concurrent_update if someone changed the report since (optional)",
}


@blp.post("/auth/login")
@blp.arguments(LoginSchema)
@blp.response(200, StaffTokenSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(429, schema=ErrorEnvelopeSchema)
def login(args):
    """Sign in with username and password; returns a bearer token."""
    limits.login_attempt(args["username"])
    try:
        staff = accounts.staff_login(args["username"], args["password"])
    except accounts.InvalidCredentials:
        limits.login_failed(args["username"])
        raise
    limits.login_succeeded(args["username"])
    session = staff_sessions.open_api_session(
        staff, utcnow(), timedelta(seconds=STAFF_TOKEN_SECONDS), request.user_agent.string
    )
    commit()  # the API session (and an older hash made again with argon2)
    return {**issue_token(staff, session.id), "account": staff}


@blp.get("/me")
@staff_required()
@blp.response(200, StaffAccountSchema)
@blp.doc(security=SECURITY)
def me():
    """The signed-in staff account."""
    return current_staff()


@blp.get("/departments")
@staff_required()
@blp.response(200, DepartmentRefSchema(many=True))
@blp.doc(security=SECURITY)
def departments():
    """Active handling units (targets for forwarding): of the staff member's province."""
    return db.session.scalars(
        select(Department)
        .where(Department.active.is_(True))
        .where(policy.in_scope_sql(current_staff(), Department.province_id))
        .order_by(Department.code)
    ).all()


@blp.get("/units/<code>/officers")
@staff_required()
@blp.response(200, OfficerSchema(many=True))
@blp.alt_response(404, schema=ErrorEnvelopeSchema, description="Not found or not yours")
@blp.doc(security=SECURITY)
def unit_officers(code):
    """The active officers of a handling unit (its head first), to give a report to one:
    department staff list their own unit's, the coordinator and administrators any."""
    return officers.unit_officers(current_staff(), code)


@blp.get("/reports")
@staff_required()
@blp.arguments(StaffReportListArgsSchema, location="query")
@blp.alt_response(200, schema=StaffReportPage, success=True)
@blp.doc(security=SECURITY)
def list_reports(args):
    """Reports on this desk: the unit's own and those escalated to it as the supervising
    unit (``escalated_to``, read only) for department staff; all for the coordinator.

    ``sort=due_at`` puts the next handling deadline first; ``deadline=overdue|due_soon``
    and ``waiting=true|false`` filter by the clocks; ``assignee=me|none|<username>`` by
    the officer the report is given to; ``queue=`` picks one of the named queues the
    console's desk and triage tabs show (``backend.services.desk.Queue``: the same reports).
    """
    staff, now = current_staff(), utcnow()
    page = queries.staff_reports(
        staff,
        args["filter"],
        args["page"],
        args["page_size"],
        local_tz(),
        now,
        args["desk"],
    )
    return jsonify(dump_page(page, lambda report: _dump(staff, report)))


@blp.get("/reports/<code>")
@staff_required()
@_doc_report
def get_report(code):
    """One report with its full timeline."""
    staff = current_staff()
    return _report_response(staff, lookup.for_reader(staff, code))


class InvalidIfMatch(ValidationFailed):
    code = "invalid_if_match"
    message = N_("If-Match must be the report's version, as given in its `version` field.")


def _expected_version() -> int | None:
    """``If-Match: 7`` (or ``"7"``, ``W/"7"``): act only on version 7 of the report."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    version = lookup.parse_version(header.strip().removeprefix("W/").strip('"'))
    if version is None:
        raise InvalidIfMatch()
    return version


def _action(code: str, run):
    staff = current_staff()
    expected = _expected_version()
    report = lookup.require_version(lookup.for_reader(staff, code), expected)
    run(staff, report, utcnow())
    commit()
    return _report_response(staff, report)


@blp.post("/reports/<code>/accept")
@staff_required()
@_doc_report
def accept(code):
    """The unit acknowledges the report (tiếp nhận)."""
    return _action(code, workflow.accept)


@blp.post("/reports/<code>/start")
@staff_required()
@blp.arguments(OptionalNoteSchema)
@_doc_report
def start(args, code):
    """Work has started; an optional public note."""
    return _action(code, lambda s, r, now: workflow.start(s, r, now, args.get("note")))


@blp.post("/reports/<code>/updates")
@staff_required()
@blp.arguments(NoteSchema)
@_doc_report
def post_update(args, code):
    """A public progress note on the timeline."""
    return _action(code, lambda s, r, now: workflow.post_update(s, r, now, args["note"]))


@blp.post("/reports/<code>/resolve")
@staff_required()
@blp.arguments(ResolveSchema, location="multipart")
@_doc_report
def resolve(form, code):
    """Publish the answer, with optional after-photos (multipart/form-data)."""
    uploads = uploaded_photos(form["photos"])
    limit = current_app.config["MAX_PHOTOS_PER_REPORT"]
    return _action(
        code,
        lambda s, r, now: workflow.resolve(s, r, now, form["response"], uploads, max_photos=limit),
    )


@blp.post("/reports/<code>/return")
@staff_required()
@blp.arguments(ReasonSchema)
@_doc_report
def return_report(args, code):
    """Not this unit's business: back to the coordinator, with the reason (trả lại)."""
    return _action(
        code, lambda s, r, now: workflow.return_to_coordinator(s, r, now, args["reason"])
    )


@blp.post("/reports/<code>/forward")
@staff_required()
@blp.arguments(ForwardSchema)
@_doc_report
def forward(args, code):
    """Coordinator: send (or reassign) the report to a handling unit (chuyển xử lý)."""
    return _action(
        code,
        lambda s, r, now: workflow.forward(s, r, now, args["department"], args.get("note")),
    )


@blp.post("/reports/<code>/reject")
@staff_required()
@blp.arguments(ReasonSchema)
@_doc_report
def reject(args, code):
    """Coordinator: refuse the report, with a public reason."""
    return _action(code, lambda s, r, now: workflow.reject(s, r, now, args["reason"]))


@blp.post("/reports/<code>/duplicate")
@staff_required()
@blp.arguments(DuplicateSchema)
@_doc_report
def duplicate(args, code):
    """Coordinator: mark as a duplicate of another report."""
    return _action(code, lambda s, r, now: workflow.mark_duplicate(s, r, now, args["original"]))


@blp.post("/reports/<code>/close")
@staff_required()
@_doc_report
def close(code):
    """Coordinator: close a resolved report."""
    return _action(code, workflow.close)


@blp.post("/reports/<code>/request-info")
@staff_required()
@blp.arguments(QuestionSchema)
@_doc_report
def request_info(args, code):
    """Ask the resident for more information; the SLA clocks stop until they answer."""
    return _action(code, lambda s, r, now: workflow.request_info(s, r, now, args["question"]))


@blp.get("/reports/<code>/extensions")
@staff_required()
@blp.response(200, ExtensionSchema(many=True))
@blp.doc(security=SECURITY)
def list_extensions(code):
    """Extension requests (gia hạn) of a report."""
    staff = current_staff()
    return read_model.extensions(staff, lookup.for_reader(staff, code))


@blp.post("/reports/<code>/extensions")
@staff_required()
@blp.arguments(ExtensionRequestSchema)
@_doc_report
def request_extension(args, code):
    """The unit asks for more time, with a reason and a proposed date."""
    return _action(
        code,
        lambda s, r, now: workflow.request_extension(
            s, r, now, args["reason"], args["proposed_date"]
        ),
    )


@blp.post("/reports/<code>/extensions/<int:extension_id>/decision")
@staff_required()
@blp.arguments(ExtensionDecisionSchema)
@_doc_report
def decide_extension(args, code, extension_id):
    """The coordinator approves or denies; approved in time, a late answer counts as
    "late with approved extension", not overdue."""
    return _action(
        code,
        lambda s, r, now: workflow.decide_extension(
            s, r, now, extension_id, approve=args["approve"], note=args.get("note")
        ),
    )


@blp.post("/reports/<code>/apology")
@staff_required()
@blp.arguments(ApologySchema)
@_doc_report
def apologise(args, code):
    """Overdue: the unit apologises publicly, with the reason and a new promised date (once)."""
    return _action(
        code,
        lambda s, r, now: workflow.apologise(s, r, now, args["reason"], args["promised_date"]),
    )


@blp.post("/reports/<code>/assignee")
@staff_required()
@blp.arguments(AssigneeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema, description="Not for this role")
@blp.alt_response(
    422, schema=ErrorEnvelopeSchema, description="Not an active officer of the report's unit"
)
@_doc_report
def assign_officer(args, code):
    """Give the report to a named officer of its unit (``null``: to nobody): the unit's
    head, the coordinator and administrators (any officer of the unit where
    ``ASSIGN_BY_ANY_OFFICER`` is set). Internal: never on the public timeline. The same
    officer again changes nothing."""
    return _action(code, lambda s, r, now: workflow.assign_officer(s, r, now, args["officer"]))
