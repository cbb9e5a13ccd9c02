"""Report representations: public, resident (own report) and staff views.

The public and resident views never carry the reporter's identity, the
private photo originals or any EXIF fact; the staff view adds internal notes,
and only the reporter-visible view adds who filed the report.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from backend.db import utcnow
from backend.domain.privacy import mask_personal_data
from backend.domain.workflow import STATUS_LABELS, Action, Status
from backend.models.photo import PhotoKind
from backend.schemas.common import AdminUnitRefSchema, CategoryRefSchema, DepartmentRefSchema
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
    note = fields.Function(lambda e: mask_personal_data(e.note) if e.note else None)
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
            "address": mask_personal_data(r.address) if r.address else None,
        },
        metadata={"type": "object", "description": "Personal data in the address is masked"},
    )
    admin_unit = fields.Nested(AdminUnitRefSchema, allow_none=True)
    department = fields.Nested(DepartmentRefSchema, allow_none=True)
    response = fields.Function(lambda r: mask_personal_data(r.response) if r.response else None)
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


class StaffPhotoSchema(ResidentPhotoSchema):
    width = fields.Integer()
    height = fields.Integer()
    hidden = fields.Boolean()


class StaffReportSchema(_ReportBase):
    id = fields.Integer()
    description = fields.String(metadata={"description": "The original text"})
    location = fields.Function(
        lambda r: {"lat": r.lat, "lng": r.lng, "address": r.address}, metadata={"type": "object"}
    )
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
    timeline = fields.List(fields.Nested(StaffEventSchema), attribute="events")


class ReporterSchema(Schema):
    id = fields.Integer()
    phone = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)


class StaffReportWithReporterSchema(StaffReportSchema):
    """Only for roles that may know who filed a report (coordinator, moderator, admin)."""

    reporter = fields.Nested(ReporterSchema)


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
