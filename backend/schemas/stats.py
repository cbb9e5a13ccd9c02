"""Statistics: the query arguments and the figures (one definition: backend.domain.scoring)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.domain.channels import Channel
from backend.schemas.common import DepartmentRefSchema, EmptyAsAbsentSchema
from backend.schemas.province_arg import province_field
from backend.schemas.sla import PERIOD

_RATE = {"description": "0..1, null when there is no case"}


class FiguresSchema(Schema):
    received = fields.Integer(metadata={"description": "Cases in the unit's remit"})
    resolved = fields.Integer()
    resolved_on_time = fields.Integer()
    resolved_late_with_extension = fields.Integer(
        metadata={"description": "Late, within an extension approved before the deadline"}
    )
    resolved_late = fields.Integer()
    handed_over_late = fields.Integer(
        metadata={"description": "Forwarded or returned after the deadline"}
    )
    overdue_now = fields.Integer()
    open_in_time = fields.Integer()
    waiting_for_resident = fields.Integer()
    on_time_rate = fields.Float(allow_none=True, metadata=_RATE)
    median_resolution_days = fields.Float(allow_none=True, metadata={"description": "Working days"})
    p90_resolution_days = fields.Float(allow_none=True, metadata={"description": "Working days"})
    ratings = fields.Integer()
    average_rating = fields.Float(allow_none=True)
    unsatisfied = fields.Integer(metadata={"description": "Rated 1-2 (and not counted below)"})
    reraised = fields.Integer(metadata={"description": "Reopened by the reporter"})
    overdue = fields.Integer(metadata={"description": "Went past the deadline (no extension)"})
    satisfaction_rate = fields.Float(allow_none=True, metadata=_RATE)
    timeliness_points = fields.Float(allow_none=True, metadata={"description": "Out of 20"})
    satisfaction_points = fields.Float(allow_none=True, metadata={"description": "Out of 18"})
    points = fields.Float(allow_none=True, metadata={"description": "Timeliness + satisfaction"})


class MonthSchema(Schema):
    month = fields.String(metadata={"example": "2026-11"})
    period = fields.Dict()
    figures = fields.Nested(FiguresSchema)


class RankedDepartmentSchema(Schema):
    rank = fields.Integer(allow_none=True, metadata={"description": "null: no case in the period"})
    department = fields.Nested(DepartmentRefSchema)
    figures = fields.Nested(FiguresSchema)


class DepartmentScoreboardSchema(Schema):
    period = fields.Dict()
    items = fields.List(fields.Nested(RankedDepartmentSchema))


class DepartmentStatsSchema(Schema):
    department = fields.Nested(DepartmentRefSchema)
    period = fields.Dict()
    figures = fields.Nested(FiguresSchema)
    by_month = fields.List(fields.Nested(MonthSchema))


class AdminUnitFiguresSchema(Schema):
    admin_unit = fields.Dict()
    figures = fields.Nested(FiguresSchema)


class ChannelFiguresSchema(Schema):
    channel = fields.String(
        metadata={"enum": [c.value for c in Channel], "description": "How the reports came in"}
    )
    figures = fields.Nested(FiguresSchema)


class StatsSchema(Schema):
    scope = fields.Dict()
    period = fields.Dict()
    figures = fields.Nested(FiguresSchema)
    by_month = fields.List(fields.Nested(MonthSchema))
    by_department = fields.List(fields.Nested(RankedDepartmentSchema))
    by_admin_unit = fields.List(fields.Nested(AdminUnitFiguresSchema))
    by_channel = fields.List(fields.Nested(ChannelFiguresSchema))


class PeriodArgsSchema(EmptyAsAbsentSchema):
    """A period of local dates; by default the last 12 months up to today."""

    date_from = fields.Date(data_key="from", validate=PERIOD)
    date_to = fields.Date(data_key="to", validate=PERIOD)


class StatsArgsSchema(PeriodArgsSchema):
    province = province_field()
    department = fields.String()
    admin_unit = fields.String(metadata={"description": "Current or pre-merger code"})
    group = fields.String(
        validate=validate.OneOf(["month", "department", "admin_unit", "channel"]),
        metadata={
            "description": "Add the figures by month, by unit, by administrative unit or by "
            "channel (app, hotline, zalo...)"
        },
    )


class TimelinessArgsSchema(PeriodArgsSchema):
    """The staff desk's period: by default the current month (local time) up to today;
    ``to`` alone: its month up to it; ``from`` alone: up to today."""

    department = fields.String()

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("'from' is after 'to'.", "from")


class UnitTimelinessSchema(FiguresSchema):
    """A unit's row of the desk's timeliness figures (GET /staff/v1/stats/timeliness)."""

    department = fields.Nested(DepartmentRefSchema)
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
