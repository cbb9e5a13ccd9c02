"""Handling unit administration schemas (``/staff/v1/admin/units``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.models.department import DepartmentKind
from backend.schemas.common import EmptyAsAbsentSchema

_KINDS = validate.OneOf([kind.value for kind in DepartmentKind])
_NAME = validate.Length(min=1, max=300)
_SUPERVISOR = {
    "allow_none": True,
    "validate": validate.Length(min=1, max=64),
    "metadata": {"description": "Code of the supervising unit, or null", "example": "ioc"},
}
_AREAS = {
    "validate": validate.Length(max=500),
    "metadata": {
        "description": "Codes of the administrative units it serves (the whole list)",
        "example": ["92-ninh-kieu"],
    },
}
_AREA_CODE = fields.String(validate=validate.Length(min=1, max=32))


class UnitCreateSchema(Schema):
    code = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9._-]{1,63}$"),
        metadata={
            "description": "Lower-case letters, digits, '.', '_' and '-'",
            "example": "so-yt",
        },
    )
    name = fields.String(required=True, validate=_NAME)
    kind = fields.String(required=True, validate=_KINDS)
    supervisor = fields.String(load_default=None, **_SUPERVISOR)
    areas = fields.List(_AREA_CODE, load_default=list, **_AREAS)
    province = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "Province (slug or code) the unit belongs to; national "
            "administrators only (default: the province of its areas, or the only hosted one)",
            "example": "vinh-long",
        },
    )


class UnitUpdateSchema(Schema):
    name = fields.String(validate=_NAME)
    kind = fields.String(validate=_KINDS)
    supervisor = fields.String(**_SUPERVISOR)
    areas = fields.List(_AREA_CODE, **_AREAS)
    active = fields.Boolean(metadata={"description": "false deactivates: no new reports"})


class UnitListArgsSchema(EmptyAsAbsentSchema):
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Part of the code or name, accents ignored"},
    )
    active = fields.Boolean()


class _PlaceSchema(Schema):
    code = fields.String()
    name = fields.String()


class UnitViewSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    active = fields.Boolean()
    supervisor = fields.Function(
        lambda u: {"code": u.supervisor.code, "name": u.supervisor.name} if u.supervisor else None,
        metadata={"description": "The supervising unit, or null"},
    )
    areas = fields.List(
        fields.Nested(_PlaceSchema),
        metadata={"description": "The administrative units it serves (its jurisdiction)"},
    )
    province = fields.Function(
        lambda u: u.province.slug if u.province else None,
        metadata={"description": "The slug of the province the unit belongs to"},
    )
