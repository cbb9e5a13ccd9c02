"""Inputs and outputs of the device and inbox endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.schemas.common import EmptyAsAbsentSchema, PageArgsSchema
from notifications.models import Platform
from notifications.templates import LOCALES, render


class DeviceSchema(Schema):
    token = fields.String(
        required=True,
        validate=[
            validate.Length(min=10, max=4096),
            # What FCM issues: no spaces, look-alikes or invisible characters, so one install
            # cannot be registered twice under spellings of the same token.
            validate.Regexp(r"\A[A-Za-z0-9_:.\-]+\Z", error="Not an FCM registration token."),
        ],
        # The document's pattern in ECMA-262 syntax (OpenAPI's): Python's ``\A...\Z``
        # (which, unlike ``$``, refuses a trailing newline) is not valid there.
        metadata={"description": "FCM registration token", "pattern": "^[A-Za-z0-9_:.\\-]+$"},
    )
    platform = fields.String(required=True, validate=validate.OneOf([p.value for p in Platform]))
    locale = fields.String(load_default="vi", validate=validate.OneOf(LOCALES))


class LocaleArgsSchema(EmptyAsAbsentSchema):
    locale = fields.String(load_default="vi", validate=validate.OneOf(LOCALES))


class InboxArgsSchema(PageArgsSchema, LocaleArgsSchema):
    pass


class UnreadSchema(Schema):
    unread = fields.Integer()


class InboxItemSchema(Schema):
    """What :func:`inbox_item` gives (documentation of the inbox's items)."""

    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    report_code = fields.String()
    created_at = fields.DateTime()
    read = fields.Boolean()
    urgent = fields.Boolean()


def inbox_item(row, locale: str) -> dict:
    title, body = render(row.kind, row.params, locale, row.report.code)
    return {
        "id": row.id,
        "kind": row.kind,
        "title": title,
        "body": body,
        "report_code": row.report.code,
        "created_at": row.created_at,
        "read": row.read_at is not None,
        "urgent": row.urgent,
    }
