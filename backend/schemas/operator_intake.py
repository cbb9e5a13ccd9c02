"""Operator intake (POST /staff/v1/reports): a report taken down for a resident."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from backend.domain.channels import OPERATOR_CHANNELS
from backend.schemas.common import EmptyAsAbsentSchema, PhotoField
from backend.schemas.reports import StaffReportWithReporterSchema


class OnBehalfSchema(EmptyAsAbsentSchema):
    """One multipart/form-data body: what the resident told the operator, and the photos."""

    channel = fields.String(
        required=True,
        validate=validate.OneOf([c.value for c in OPERATOR_CHANNELS]),
        metadata={"description": "How the report was received"},
    )
    name = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "The resident's name (optional, private like the phone)"},
    )
    phone = fields.String(
        validate=validate.Length(max=32),
        metadata={
            "description": "The resident's phone (optional; 0912345678 or +84912345678): "
            "the report goes to their app account if they have one, else they claim it by "
            "signing in with this phone; kept for a later SMS"
        },
    )
    category = fields.String(required=True, validate=validate.Length(min=1, max=64))
    description = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    lat = fields.Float(
        validate=validate.Range(min=-90, max=90),
        allow_nan=False,
        metadata={"description": "Where (clicked on the map); or send ward"},
    )
    lng = fields.Float(validate=validate.Range(min=-180, max=180), allow_nan=False)
    address = fields.String(
        validate=validate.Length(max=500),
        metadata={
            "description": "As told; places the report when it names one ward or commune "
            "(and no map click, lat/lng or ward is given)"
        },
    )
    ward = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={
            "description": "A ward or commune code: its representative point, when no lat/lng"
        },
    )
    photos = PhotoField(
        load_default=list,
        metadata={
            "description": "Photos received (JPEG, PNG, WebP, HEIC); optional unless the "
            "category needs one"
        },
    )

    @validates_schema
    def both_or_neither(self, data, **kwargs):
        if ("lat" in data) != ("lng" in data):
            missing = "lng" if "lat" in data else "lat"
            raise ValidationError("Send lat and lng together.", missing)


class FiledReportSchema(StaffReportWithReporterSchema):
    """The report as filed, as its filer reads it (an operator: as a unit does, without
    ``reporter`` and ``entered_by``), and where the public reads it."""

    report_url = fields.String(metadata={"description": "The report's public page"})
