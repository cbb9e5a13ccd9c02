"""Audit log schemas (``GET /staff/v1/audit``)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.models.audit import AuditAction
from backend.schemas.common import PageArgsSchema


class AuditArgsSchema(PageArgsSchema):
    staff = fields.String(
        validate=validate.Length(min=1, max=64), metadata={"description": "Who acted (username)"}
    )
    report = fields.String(
        validate=validate.Length(min=1, max=32), metadata={"description": "Report code"}
    )
    action = fields.String(validate=validate.OneOf([a.value for a in AuditAction]))
    date_from = fields.Date(data_key="from", metadata={"description": "First day (local)"})
    date_to = fields.Date(data_key="to", metadata={"description": "Last day (local)"})

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("Must not be after 'to'.", "from")


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    staff = fields.Function(lambda e: e.staff.username)
    action = fields.String(metadata={"enum": [a.value for a in AuditAction]})
    report = fields.Function(lambda e: e.report.code if e.report else None, allow_none=True)
    target_staff = fields.Function(lambda e: e.target.username if e.target else None)
    detail = fields.Dict(allow_none=True)
    address = fields.String(allow_none=True)


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    page = fields.Integer()
    page_size = fields.Integer()
    total = fields.Integer()
