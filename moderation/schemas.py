"""Moderator API inputs."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

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
