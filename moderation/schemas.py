"""Moderator API inputs, and the queue's items."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.schemas.reports import StaffReportWithReporterSchema
from backend.schemas.sla import TEXT
from moderation.services import RejectReason


class RejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf([r.value for r in RejectReason]))
    message = fields.String(
        required=True, validate=TEXT, metadata={"description": "What the resident reads"}
    )


class PublicTextSchema(Schema):
    text = fields.String(
        required=True, validate=TEXT, metadata={"description": "The text the public will read"}
    )
    reason = fields.String(required=True, validate=TEXT)


class QueueItemSchema(StaffReportWithReporterSchema):
    """A held report in the queue, with the open reports nearby it may duplicate."""

    similar_reports = fields.List(
        fields.Dict(), metadata={"description": "code, distance_m, status of each"}
    )
