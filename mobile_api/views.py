"""Residents: sign in with Firebase, send photo reports, follow their own reports."""

from __future__ import annotations

from flask import current_app, jsonify

from backend import limits
from backend.api.blueprint import Blueprint
from backend.api.common import dump_page, uploaded_photos
from backend.api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from backend.api.idempotency import answer, idempotent
from backend.auth import current_resident, resident_required
from backend.db import commit, utcnow
from backend.schemas.common import CategorySchema, ErrorEnvelopeSchema, PageArgsSchema
from backend.schemas.reports import (
    FollowerReportSchema,
    ResidentReportSchema,
    page_schema,
)
from backend.schemas.sla import AnswerSchema
from backend.services import (
    catalogue,
    intake,
    lookup,
    nearby,
    policy,
    queries,
    ratings,
    read_model,
)
from backend.services import following as following_service
from mobile_api.schemas import (
    CategoryArgsSchema,
    FeedbackArgsSchema,
    FeedbackReportSchema,
    FollowedReportSchema,
    FollowedRowSchema,
    NearbyArgsSchema,
    NearbyReportSchema,
    NewReportSchema,
    RatingArgsSchema,
    ReopenArgsSchema,
    SubmittedReportSchema,
    dump_suggestion,
)

blp = Blueprint(
    "mobile",
    __name__,
    url_prefix="/mobile/v1",
    description="The residents' app: sign in, report a problem with photos, follow it.",
)
SECURITY = [{"residentToken": []}]
#: The OpenAPI of a POST that creates something: the token and the Idempotency-Key.
CREATES = {"security": SECURITY, "parameters": [IDEMPOTENCY_KEY]}
ResidentReportPage = page_schema(ResidentReportSchema, "ResidentReportPage")
FollowedReportPage = page_schema(FollowedRowSchema, "FollowedReportPage")
#: Similar reports listed in the answer to a new report.
SIMILAR_ON_SUBMIT = 5


@blp.get("/categories")
@blp.arguments(CategoryArgsSchema, location="query")
@blp.response(200, CategorySchema(many=True))
@blp.alt_response(404, schema=ErrorEnvelopeSchema, description="province_not_found")
@blp.alt_response(422, schema=ErrorEnvelopeSchema, description="Invalid position")
def categories(args):
    """Categories (lĩnh vực) a report can be filed under: the national list, and the local
    additions of the province named (``province``) or containing the point (``lat``,
    ``lng``); with neither, the national list only. ``province`` wins over a point."""
    province = catalogue.province_named(args.get("province"))
    if province is None and "lat" in args:
        province = catalogue.province_at(args["lat"], args["lng"])
    return catalogue.categories_for(province.id if province else None)


@blp.post("/reports")
@resident_required
@limits.limited(
    limits.per_resident(limits.REPORTS_RESIDENT),
    limits.per_address(limits.REPORTS_ADDRESS),
    limits.per_resident(limits.REPORTS_DAILY),
)
@blp.alt_response(429, schema=ErrorEnvelopeSchema, description="too_many_requests")
@blp.arguments(NewReportSchema, location="multipart")
@blp.alt_response(
    201,
    schema=SubmittedReportSchema,
    success=True,
    description="The new report, and similar open reports close by (to follow instead)",
)
@blp.alt_response(422, schema=ErrorEnvelopeSchema, description="Invalid input, photo or location")
@blp.alt_response(409, schema=ErrorEnvelopeSchema, description="idempotency_in_progress")
@blp.doc(**CREATES)
@idempotent(implicit=True)
def submit(form):
    """Send a report (multipart/form-data). Without lat/lng the first photo's GPS is used.

    The answer lists ``similar_reports``: up to 5 open reports of the same category
    close by, nearest first, that the resident may follow ("me too") instead.

    Sent again with the same ``Idempotency-Key`` (or, without one, byte for byte the
    same within ``DUPLICATE_SUBMISSION_SECONDS``, default 120): the first answer again,
    never a second report.
    """
    data = intake.NewReport(
        category=form["category"],
        description=form["description"],
        lat=form.get("lat"),
        lng=form.get("lng"),
        address=form.get("address"),
    )
    resident, now = current_resident(), utcnow()
    report = intake.submit(
        resident,
        data,
        uploaded_photos(form["photos"]),
        now,
        max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
    )
    similar = nearby.similar(
        resident,
        report,
        now,
        radius_m=current_app.config["DUPLICATE_RADIUS_M"],
        days=current_app.config["DUPLICATE_DAYS"],
        limit=SIMILAR_ON_SUBMIT,
    )
    # The answer is written before the commit: once the report is committed nothing may
    # fail, or the app would retry and file it twice.
    body = {
        **_dump(resident, report),
        "similar_reports": [dump_suggestion(s, now) for s in similar],
    }
    return answer(body, 201)


