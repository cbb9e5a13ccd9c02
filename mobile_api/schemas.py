"""Input and output schemas of the residents' API."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from backend.schemas.common import EmptyAsAbsentSchema, PhotoField
from backend.schemas.reports import (
    FollowerReportSchema,
    PublicReportSummarySchema,
    ResidentReportSchema,
)
from backend.schemas.staff import TokenSchema
from backend.services import read_model


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
    refresh_token = fields.String(
        metadata={"description": "Trade it at POST /mobile/v1/auth/refresh; rotated on use"}
    )
    refresh_expires_in = fields.Integer(
        metadata={"description": "Seconds the refresh token lasts unused"}
    )
    resident = fields.Nested(ResidentSchema)


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class DeleteAccountSchema(Schema):
    id_token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=8192),
        metadata={"description": "A fresh Firebase ID token of the same phone (confirmation)"},
    )


class _PointSchema(EmptyAsAbsentSchema):
    """An optional point: lat and lng both, or neither."""

    @validates_schema
    def both_or_neither(self, data, **kwargs):
        if ("lat" in data) != ("lng" in data):
            missing = "lng" if "lat" in data else "lat"
            raise ValidationError("Send lat and lng together.", missing)


class NewReportSchema(_PointSchema):
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


class CategoryArgsSchema(_PointSchema):
    """Which province's categories: named, or the one containing a point."""

    province = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "A hosted province's slug (can-tho) or code (92)"},
    )
    lat = fields.Float(validate=validate.Range(min=-90, max=90), allow_nan=False)
    lng = fields.Float(validate=validate.Range(min=-180, max=180), allow_nan=False)


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


class FollowedReportSchema(FollowerReportSchema):
    """The public record of a report the resident follows, with their part in it."""


class FollowedRowSchema(PublicReportSummarySchema):
    """A row of the resident's list of followed reports."""

    mine = fields.Boolean()
    following = fields.Boolean()


class SubmittedReportSchema(ResidentReportSchema):
    similar_reports = fields.List(
        fields.Nested(NearbyReportSchema),
        metadata={"description": "Open reports like this one close by, nearest first"},
    )


def dump_suggestion(suggestion, now) -> dict:
    """A :class:`backend.services.nearby.Suggestion` as the app shows it."""
    view = read_model.row(
        suggestion.report,
        now,
        mine=suggestion.mine,
        following=suggestion.following,
        distance_m=suggestion.distance_m,
    )
    return NearbyReportSchema().dump(view)


#: Comments and reasons that go with a rating (never public).
RATING_TEXT = validate.Length(max=2000)


class RatingArgsSchema(Schema):
    """The reporter's rating of the resolution: 1-2 unsatisfied, 5 very satisfied."""

    score = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=5),
        metadata={"description": "1 (very unsatisfied) to 5 (very satisfied)"},
    )
    comment = fields.String(
        load_default=None,
        allow_none=True,
        validate=RATING_TEXT,
        metadata={"description": "Optional; read by the unit and the coordinator, never public"},
    )

    @pre_load
    def _no_booleans(self, data, **kwargs):
        # JSON true is not a score (Python counts it as the integer 1).
        if isinstance(data, dict) and isinstance(data.get("score"), bool):
            raise ValidationError("Not a valid integer.", "score")
        return data


class ReopenArgsSchema(Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "Why the resolution is not satisfactory (for the unit)"},
    )


class FeedbackArgsSchema(Schema):
    """A follower's answer: did the resolution help?"""

    helped = fields.Boolean(required=True, metadata={"description": "JSON true or false"})
    comment = fields.String(load_default=None, allow_none=True, validate=RATING_TEXT)

    @pre_load
    def _only_booleans(self, data, **kwargs):
        # Not "yes", 1 or "true": an answer the app sends as JSON true or false.
        if isinstance(data, dict) and "helped" in data and not isinstance(data["helped"], bool):
            raise ValidationError("Must be true or false.", "helped")
        return data


class FeedbackReportSchema(FollowerReportSchema):
    """The public record with the follower's answer."""
