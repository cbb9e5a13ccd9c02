"""Staff account management schemas (``/staff/v1/staff``, ``/staff/v1/me/password``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.domain.roles import Role
from backend.schemas.common import EmptyAsAbsentSchema

_ROLES = validate.OneOf([role.value for role in Role])
_PASSWORD = {
    "validate": validate.Length(min=1, max=256),
    "load_only": True,
    "metadata": {"description": "At least 10 characters, not a common password, not the username"},
}
_UNIT = {
    "allow_none": True,
    "validate": validate.Length(min=1, max=64),
    "metadata": {
        "description": "Handling unit code: required for department roles, null for the others",
        "example": "so-xd",
    },
}


class StaffCreateSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9._-]{1,63}$"),
        metadata={
            "description": "Lower-case letters, digits, '.', '_' and '-'",
            "example": "so-xd.officer3",
        },
    )
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=_ROLES)
    unit = fields.String(load_default=None, **_UNIT)
    province = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "Province (slug or code) of an account without a unit; national "
            "administrators only. Default: the administrator's own province (or national)",
            "example": "vinh-long",
        },
    )
    password = fields.String(required=True, **_PASSWORD)


class StaffUpdateSchema(Schema):
    full_name = fields.String(validate=validate.Length(min=1, max=200))
    role = fields.String(validate=_ROLES)
    unit = fields.String(**_UNIT)
    active = fields.Boolean()


class PasswordResetSchema(Schema):
    password = fields.String(required=True, **_PASSWORD)


class PasswordChangeSchema(Schema):
    current_password = fields.String(
        required=True, validate=validate.Length(min=1, max=256), load_only=True
    )
    password = fields.String(required=True, **_PASSWORD)


class StaffListArgsSchema(EmptyAsAbsentSchema):
    unit = fields.String(validate=validate.Length(min=1, max=64))
    role = fields.String(validate=_ROLES)
    active = fields.Boolean()


class StaffAdminViewSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    department = fields.Function(
        lambda s: {"code": s.department.code, "name": s.department.name} if s.department else None,
        metadata={"description": "The handling unit (department roles), else null"},
    )
    created_at = fields.DateTime()
    province = fields.Function(
        lambda s: s.province.slug if s.province else None,
        metadata={"description": "The province's slug; null: national staff"},
    )