@blp.get("/reports/mine")
@resident_required
@blp.arguments(PageArgsSchema, location="query")
@blp.alt_response(200, schema=ResidentReportPage, success=True)
@blp.doc(security=SECURITY)
def mine(args):
    """My reports, newest first."""
    resident = current_resident()
    page = queries.resident_reports(resident.id, args["page"], args["page_size"])
    return jsonify(dump_page(page, lambda report: _dump(resident, report)))


@blp.get("/reports/following")
@resident_required
@blp.arguments(PageArgsSchema, location="query")
@blp.alt_response(200, schema=FollowedReportPage, success=True)
@blp.doc(security=SECURITY)
def following_reports(args):
    """Reports I follow ("me too"), the most recently followed first (my own not included)."""
    page = following_service.followed(current_resident(), args["page"], args["page_size"])
    now = utcnow()
    row = FollowedRowSchema()
    return jsonify(
        dump_page(page, lambda report: row.dump(read_model.row(report, now, following=True)))
    )


@blp.get("/reports/<code>")
@resident_required
@blp.alt_response(
    200,
    schema=ResidentReportSchema,
    success=True,
    description="Own report in full; someone else's as the public record (FollowerReport)",
)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def get_report(code):
    """One report: my own in full, anyone else's as the public sees it."""
    resident = current_resident()
    return jsonify(_dump(resident, lookup.for_reader(resident, code)))


def _dump(resident, report, *, following: bool | None = None) -> dict:
    """The report as this resident sees it: their own in full, anyone else's as the public
    record with what they may say about it."""
    if following is None and policy.audience(resident, report) == policy.Audience.FOLLOWER:
        following = following_service.is_following(resident, report)
    view = read_model.build(resident, report, utcnow(), following=following)
    return (ResidentReportSchema() if view.mine else FollowerReportSchema()).dump(view)


@blp.post("/reports/<code>/info")
@resident_required
@blp.arguments(AnswerSchema)
@blp.alt_response(200, schema=ResidentReportSchema, success=True)
@blp.alt_response(409, schema=ErrorEnvelopeSchema, description="No information was requested")
@blp.doc(**CREATES)
@idempotent
def provide_info(args, code):
    """Answer the unit's request for more information; its deadlines run again."""
    resident = current_resident()
    report = intake.provide_info(resident, code, utcnow(), args["text"])
    return answer(_dump(resident, report))


@blp.get("/reports/nearby")
@resident_required
@blp.arguments(NearbyArgsSchema, location="query")
@blp.alt_response(
    200,
    schema=NearbyReportSchema(many=True),
    success=True,
    description="Open reports of the category close by, nearest first",
)
@blp.alt_response(422, schema=ErrorEnvelopeSchema, description="Unknown category, bad position")
@blp.doc(security=SECURITY)
def nearby_reports(args):
    """Before reporting: open reports of the same category close by, to follow instead.

    Within ``DUPLICATE_RADIUS_M`` metres (default 150) and filed in the last
    ``DUPLICATE_DAYS`` days (default 30), nearest first, with the number of supporters.
    """
    now = utcnow()
    found = nearby.around(
        current_resident(),
        args["category"],
        args["lat"],
        args["lng"],
        now,
        radius_m=current_app.config["DUPLICATE_RADIUS_M"],
        days=current_app.config["DUPLICATE_DAYS"],
    )
    return jsonify([dump_suggestion(s, now) for s in found])


@blp.post("/reports/<code>/follow")
@resident_required
@limits.limited(limits.per_resident(limits.FOLLOWS_RESIDENT))
@blp.alt_response(429, schema=ErrorEnvelopeSchema, description="too_many_requests")
@blp.alt_response(
    200,
    schema=FollowedReportSchema,
    success=True,
    description="The public record, now followed (following twice is harmless)",
)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema, description="One's own report")
@blp.doc(**CREATES)
@idempotent
def follow(code):
    """“Me too”: support and follow someone else's report instead of filing a new one."""
    resident = current_resident()
    report = following_service.follow(resident, code, utcnow())
    return answer(_dump(resident, report, following=True))  # the same body as GET answers


