"""Moderator API inputs."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from moderation.services import RejectReason

TEXT = validate.Length(min=1, max=5000)


class ApprovalSchema(Schema):
    note = fields.String(validate=validate.Length(max=5000))


class RejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf([r.value for r in RejectReason]))
    message = fields.String(
        required=True, validate=TEXT, metadata={"description": "What the resident reads"}
    )


class ModeratorQuestionSchema(Schema):
    question = fields.String(required=True, validate=TEXT)


class PublicTextSchema(Schema):
    text = fields.String(
        required=True, validate=TEXT, metadata={"description": "The text the public will read"}
    )
    reason = fields.String(required=True, validate=TEXT)


class ModerationReasonSchema(Schema):
    reason = fields.String(required=True, validate=TEXT)


class MergeSchema(Schema):
    original = fields.String(required=True, metadata={"example": "PA-2026-000001"})
