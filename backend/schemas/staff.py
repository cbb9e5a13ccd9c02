"""Staff API input and account schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.schemas.common import EmptyAsAbsentSchema, PhotoField


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(
        required=True, validate=validate.Length(min=1, max=256), load_only=True
    )


class StaffAccountSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    role = fields.String()
    department = fields.Function(
        lambda s: {"code": s.department.code, "name": s.department.name} if s.department else None
    )


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class StaffTokenSchema(TokenSchema):
    account = fields.Nested(StaffAccountSchema)


class NoteSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class OptionalNoteSchema(Schema):
    note = fields.String(validate=validate.Length(max=5000))


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ResolveSchema(EmptyAsAbsentSchema):
    response = fields.String(
        required=True,
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "The answer published to everyone"},
    )
    photos = PhotoField(
        load_default=list, metadata={"description": "After-photos (JPEG, PNG, WebP, HEIC)"}
    )


class ForwardSchema(Schema):
    department = fields.String(required=True, metadata={"description": "Handling unit code"})
    note = fields.String(validate=validate.Length(max=5000))


class DuplicateSchema(Schema):
    original = fields.String(required=True, metadata={"example": "PA-2026-000001"})


class AssigneeSchema(Schema):
    officer = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "Username of an active officer of the report's unit; null: "
            "nobody (unassign)",
            "example": "so-xd.officer",
        },
    )


class OfficerSchema(Schema):
    """An officer of a unit, for the form that gives a report to one."""

    username = fields.String()
    full_name = fields.String()
    role = fields.String(metadata={"enum": ["department_head", "department_officer"]})
    open_reports = fields.Integer(
        metadata={"description": "Reports of the unit, assigned or in progress, given to them"}
    )