@blp.delete("/reports/<code>/follow")
@resident_required
@blp.response(204)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def unfollow(code):
    """Stop following a report (and withdraw the support)."""
    following_service.unfollow(current_resident(), code)
    commit()


@blp.post("/reports/<code>/rating")
@resident_required
@limits.limited(limits.per_resident(limits.RATINGS_RESIDENT))
@blp.alt_response(429, schema=ErrorEnvelopeSchema, description="too_many_requests")
@blp.arguments(RatingArgsSchema)
@blp.alt_response(201, schema=ResidentReportSchema, success=True)
@blp.alt_response(403, schema=ErrorEnvelopeSchema, description="Not the reporter (not_reporter)")
@blp.alt_response(404, schema=ErrorEnvelopeSchema, description="Not a report the resident can see")
@blp.alt_response(
    409,
    schema=ErrorEnvelopeSchema,
    description="not_resolved, rating_window_closed or already_rated",
)
@blp.alt_response(422, schema=ErrorEnvelopeSchema, description="Score not a whole number 1 to 5")
@blp.doc(**CREATES)
@idempotent
def rate(args, code):
    """Rate the resolution of my report: 1 to 5 (1-2: unsatisfied), with an optional comment.

    Once per resolution, within ``RATING_WINDOW_DAYS`` days (default 7) of it. The
    comment goes to the unit and the coordinator; the public sees only the score.
    Someone else's public report is ``403 not_reporter``; a report the resident
    cannot see at all is ``404``.
    """
    resident = current_resident()
    report = ratings.rate(
        resident,
        code,
        utcnow(),
        args["score"],
        args["comment"],
        window_days=current_app.config["RATING_WINDOW_DAYS"],
    )
    return answer(_dump(resident, report), 201)


@blp.post("/reports/<code>/reopen")
@resident_required
@limits.limited(limits.per_resident(limits.RATINGS_RESIDENT))
@blp.alt_response(429, schema=ErrorEnvelopeSchema, description="too_many_requests")
@blp.arguments(ReopenArgsSchema)
@blp.alt_response(200, schema=ResidentReportSchema, success=True)
@blp.alt_response(403, schema=ErrorEnvelopeSchema, description="Not the reporter (not_reporter)")
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(
    409,
    schema=ErrorEnvelopeSchema,
    description="not_resolved, rating_window_closed, already_reopened or "
    "reopen_requires_unsatisfied_rating",
)
@blp.alt_response(422, schema=ErrorEnvelopeSchema, description="No reason given")
@blp.doc(**CREATES)
@idempotent
def reopen(args, code):
    """Not satisfied (rated 1 or 2): reopen my report, once, with the reason.

    It goes back to the unit that resolved it, with new deadlines, and counts as
    re-raised against that unit. Within the rating window; never a second time.
    """
    resident = current_resident()
    report = ratings.reopen(
        resident,
        code,
        utcnow(),
        args["reason"],
        window_days=current_app.config["RATING_WINDOW_DAYS"],
    )
    return answer(_dump(resident, report))


@blp.post("/reports/<code>/feedback")
@resident_required
@limits.limited(limits.per_resident(limits.RATINGS_RESIDENT))
@blp.alt_response(429, schema=ErrorEnvelopeSchema, description="too_many_requests")
@blp.arguments(FeedbackArgsSchema)
@blp.alt_response(
    201,
    schema=FeedbackReportSchema,
    success=True,
    description="The public record with my answer",
)
@blp.alt_response(403, schema=ErrorEnvelopeSchema, description="Not a follower (not_follower)")
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(
    409,
    schema=ErrorEnvelopeSchema,
    description="not_resolved, rating_window_closed or already_rated",
)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.doc(**CREATES)
@idempotent
def give_feedback(args, code):
    """Following someone else's report ("me too"): did its resolution help me too?

    Once per resolution, within the rating window. The public sees how many
    followers said yes and no; the comment goes to the unit only.
    """
    resident = current_resident()
    report = ratings.feedback(
        resident,
        code,
        utcnow(),
        args["helped"],
        args["comment"],
        window_days=current_app.config["RATING_WINDOW_DAYS"],
    )
    return answer(_dump(resident, report, following=True), 201)
