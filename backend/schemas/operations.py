"""The operations view (GET /staff/v1/operations...): the board, the map and the trends."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.schemas.common import DepartmentRefSchema, EmptyAsAbsentSchema
from backend.schemas.stats import FiguresSchema, PeriodArgsSchema, RankedDepartmentSchema

_STATES = ["on_time", "due_soon", "overdue"]


class OperationsArgsSchema(PeriodArgsSchema):
    """The board's period: by default today (local time); ``from`` alone: up to today;
    ``to`` alone: that day. ``province`` (national staff): one province's board (slug or
    code); a province's staff always read their own (another one: 403)."""

    province = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "National staff: one province (slug or code)"},
    )


class PeriodSchema(Schema):
    date_from = fields.String(data_key="from", attribute="from", metadata={"format": "date"})
    date_to = fields.String(data_key="to", attribute="to", metadata={"format": "date"})


class RoutingSchema(Schema):
    automatic = fields.Integer(metadata={"description": "Given to a unit by a routing rule"})
    by_hand = fields.Integer(metadata={"description": "Assigned or forwarded by staff"})


class QueueCountsSchema(Schema):
    """Open reports in each of the desk's and the triage's named queues, now."""

    unrouted = fields.Integer()
    to_accept = fields.Integer()
    in_progress = fields.Integer()
    overdue = fields.Integer()
    overdue_or_escalated = fields.Integer()
    escalated = fields.Integer()
    extension_pending = fields.Integer()
    no_apology = fields.Integer()


class UnitOverdueSchema(Schema):
    department = fields.Nested(DepartmentRefSchema)
    overdue = fields.Integer()


class BoardSchema(Schema):
    period = fields.Nested(PeriodSchema)
    today = fields.Boolean(metadata={"description": "The period is today"})
    as_of = fields.String(metadata={"description": "ISO 8601 instant of the figures"})
    figures = fields.Nested(
        FiguresSchema, metadata={"description": "Exactly /public/v1/stats for the period"}
    )
    units = fields.List(
        fields.Nested(RankedDepartmentSchema),
        metadata={"description": "Exactly /public/v1/departments for the period"},
    )
    routing = fields.Nested(RoutingSchema)
    queues = fields.Nested(QueueCountsSchema)
    overdue_by_unit = fields.List(
        fields.Nested(UnitOverdueSchema), metadata={"description": "Most overdue first"}
    )


class MapArgsSchema(EmptyAsAbsentSchema):
    zoom = fields.Integer(load_default=12, validate=validate.Range(min=0, max=30))
    department = fields.String(validate=validate.Length(max=64))
    category = fields.String(validate=validate.Length(max=64))
    province = fields.String(validate=validate.Length(max=64))


class StateCountsSchema(Schema):
    on_time = fields.Integer()
    due_soon = fields.Integer()
    overdue = fields.Integer()


class CellSchema(Schema):
    lat = fields.Float()
    lng = fields.Float()
    count = fields.Integer()
    state = fields.String(validate=validate.OneOf(_STATES), metadata={"description": "Worst"})
    states = fields.Nested(StateCountsSchema)
    code = fields.String(allow_none=True, metadata={"description": "A cell of one report"})


class MapSchema(Schema):
    zoom = fields.Integer()
    cell_degrees = fields.Float()
    total = fields.Integer()
    states = fields.Nested(StateCountsSchema)
    cells = fields.List(fields.Nested(CellSchema))


class CategoryNameSchema(Schema):
    code = fields.String()
    name_vi = fields.String()
    name_en = fields.String()


class DaySchema(Schema):
    date = fields.String(metadata={"format": "date"})
    total = fields.Integer()
    by_category = fields.Dict(keys=fields.String(), values=fields.Integer())


class DailySchema(Schema):
    period = fields.Nested(PeriodSchema)
    categories = fields.List(fields.Nested(CategoryNameSchema))
    days = fields.List(fields.Nested(DaySchema))


class ChannelDaySchema(Schema):
    date = fields.String(metadata={"format": "date"})
    total = fields.Integer()
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer())


class DailyChannelSchema(Schema):
    period = fields.Nested(PeriodSchema)
    channels = fields.List(
        fields.String(), metadata={"description": "The channels the period's reports came by"}
    )
    days = fields.List(fields.Nested(ChannelDaySchema))


class UnitMonthSchema(Schema):
    month = fields.String(metadata={"example": "2026-11"})
    received = fields.Integer()
    resolved_on_time = fields.Integer()
    on_time_rate = fields.Float(allow_none=True)


class UnitMonthsSchema(Schema):
    department = fields.Nested(DepartmentRefSchema)
    months = fields.List(fields.Nested(UnitMonthSchema))


class MonthlySchema(Schema):
    period = fields.Nested(PeriodSchema)
    months = fields.List(fields.String())
    units = fields.List(fields.Nested(UnitMonthsSchema))


class TrendsSchema(Schema):
    daily = fields.Nested(DailySchema)
    daily_by_channel = fields.Nested(DailyChannelSchema)
    monthly = fields.Nested(MonthlySchema)


__all__ = ["BoardSchema", "FiguresSchema", "MapArgsSchema", "MapSchema", "OperationsArgsSchema"]
