"""Administrative units import schemas (``/staff/v1/admin/boundaries``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.geo.unit_file import Properties
from backend.schemas.common import EmptyAsAbsentSchema

_PROP = validate.Length(min=1, max=64)
_DEFAULTS = Properties()


class BoundaryUploadSchema(EmptyAsAbsentSchema):
    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "The GeoJSON file"},
    )
    province = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "Code of the province the units belong to", "example": "92"},
    )
    replace = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The province's units not in the file lose their boundary "
            "(they stay, with their reports)"
        },
    )
    code_property = fields.String(load_default=_DEFAULTS.code, validate=_PROP)
    name_property = fields.String(load_default=_DEFAULTS.name, validate=_PROP)
    kind_property = fields.String(load_default=_DEFAULTS.kind, validate=_PROP)
    legacy_property = fields.String(
        load_default=_DEFAULTS.legacy,
        validate=_PROP,
        metadata={"description": "Property with the old codes of the units merged into it"},
    )


class BoundaryResultSchema(Schema):
    province = fields.Function(lambda r: r.province.code)
    created = fields.List(fields.String())
    updated = fields.List(fields.String())
    legacy_codes = fields.Integer(metadata={"description": "Old codes mapped"})
    cleared = fields.List(
        fields.String(), metadata={"description": "Units whose boundary was removed (replace)"}
    )
