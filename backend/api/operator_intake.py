"""``POST /staff/v1/reports``: an operator files a report received by hotline, Zalo,
e-mail, Facebook, a letter or at the counter, on a resident's behalf.

Idempotent like the app's submission: the ``Idempotency-Key`` header is claimed in the
same store (:mod:`backend.services.idempotency`). That store keys its rows by a resident;
an operator's keys are kept under the deployment's walk-in account, namespaced by the
staff account (``staff:<id>:key:<header>``), so two operators never share a key.
"""

from __future__ import annotations

from flask import current_app, request

from backend.api.blueprint import Blueprint
from backend.api.common import uploaded_photos
from backend.api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from backend.api.idempotency import answer, idempotent
from backend.auth import current_staff, staff_required
from backend.db import utcnow
from backend.domain.roles import INTAKE_ROLES
from backend.models import Report, StaffUser
from backend.schemas.common import ErrorEnvelopeSchema
from backend.schemas.operator_intake import FiledReportSchema, OnBehalfSchema
from backend.schemas.reports import staff_schema
from backend.services import operator_intake, read_model

blp = Blueprint(
    "operator_intake",
    __name__,
    url_prefix="/staff/v1",
    description="Operator intake: reports taken by hotline, Zalo, e-mail, letter or at the "
    "counter, filed for a resident.",
)
SECURITY = [{"staffToken": []}]


def report_url(report: Report) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return f"{base.rstrip('/')}/r/{report.code}"


def filed(staff: StaffUser, report: Report) -> dict:
    """The answer: the report as its filer reads it, and its public page."""
    view = read_model.build(staff, report, utcnow())
    return {**staff_schema(view).dump(view), "report_url": report_url(report)}


def _staff_owner():
    """The store keys its rows by a resident: an operator's keys are kept under the
    walk-in account, namespaced by the staff account."""
    staff = current_staff()
    return operator_intake.walk_in(utcnow()), f"staff:{staff.id}:"


@blp.post("/reports")
@staff_required(*INTAKE_ROLES)
@blp.arguments(OnBehalfSchema, location="multipart")
@blp.alt_response(201, schema=FiledReportSchema, success=True, description="The report as filed")
@blp.alt_response(403, schema=ErrorEnvelopeSchema, description="Not an intake role")
@blp.alt_response(
    422,
    schema=ErrorEnvelopeSchema,
    description="Invalid input, phone, ward, photo, place or address_not_placed",
)
@blp.alt_response(409, schema=ErrorEnvelopeSchema, description="idempotency_in_progress")
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_KEY])
@idempotent(owner=_staff_owner)
def file_report(form):
    """File a report for a resident (multipart/form-data; operator, coordinator, admin).

    It goes through the app's intake: moderation, routing, deadlines, the public record.
    The place: ``lat``/``lng`` (a click on the map) or ``ward`` (its representative
    point), or else an ``address`` naming exactly one ward or commune of the province (its
    point; ``address_not_placed`` when it names none or several and no photo can place
    it); ``address`` is kept as told (no geocoding). With ``phone`` the report is the
    app user's of that phone, or waits for them to sign in with it; without, it is
    anonymous. The channel is on the report, in the staff views, the open data and the
    statistics; who entered it only in the coordinator's and administrators' views.
    """
    staff, now = current_staff(), utcnow()
    data = operator_intake.OnBehalf(
        channel=form["channel"],
        category=form["category"],
        description=form["description"],
        name=form.get("name"),
        phone=form.get("phone"),
        lat=form.get("lat"),
        lng=form.get("lng"),
        address=form.get("address"),
        ward=form.get("ward"),
    )
    report = operator_intake.file_report(
        staff,
        data,
        uploaded_photos(form["photos"]),
        now,
        max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
    )
    return answer(filed(staff, report), 201)
