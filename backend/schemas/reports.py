"""Report representations: they serialise the read model's views, nothing more.

What each audience may see (masking, which timeline entries, the reporter, the allowed
actions) is decided in :mod:`backend.services.read_model` and
:mod:`backend.services.policy`; these schemas only say how a view is written as JSON.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from backend.domain.channels import Channel
from backend.domain.workflow import STATUS_LABELS, Status
from backend.models.photo import PhotoKind
from backend.schemas.common import AdminUnitRefSchema, CategoryRefSchema, DepartmentRefSchema
from backend.storage import public_url

#: Each status's labels, looked up once (a board page asks for one per row).
_STATUS_LABELS = {str(s): {"vi": vi, "en": en} for s, (vi, en) in STATUS_LABELS.items()}


def status_label(status: str) -> dict:
    # A fresh dict each time: the caller owns what it is given.
    try:
        return dict(_STATUS_LABELS[status])
    except KeyError:  # not a status value: as Status() refuses it
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


class StaffPhotoSchema(ResidentPhotoSchema):
    width = fields.Integer()
    height = fields.Integer()
    hidden = fields.Boolean()


class PublicEventSchema(Schema):
    at = fields.DateTime()
    type = fields.String()
    status = fields.String()
    note = fields.String(allow_none=True)
    department = fields.Dict(allow_none=True)
    system_note = fields.Dict(
        allow_none=True,
        metadata={"description": "An entry the platform wrote itself: {vi, en}; else null"},
    )


class StaffEventSchema(PublicEventSchema):
    id = fields.Integer()
    from_status = fields.String(allow_none=True)
    public = fields.Boolean()
    internal_note = fields.String(allow_none=True)
    actor_kind = fields.String()
    actor = fields.Dict(allow_none=True)
    data = fields.Dict(allow_none=True)


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


class StaffRatingSchema(MyRatingSchema):
    """A rating as staff read it: who rated is never shown; masked for handling units."""

    department = fields.String(metadata={"description": "The unit whose resolution was rated"})


class _ReportBase(Schema):
    code = fields.String(metadata={"example": "PA-2026-000123"})
    status = fields.String(metadata={"enum": [s.value for s in Status]})
    status_label = fields.Function(lambda r: status_label(r.status))
    severity = fields.String()
    category = fields.Nested(CategoryRefSchema)
    description = fields.String(
        metadata={
            "description": "Public text (personal data masked, or as moderated); the "
            "reporter and the oversight roles read the words as written"
        }
    )
    location = fields.Dict(
        metadata={"description": "lat, lng, address (personal data masked where public)"}
    )
    admin_unit = fields.Nested(AdminUnitRefSchema, allow_none=True)
    department = fields.Nested(DepartmentRefSchema, allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    supporters = fields.Integer(
        metadata={"description": "Residents who support it (“me too”), the reporter excluded"}
    )


class _FullReport(_ReportBase):
    response = fields.String(allow_none=True)
    deadlines = fields.Dict(
        metadata={"description": "SLA clocks: the current due date and state, their history"}
    )
    rating = fields.Nested(
        RatingSummarySchema,
        allow_none=True,
        metadata={"description": "The latest rated resolution; null until rated"},
    )


class PublicReportSchema(_FullReport):
    photos = fields.List(fields.Nested(PublicPhotoSchema))
    timeline = fields.List(fields.Nested(PublicEventSchema))


class PublicReportSummarySchema(_ReportBase):
    """A board row: no timeline, the first public photo's thumbnail."""

    overdue = fields.Boolean(metadata={"description": "Past its handling deadline now"})
    late = fields.Boolean(
        metadata={"description": "Overdue, or late with the date promised in an apology ahead"}
    )
    promised_due_at = fields.DateTime(
        allow_none=True, metadata={"description": "The date promised in the unit's apology"}
    )
    working_days_late = fields.Float(
        allow_none=True, metadata={"description": "Working days late when overdue, else null"}
    )
    thumb_url = fields.Function(lambda r: public_url(r.thumb_url_key))


class FollowerReportSchema(PublicReportSchema):
    """Someone else's report, for a signed-in resident: the public record and their part."""

    mine = fields.Boolean()
    following = fields.Boolean()
    my_feedback = fields.Nested(MyRatingSchema, allow_none=True)
    can_give_feedback = fields.Boolean(
        metadata={"description": "Following, resolved, within the window, not answered yet"}
    )


