"""Report representations: public, resident (own report) and staff views.

The public and resident views never carry the reporter's identity, the
private photo originals or any EXIF fact; the staff view adds internal notes,
and only the reporter-visible view adds who filed the report.
"""

from __future__ import annotations

from flask import current_app
from marshmallow import Schema, fields

from backend.db import utcnow
from backend.domain.privacy import mask_personal_data
from backend.domain.workflow import STATUS_LABELS, Action, Status
from backend.models.photo import PhotoKind
from backend.schemas.common import AdminUnitRefSchema, CategoryRefSchema, DepartmentRefSchema
from backend.services import ratings as rating_service
from backend.services import sla
from backend.storage import public_url


def public_text(report) -> str:
    """What everyone may read: the moderated text, or the description with personal data masked."""
    if report.public_description is not None:
        return report.public_description
    return mask_personal_data(report.description)


def status_label(status: str) -> dict:
    vi, en = STATUS_LABELS[Status(status)]
    return {"vi": vi, "en": en}


class PublicPhotoSchema(Schema):
    kind = fields.String(metadata={"enum": [k.value for k in PhotoKind]})
    thumb_url = fields.Function(lambda p: public_url(p.thumb_key))
    display_url = fields.Function(lambda p: public_url(p.display_key))


class ResidentPhotoSchema(PublicPhotoSchema):
    id = fields.Integer()
    rendition_status = fields.String(
        metadata={"description": "pending until the public renditions are made"}
    )


class PublicEventSchema(Schema):
    at = fields.DateTime()
    type = fields.String()
    status = fields.String(attribute="to_status")
    note = fields.Function(lambda e: mask_personal_data(e.note))
    department = fields.Function(
        lambda e: {"code": e.department.code, "name": e.department.name} if e.department else None
    )


class ResidentEventSchema(PublicEventSchema):
    """The reporter's own timeline: notes as written (their answers, questions to them)."""

    note = fields.String(allow_none=True)


class StaffEventSchema(ResidentEventSchema):
    id = fields.Integer()
    from_status = fields.String(allow_none=True)
    public = fields.Boolean()
    internal_note = fields.String(allow_none=True)
    actor_kind = fields.String()
    actor = fields.Function(
        lambda e: (
            {"username": e.actor_staff.username, "name": e.actor_staff.full_name}
            if e.actor_staff
            else None
        )
    )
    data = fields.Dict(allow_none=True)


def _rating_window() -> int:
    return current_app.config["RATING_WINDOW_DAYS"]


def _reporter_may(check, report) -> bool:
    """``ratings.can_rate`` / ``can_reopen`` for the reporter, now, with the configured window."""
    return check(report, report.reporter_id, utcnow(), window_days=_rating_window())


class RatingSummarySchema(Schema):
    """The public side of the ratings: no comment, nobody named."""

    score = fields.Integer(
        allow_none=True, metadata={"description": "The reporter's score, 1 to 5 (or null)"}
    )
    unsatisfied = fields.Boolean(allow_none=True, metadata={"description": "Score 1 or 2"})
    reopened = fields.Boolean(metadata={"description": "Reopened after an unsatisfied rating"})
    followers_helped = fields.Integer()
    followers_not_helped = fields.Integer()


class MyRatingSchema(Schema):
    """The resident's own rating of the current resolution, comment included."""

    kind = fields.String(metadata={"enum": ["reporter", "follower"]})
    score = fields.Integer(allow_none=True)
    helped = fields.Boolean(allow_none=True)
    comment = fields.String(allow_none=True)
    created_at = fields.DateTime()
    reopened_at = fields.DateTime(allow_none=True)
    reopen_reason = fields.String(allow_none=True)


def dump_my_rating(report, resident_id: int) -> dict | None:
    found = rating_service.mine(report, resident_id)
    return MyRatingSchema().dump(found) if found else None


class StaffRatingSchema(MyRatingSchema):
    """A rating as the unit reads it: who rated is never shown, personal data masked."""

    department = fields.Function(
        lambda r: r.clock.department.code,
        metadata={"description": "The unit whose resolution was rated"},
    )
    comment = fields.Function(lambda r: mask_personal_data(r.comment))
    reopen_reason = fields.Function(lambda r: mask_personal_data(r.reopen_reason))


class StaffRatingUnmaskedSchema(StaffRatingSchema):
    """For the roles that may know the reporter: comments as written."""

    comment = fields.String(allow_none=True)
    reopen_reason = fields.String(allow_none=True)


class _ReportBase(Schema):
    code = fields.String(metadata={"example": "PA-2026-000123"})
    status = fields.String(metadata={"enum": [s.value for s in Status]})
    status_label = fields.Function(lambda r: status_label(r.status))
    severity = fields.String()
    category = fields.Nested(CategoryRefSchema)
    description = fields.Function(
        lambda r: public_text(r),
        metadata={"description": "Public text: personal data masked, or as moderated"},
    )
    location = fields.Function(
        lambda r: {
            "lat": r.lat,
            "lng": r.lng,
            "address": mask_personal_data(r.address),
        },
        metadata={"type": "object", "description": "Personal data in the address is masked"},
    )
    admin_unit = fields.Nested(AdminUnitRefSchema, allow_none=True)
    department = fields.Nested(DepartmentRefSchema, allow_none=True)
    response = fields.Function(lambda r: mask_personal_data(r.response))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)


