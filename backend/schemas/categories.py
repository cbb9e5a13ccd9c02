"""Categories as administrators manage them (``/staff/v1/admin/categories``), with the
extra questions each asks: Open311 service definition attributes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.models.category import QuestionType, Severity

CODE = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="Lowercase letters, digits, - or _.")
NAME = validate.Length(min=1, max=200)
DESCRIPTION = validate.Length(min=1, max=500)
QUESTIONS_MAX = 30
VALUES_MAX = 50


class QuestionValueSchema(Schema):
    """One answer offered by a list question (Open311 ``values``)."""

    key = fields.String(required=True, validate=CODE)
    name_vi = fields.String(required=True, validate=NAME)
    name_en = fields.String(required=True, validate=NAME)


class CategoryQuestionSchema(Schema):
    """An extra question (Open311 attribute: ``code``, ``datatype``, ``required``,
    ``order``, ``description``, ``values``)."""

    code = fields.String(required=True, validate=CODE)
    datatype = fields.String(
        required=True, validate=validate.OneOf([t.value for t in QuestionType])
    )
    required = fields.Boolean(load_default=False)
    order = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))
    description_vi = fields.String(required=True, validate=DESCRIPTION)
    description_en = fields.String(required=True, validate=DESCRIPTION)
    values = fields.List(
        fields.Nested(QuestionValueSchema),
        load_default=list,
        validate=validate.Length(max=VALUES_MAX),
        metadata={"description": "Only for singlevaluelist and multivaluelist (at least one)"},
    )


class AdminCategoryPatchSchema(Schema):
    """What an administrator may change; ``questions``, when given, replaces them all."""

    name_vi = fields.String(validate=NAME)
    name_en = fields.String(validate=NAME)
    group = fields.String(validate=validate.Length(min=1, max=64))
    default_severity = fields.String(validate=validate.OneOf([s.value for s in Severity]))
    photo_required = fields.Boolean()
    active = fields.Boolean(metadata={"description": "False: closed for new reports"})
    position = fields.Integer(validate=validate.Range(min=0, max=10_000))
    questions = fields.List(
        fields.Nested(CategoryQuestionSchema), validate=validate.Length(max=QUESTIONS_MAX)
    )


class AdminCategoryInputSchema(AdminCategoryPatchSchema):
    code = fields.String(required=True, validate=CODE)
    province = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "A national administrator: the province (slug or code) the new "
            "category is a local addition of; omit for the national list. A province's "
            "administrator's categories are always their province's."
        },
    )
    name_vi = fields.String(required=True, validate=NAME)
    name_en = fields.String(required=True, validate=NAME)
    group = fields.String(required=True, validate=validate.Length(min=1, max=64))
    default_severity = fields.String(
        load_default=Severity.NORMAL.value, validate=validate.OneOf([s.value for s in Severity])
    )
    photo_required = fields.Boolean(load_default=True)
    active = fields.Boolean(load_default=True)
    position = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000))
    questions = fields.List(
        fields.Nested(CategoryQuestionSchema),
        load_default=list,
        validate=validate.Length(max=QUESTIONS_MAX),
    )


class AdminCategorySchema(Schema):
    code = fields.String()
    province = fields.String(
        allow_none=True,
        metadata={"description": "The province it is a local addition of; null: national"},
    )
    name_vi = fields.String()
    name_en = fields.String()
    group = fields.String()
    default_severity = fields.String()
    photo_required = fields.Boolean()
    active = fields.Boolean()
    position = fields.Integer()
    questions = fields.List(fields.Nested(CategoryQuestionSchema))
    tag = fields.String(
        metadata={
            "description": "A fingerprint of the fields and questions above: send it back "
            "as If-Match to change the category only if nobody changed it since"
        }
    )
