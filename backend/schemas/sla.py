"""SLA inputs and outputs: extensions, apologies, policies, calendar, timeliness."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.models.category import Severity
from backend.models.sla import ExceptionKind, ExceptionScope, PolicySource
from backend.schemas.common import EmptyAsAbsentSchema

TEXT = validate.Length(min=1, max=5000)
PERIOD = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31))


class QuestionSchema(Schema):
    question = fields.String(
        required=True, validate=TEXT, metadata={"description": "Shown to the resident"}
    )


class AnswerSchema(Schema):
    text = fields.String(required=True, validate=TEXT)


class ExtensionRequestSchema(Schema):
    reason = fields.String(required=True, validate=TEXT)
    proposed_date = fields.Date(
        required=True, metadata={"description": "New deadline (a working day)"}
    )


class ExtensionDecisionSchema(Schema):
    approve = fields.Boolean(required=True)
    note = fields.String(validate=validate.Length(max=5000))


class ExtensionSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    reason = fields.String()
    proposed_due_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)
    in_time = fields.Boolean()


class ApologySchema(Schema):
    reason = fields.String(
        required=True, validate=TEXT, metadata={"description": "Why the unit is late (public)"}
    )
    promised_date = fields.Date(
        required=True, metadata={"description": "New promised date (a working day)"}
    )


class PolicyInputSchema(Schema):
    severity = fields.String(required=True, validate=validate.OneOf([s.value for s in Severity]))
    category = fields.String(metadata={"description": "Category code; omit for every category"})
    # At most a year of working time (about 250 working days) for any clock.
    accept_hours = fields.Float(required=True, validate=validate.Range(min=0.25, max=2000))
    handle_hours = fields.Float(validate=validate.Range(min=0.25, max=2000))
    handle_days = fields.Float(validate=validate.Range(min=0.1, max=250))
    publish_days = fields.Float(required=True, validate=validate.Range(min=0.1, max=250))

    @validates_schema
    def one_handle_budget(self, data, **kwargs):
        if ("handle_hours" in data) == ("handle_days" in data):
            raise ValidationError("Give handle_hours or handle_days.", "handle_days")


class PolicySchema(Schema):
    severity = fields.String()
    category = fields.String(allow_none=True)
    accept_hours = fields.Float()
    handle_hours = fields.Float()
    handle_days = fields.Float()
    publish_days = fields.Float()
    effective_from = fields.DateTime(allow_none=True)
    source = fields.String(
        validate=validate.OneOf([s.value for s in PolicySource]),
        metadata={"description": "default (national rules), policy (national) or province_policy"},
    )


class CalendarExceptionInputSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ExceptionKind]))
    note = fields.String(validate=validate.Length(max=300))


class CalendarExceptionSchema(Schema):
    day = fields.Date(required=True, data_key="date")
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ExceptionKind]))
    note = fields.String(validate=validate.Length(max=300))


PROVINCE = fields.String(
    validate=validate.Length(max=64),
    metadata={
        "description": "A province (slug or code) whose own entries a national administrator "
        "keeps; by default the caller's own province (national staff: the national list)"
    },
)


class ProvinceArgsSchema(EmptyAsAbsentSchema):
    province = PROVINCE


class CalendarArgsSchema(EmptyAsAbsentSchema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    province = PROVINCE


class TimelinessArgsSchema(EmptyAsAbsentSchema):
    department = fields.String()
    date_from = fields.Date(data_key="from", required=True, validate=PERIOD)
    date_to = fields.Date(data_key="to", required=True, validate=PERIOD)

    @validates_schema
    def ordered(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("'from' is after 'to'.", "from")


class HolidaySchema(Schema):
    date = fields.Date()
    name = fields.String()


class CalendarYearExceptionSchema(CalendarExceptionSchema):
    scope = fields.String(
        validate=validate.OneOf([s.value for s in ExceptionScope]),
        metadata={"description": "national (every province) or the province's own"},
    )


class CalendarYearSchema(Schema):
    """A year of the working calendar (``GET /staff/v1/admin/calendar``): the national
    calendar, with a province's own exceptions on top when asked for one."""

    year = fields.Integer()
    office_hours = fields.List(fields.String(metadata={"example": "07:30-11:30"}))
    holidays = fields.List(fields.Nested(HolidaySchema))
    weekend_working_days = fields.List(fields.Date())
    exceptions = fields.List(fields.Nested(CalendarYearExceptionSchema))
