"""Input and output schemas of the residents' API."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.schemas.common import EmptyAsAbsentSchema, PhotoField
from backend.schemas.reports import (
    PublicReportSchema,
    PublicReportSummarySchema,
    ResidentReportSchema,
)
from backend.schemas.staff import TokenSchema


class FirebaseSignInSchema(Schema):
    id_token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=8192),
        metadata={"description": "Firebase ID token from phone sign-in"},
    )


class ResidentSchema(Schema):
    id = fields.Integer()
    phone = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)


class ResidentTokenSchema(TokenSchema):
    resident = fields.Nested(ResidentSchema)


class NewReportSchema(EmptyAsAbsentSchema):
    """One multipart/form-data body: the report's fields and its photos."""

    category = fields.String(required=True, validate=validate.Length(min=1, max=64))
    description = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    lat = fields.Float(
        validate=validate.Range(min=-90, max=90),
        allow_nan=False,
        metadata={"description": "Omit lat and lng to use the first photo's EXIF GPS"},
    )
    lng = fields.Float(validate=validate.Range(min=-180, max=180), allow_nan=False)
    address = fields.String(validate=validate.Length(max=500))
    photos = PhotoField(
        load_default=list,
        metadata={"description": "One or more photos (JPEG, PNG, WebP, HEIC)"},
    )

    @validates_schema
    def both_or_neither(self, data, **kwargs):
        if ("lat" in data) != ("lng" in data):
            missing = "lng" if "lat" in data else "lat"
            raise ValidationError("Send lat and lng together.", missing)


class NearbyArgsSchema(EmptyAsAbsentSchema):
    """Where and what a resident is about to report."""

    category = fields.String(required=True, validate=validate.Length(min=1, max=64))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90), allow_nan=False)
    lng = fields.Float(required=True, validate=validate.Range(min=-180, max=180), allow_nan=False)


class NearbyReportSchema(PublicReportSummarySchema):
    """A suggested report: the public board row, how far, and the resident's relation to it."""

    distance_m = fields.Float(metadata={"description": "Geodesic distance in metres"})
    mine = fields.Boolean(metadata={"description": "Filed by the signed-in resident"})
    following = fields.Boolean(metadata={"description": "The resident already follows it"})


class FollowedReportSchema(PublicReportSchema):
    mine = fields.Boolean()
    following = fields.Boolean()


class SubmittedReportSchema(ResidentReportSchema):
    similar_reports = fields.List(
        fields.Nested(NearbyReportSchema),
        metadata={"description": "Open reports like this one close by, nearest first"},
    )


def dump_suggestion(suggestion) -> dict:
    """A :class:`backend.services.nearby.Suggestion` as the app shows it."""
    return {
        **PublicReportSummarySchema().dump(suggestion.report),
        "distance_m": round(suggestion.distance_m, 1),
        "mine": suggestion.mine,
        "following": suggestion.following,
    }