class PublicReportSchema(_ReportBase):
    deadlines = fields.Function(
        lambda r: sla.deadlines(r, utcnow()),
        metadata={"description": "SLA clocks: due dates, extension, overdue, apology date"},
    )
    photos = fields.Function(
        lambda r: PublicPhotoSchema(many=True).dump([p for p in r.photos if p.public])
    )
    timeline = fields.Function(
        lambda r: PublicEventSchema(many=True).dump([e for e in r.events if e.public])
    )
    supporters = fields.Integer(
        metadata={"description": "Residents who support it (“me too”), the reporter excluded"}
    )
    rating = fields.Function(
        lambda r: rating_service.public_rating(r),
        metadata={
            "type": "object",
            "nullable": True,
            "description": "The latest rated resolution: score, reopened, followers' answers "
            "(RatingSummarySchema); null until rated",
        },
    )


class PublicReportSummarySchema(_ReportBase):
    """A board row: no timeline, first public photo's thumbnail."""

    class Meta:
        exclude = ("response",)

    overdue = fields.Function(
        lambda r: sla.public_flag(r, utcnow()),
        metadata={"description": "“Quá hạn” with working days late, or null"},
    )
    thumb_url = fields.Function(
        lambda r: next(
            (public_url(p.thumb_key) for p in r.photos if p.public and p.kind == PhotoKind.BEFORE),
            None,
        )
    )
    supporters = fields.Integer(
        metadata={"description": "Residents who support it (“me too”), the reporter excluded"}
    )


#: Not public, but written for (or by) the resident: shown in their own view.
_BETWEEN_UNIT_AND_RESIDENT = frozenset({Action.REQUEST_INFO, Action.PROVIDE_INFO})


class ResidentReportSchema(PublicReportSchema):
    """The reporter's own view: the public record plus their own words and answers."""

    id = fields.Integer()
    description = fields.String(metadata={"description": "As the resident wrote it"})
    location = fields.Function(
        lambda r: {"lat": r.lat, "lng": r.lng, "address": r.address}, metadata={"type": "object"}
    )
    public_description = fields.Function(lambda r: public_text(r))
    location_source = fields.String()
    timeline = fields.Function(
        lambda r: ResidentEventSchema(many=True).dump(
            [e for e in r.events if e.public or e.type in _BETWEEN_UNIT_AND_RESIDENT]
        )
    )
    photos = fields.Function(
        lambda r: ResidentPhotoSchema(many=True).dump([p for p in r.photos if not p.hidden])
    )
    my_rating = fields.Function(
        lambda r: dump_my_rating(r, r.reporter_id),
        metadata={
            "type": "object",
            "nullable": True,
            "description": "My rating of the current resolution (MyRatingSchema), or null",
        },
    )
    can_rate = fields.Function(
        lambda r: _reporter_may(rating_service.can_rate, r),
        metadata={"type": "boolean", "description": "Resolved, within the window, not rated"},
    )
    can_reopen = fields.Function(
        lambda r: _reporter_may(rating_service.can_reopen, r),
        metadata={
            "type": "boolean",
            "description": "Rated 1-2, within the window, never reopened before",
        },
    )


class StaffPhotoSchema(ResidentPhotoSchema):
    width = fields.Integer()
    height = fields.Integer()
    hidden = fields.Boolean()


class StaffReportSchema(_ReportBase):
    """The handling unit's view: the report's text, address and ratings with personal data
    masked, as a phone number typed there would name the reporter."""

    id = fields.Integer()
    public_description = fields.Function(lambda r: public_text(r))
    moderation_status = fields.String(allow_none=True)
    moderation_flags = fields.Raw(allow_none=True)
    location_source = fields.String()
    assigned_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    allowed_actions = fields.List(
        fields.String(),
        metadata={"description": "Action endpoints the signed-in user may call now"},
    )
    photos = fields.List(fields.Nested(StaffPhotoSchema))
    #: The resident's answers to the unit's questions stay as written: they were given to it.
    timeline = fields.List(fields.Nested(StaffEventSchema), attribute="events")
    ratings = fields.Function(
        lambda r: StaffRatingSchema(many=True).dump(rating_service.ratings_of(r)),
        metadata={
            "type": "array",
            "items": {"type": "object"},
            "description": "Every rating (StaffRatingSchema), oldest first; personal data masked",
        },
    )


class ReporterSchema(Schema):
    id = fields.Integer()
    phone = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)


class StaffReportWithReporterSchema(StaffReportSchema):
    """Only for roles that may know who filed a report (coordinator, moderator, admin):
    the words as written."""

    reporter = fields.Nested(ReporterSchema)
    description = fields.String(metadata={"description": "The original text"})
    location = fields.Function(
        lambda r: {"lat": r.lat, "lng": r.lng, "address": r.address}, metadata={"type": "object"}
    )
    ratings = fields.Function(
        lambda r: StaffRatingUnmaskedSchema(many=True).dump(rating_service.ratings_of(r)),
        metadata={
            "type": "array",
            "items": {"type": "object"},
            "description": "Every rating, oldest first, comments as written",
        },
    )


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item)),
            "page": fields.Integer(),
            "page_size": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )
