"""Query arguments for report lists (public board and staff desks)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from backend.domain.workflow import Status
from backend.schemas.common import PageArgsSchema
from backend.schemas.province_arg import province_field
from backend.schemas.sla import PERIOD
from backend.services.desk import Queue
from backend.services.queries import DeadlineFilter, DeskFilter, DeskSort, ReportFilter

#: The staff desk's own arguments (StaffReportListArgsSchema).
_DESK = ("sort", "deadline", "waiting", "assignee", "queue")


class CommaList(fields.List):
    """``?status=new,assigned`` as well as ``?status=new&status=assigned``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [v for v in (part.strip() for part in value.split(",")) if v]
        elif isinstance(value, list):
            value = [v.strip() for item in value for v in str(item).split(",") if v.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


class BBox(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            min_lng, min_lat, max_lng, max_lat = (float(v) for v in text.split(","))
        except ValueError as exc:
            raise ValidationError("Expected min_lng,min_lat,max_lng,max_lat.") from exc
        if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise ValidationError("Out of range or min greater than max.")
        return (min_lng, min_lat, max_lng, max_lat)


class ReportListArgsSchema(PageArgsSchema):
    province = province_field()
    status = CommaList(fields.String(validate=validate.OneOf([s.value for s in Status])))
    category = fields.String()
    department = fields.String()
    admin_unit = fields.String()
    date_from = fields.Date(data_key="from", validate=PERIOD)
    date_to = fields.Date(data_key="to", validate=PERIOD)
    bbox = BBox(metadata={"description": "min_lng,min_lat,max_lng,max_lat"})
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Accent-insensitive search: 'duong le loi' finds 'Đường Lê Lợi'"},
    )

    @validates_schema
    def dates_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("'from' is after 'to'.", "from")

    @post_load
    def to_filter(self, data, **kwargs):
        page, page_size = data.pop("page"), data.pop("page_size")
        cursor = data.pop("cursor", None)
        desk = {key: data.pop(key) for key in _DESK if key in data}
        return {
            "filter": ReportFilter(**data),
            "desk": DeskFilter(**desk),
            "page": page,
            "page_size": page_size,
            "cursor": cursor,
        }


class PublicReportListArgsSchema(ReportListArgsSchema):
    """The public board: page numbers for the first 10,000 rows, a cursor for any depth."""

    cursor = fields.String(
        validate=validate.Length(max=64),
        metadata={
            "description": "The `next` of the previous page: the page after it (newest "
            "first). Pages deeper than 10,000 rows are reached only this way"
        },
    )


class StaffReportListArgsSchema(ReportListArgsSchema):
    """A desk: the board's filters, plus deadlines and the order."""

    sort = fields.Enum(
        DeskSort,
        by_value=True,
        load_default=DeskSort.NEWEST,
        metadata={"description": "newest (default), oldest, or due_at: the next deadline first"},
    )
    deadline = fields.Enum(
        DeadlineFilter,
        by_value=True,
        metadata={
            "description": "overdue: past the handling deadline; due_soon: due within two "
            "working days (neither while waiting for the resident)"
        },
    )
    waiting = fields.Boolean(
        metadata={"description": "true: waiting for the resident to answer; false: not"}
    )
    assignee = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "me: given to me; none: to no officer; else an officer's username"
        },
    )
    queue = fields.Enum(
        Queue,
        by_value=True,
        metadata={
            "description": "A named queue, as the console's tabs: to_accept, in_progress, "
            "overdue, due_today, due_this_week (local time, on the handling deadline), "
            "waiting, returned, awaiting_rating, escalated, open, all; the coordinator's "
            "triage: unrouted, overdue_or_escalated, extension_pending, no_apology, "
            "awaiting_closure. A unit's working queues hold the reports it handles; "
            "escalated: those escalated to it as the supervising unit"
        },
    )
