"""``?province=`` on the public reads: a hosted province's slug or code."""

from __future__ import annotations

from marshmallow import fields, validate


def province_field() -> fields.String:
    return fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "A province this service hosts, by URL name (can-tho) or code "
            "(92); see GET /public/v1/provinces. Unknown: 404 province_not_found"
        },
    )