class ResidentReportSchema(_FullReport):
    """The reporter's own view: the public record plus their own words and answers."""

    id = fields.Integer()
    mine = fields.Boolean()
    following = fields.Boolean()
    public_description = fields.String(metadata={"description": "What the public reads"})
    location_source = fields.String()
    photos = fields.List(fields.Nested(ResidentPhotoSchema))
    timeline = fields.List(fields.Nested(PublicEventSchema))
    my_rating = fields.Nested(
        MyRatingSchema,
        allow_none=True,
        metadata={"description": "My rating of the current resolution, or null"},
    )
    can_rate = fields.Boolean(metadata={"description": "Resolved, within the window, not rated"})
    can_reopen = fields.Boolean(
        metadata={"description": "Rated 1-2, within the window, never reopened before"}
    )


class ReporterSchema(Schema):
    id = fields.Integer()
    phone = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)
    deleted_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "The resident deleted the account: no name or phone left"},
    )


class StaffRefSchema(Schema):
    """A staff member as the staff views name one."""

    username = fields.String()
    full_name = fields.String()


class StaffReportSchema(_FullReport):
    """Staff views. A handling unit reads the text, address and ratings with personal data
    masked (a phone number typed there would name the reporter) and never ``reporter``;
    the coordinator, moderators and administrators read the words as written and who
    filed it."""

    id = fields.Integer()
    version = fields.Integer(
        metadata={
            "description": "Changes whenever the report does; send it back as `If-Match` "
            "with an action to refuse acting on a stale view (409 concurrent_update)"
        }
    )
    public_description = fields.String()
    moderation_status = fields.String(allow_none=True)
    moderation_flags = fields.Raw(allow_none=True)
    location_source = fields.String()
    channel = fields.String(
        metadata={
            "description": "How it came in: app, or an operator's hotline, zalo, email, "
            "facebook, letter, counter",
            "enum": [c.value for c in Channel],
        }
    )
    assigned_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    escalated_to = fields.Nested(
        DepartmentRefSchema,
        allow_none=True,
        metadata={"description": "The supervising unit an overdue case was escalated to"},
    )
    allowed_actions = fields.List(
        fields.String(),
        metadata={"description": "Action endpoints the signed-in user may call now"},
    )
    assignee = fields.Nested(
        StaffRefSchema,
        allow_none=True,
        metadata={
            "description": "The officer of the unit the report is given to (null: nobody); "
            "not shown to a supervising unit"
        },
    )
    photos = fields.List(fields.Nested(StaffPhotoSchema))
    timeline = fields.List(fields.Nested(StaffEventSchema))
    ratings = fields.List(fields.Nested(StaffRatingSchema))


class StaffReportWithReporterSchema(StaffReportSchema):
    """The oversight roles' view (coordinator, moderator, admin): who filed it, too."""

    reporter = fields.Nested(ReporterSchema)
    entered_by = fields.Nested(
        StaffRefSchema,
        allow_none=True,
        metadata={"description": "The operator who entered it for the resident (null: the app)"},
    )


def staff_schema(view) -> StaffReportSchema:
    """The schema that writes a staff view: only the oversight audience carries a reporter."""
    return StaffReportWithReporterSchema() if view.reporter is not None else StaffReportSchema()


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item)),
            "page": fields.Integer(),
            "page_size": fields.Integer(),
            "total": fields.Integer(
                metadata={"description": "Matching rows, counted up to 10,000 (see total_exact)"}
            ),
            "total_exact": fields.Boolean(
                metadata={"description": "false: more than `total` match (the count stopped)"}
            ),
            "next": fields.String(
                allow_none=True,
                metadata={
                    "description": "The next page's cursor (pass it as `cursor`); null on "
                    "the last page. Pages deeper than 10,000 rows are reached only this way"
                },
            ),
        },
        name=name,
    )


# One instance of each public schema per process: making a marshmallow schema copies
# every one of its fields (and its nested schemas' on first use), which cost more than
# the dump itself on a board page. Dumping keeps no state on the instance.
PUBLIC_REPORT = PublicReportSchema()
PUBLIC_ROW = PublicReportSummarySchema()
PUBLIC_ROWS = PublicReportSummarySchema(many=True)
