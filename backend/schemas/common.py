"""Shared pieces: the error envelope, pagination and catalogue entries."""

from __future__ import annotations

from marshmallow import Schema, fields, pre_load, validate


class MessageSchema(Schema):
    vi = fields.String(required=True)
    en = fields.String(required=True)


class ErrorBodySchema(Schema):
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.Nested(MessageSchema, required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorEnvelopeSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


def _blank(value) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


class EmptyAsAbsentSchema(Schema):
    """Query and form fields sent empty count as absent (as clients expect)."""

    @pre_load
    def _drop_empty(self, data, **kwargs):
        return {key: data[key] for key in data if not _blank(data[key])}


class PhotoField(fields.List):
    """Uploaded files of a multipart field (validated by decoding, in the service)."""

    def __init__(self, **kwargs):
        super().__init__(fields.Raw(metadata={"type": "string", "format": "binary"}), **kwargs)


class PageArgsSchema(EmptyAsAbsentSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class CategoryRefSchema(Schema):
    code = fields.String()
    name_vi = fields.String()
    name_en = fields.String()
    group = fields.String()


class CategorySchema(CategoryRefSchema):
    photo_required = fields.Boolean()
    default_severity = fields.String()


class _NamedRefSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String()


class DepartmentRefSchema(_NamedRefSchema):
    pass


class AdminUnitRefSchema(_NamedRefSchema):
    pass
