"""The hosted provinces on the public API, and the ``province`` query argument."""

from __future__ import annotations

from marshmallow import Schema, fields

from backend.schemas.province_arg import province_field
from backend.schemas.stats import FiguresSchema, PeriodArgsSchema


class ProvinceRefSchema(Schema):
    code = fields.String(metadata={"example": "92"})
    slug = fields.String(metadata={"example": "can-tho", "description": "URL name: /p/<slug>/"})
    name = fields.String(metadata={"example": "TP Cần Thơ"})


class RankedProvinceSchema(Schema):
    rank = fields.Integer(allow_none=True, metadata={"description": "null: no case in the period"})
    province = fields.Nested(ProvinceRefSchema)
    figures = fields.Nested(FiguresSchema)


class ProvinceListSchema(Schema):
    period = fields.Dict()
    items = fields.List(fields.Nested(RankedProvinceSchema))


class ScoreboardArgsSchema(PeriodArgsSchema):
    """The scoreboard's period, optionally of one province's units."""

    province = province_field()
