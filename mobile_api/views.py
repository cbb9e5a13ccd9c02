"""Residents: sign in with Firebase, send photo reports, follow their own reports."""

from __future__ import annotations

from flask import current_app, jsonify
from sqlalchemy import select

from backend.api.blueprint import Blueprint
from backend.api.common import uploaded_photos
from backend.auth import current_resident, issue_token, resident_required
from backend.db import commit, db, utcnow
from backend.firebase import verify_id_token
from backend.models import Category
from backend.schemas.common import CategorySchema, ErrorEnvelopeSchema, PageArgsSchema
from backend.schemas.reports import PublicReportSchema, ResidentReportSchema, page_schema
from backend.schemas.sla import AnswerSchema
from backend.services import accounts, intake, queries
from backend.services.workflow import ReportNotFound
from mobile_api.schemas import (
    FirebaseSignInSchema,
    NewReportSchema,
    ResidentTokenSchema,
)

blp = Blueprint(
    "mobile",
    __name__,
    url_prefix="/mobile/v1",
    description="The residents' app: sign in, report a problem with photos, follow it.",
)
SECURITY = [{"residentToken": []}]
ResidentReportPage = page_schema(ResidentReportSchema, "ResidentReportPage")


@blp.post("/auth/firebase")
@blp.arguments(FirebaseSignInSchema)
@blp.response(200, ResidentTokenSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
def sign_in(args):
    """Exchange a Firebase ID token (phone sign-in) for an API access token."""
    identity = verify_id_token(args["id_token"])
    resident = accounts.resident_sign_in(identity, utcnow())
    commit()
    return {**issue_token(resident), "resident": resident}


@blp.get("/categories")
@blp.response(200, CategorySchema(many=True))
def categories():
    """Categories (lĩnh vực) a report can be filed under."""
    return db.session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.position, Category.id)
    ).all()


@blp.post("/reports")
@resident_required
@blp.arguments(NewReportSchema, location="multipart")
@blp.response(201, ResidentReportSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema, description="Invalid input, photo or location")
@blp.doc(security=SECURITY)
def submit(form):
    """Send a report (multipart/form-data). Without lat/lng the first photo's GPS is used."""
    data = intake.NewReport(
        category=form["category"],
        description=form["description"],
        lat=form.get("lat"),
        lng=form.get("lng"),
        address=form.get("address"),
    )
    report = intake.submit(
        current_resident(),
        data,
        uploaded_photos(form["photos"]),
        utcnow(),
        max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
    )
    commit()
    return report


@blp.get("/reports/mine")
@resident_required
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ResidentReportPage)
@blp.doc(security=SECURITY)
def mine(args):
    """My reports, newest first."""
    return queries.resident_reports(current_resident().id, args["page"], args["page_size"])


@blp.get("/reports/<code>")
@resident_required
@blp.alt_response(
    200,
    schema=ResidentReportSchema,
    success=True,
    description="Own report in full; someone else's as the public record",
)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def get_report(code):
    """One report: my own in full, anyone else's as the public sees it."""
    resident = current_resident()
    report = queries.resident_report(resident.id, code) or queries.public_report(code)
    if report is None:
        raise ReportNotFound()
    if report.reporter_id == resident.id:
        return jsonify({**ResidentReportSchema().dump(report), "mine": True})
    return jsonify({**PublicReportSchema().dump(report), "mine": False})


@blp.post("/reports/<code>/info")
@resident_required
@blp.arguments(AnswerSchema)
@blp.response(200, ResidentReportSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema, description="No information was requested")
@blp.doc(security=SECURITY)
def provide_info(args, code):
    """Answer the unit's request for more information; its deadlines run again."""
    report = intake.provide_info(current_resident(), code, utcnow(), args["text"])
    commit()
    return report
