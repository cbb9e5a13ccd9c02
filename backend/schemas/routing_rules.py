"""Routing rules and the routing tester (``/staff/v1/admin/routing-rules``,
``/staff/v1/routing/test``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.schemas.common import (
    AdminUnitRefSchema,
    CategoryRefSchema,
    DepartmentRefSchema,
    EmptyAsAbsentSchema,
)

_CODE = validate.Length(min=1, max=64)
_CATEGORY = {
    "allow_none": True,
    "validate": _CODE,
    "metadata": {"description": "Category code; null: every category", "example": "den-duong"},
}
_AREA = {
    "allow_none": True,
    "validate": _CODE,
    "metadata": {
        "description": "Administrative unit code; null: the whole service area",
        "example": "92-ninh-kieu",
    },
}
_UNIT = {
    "validate": _CODE,
    "metadata": {"description": "The active handling unit's code", "example": "chieu-sang"},
}


class RoutingRuleInputSchema(Schema):
    category = fields.String(load_default=None, **_CATEGORY)
    area = fields.String(load_default=None, **_AREA)
    unit = fields.String(required=True, **_UNIT)


class RoutingRuleUpdateSchema(Schema):
    category = fields.String(**_CATEGORY)
    area = fields.String(**_AREA)
    unit = fields.String(**_UNIT)


class RoutingRuleListArgsSchema(EmptyAsAbsentSchema):
    category = fields.String(validate=_CODE, metadata={"description": "A category code"})
    area = fields.String(validate=_CODE, metadata={"description": "An administrative unit code"})
    unit = fields.String(validate=_CODE, metadata={"description": "A handling unit code"})


class UnitRefSchema(DepartmentRefSchema):
    active = fields.Boolean()


class RoutingRuleSchema(Schema):
    id = fields.Integer()
    category = fields.Nested(
        CategoryRefSchema, allow_none=True, metadata={"description": "null: every category"}
    )
    area = fields.Nested(
        AdminUnitRefSchema,
        attribute="admin_unit",
        allow_none=True,
        metadata={"description": "null: the whole service area"},
    )
    unit = fields.Nested(UnitRefSchema, attribute="department")


class RoutingTestInputSchema(Schema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lng = fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    category = fields.String(required=True, validate=_CODE, metadata={"example": "den-duong"})


class CandidateSchema(Schema):
    step = fields.String(
        metadata={
            "description": "category_area (this category at this unit), category_anywhere, "
            "area_default (the place's unit for every category)",
        }
    )
    category = fields.Nested(CategoryRefSchema, allow_none=True)
    area = fields.Nested(AdminUnitRefSchema, allow_none=True)
    outcome = fields.String(
        metadata={
            "description": "no_rule; unit_inactive (a rule, skipped: its unit is "
            "deactivated); matched (this rule decided)"
        }
    )
    rule = fields.Nested(
        RoutingRuleSchema, allow_none=True, metadata={"description": "The rule with this key"}
    )


class RoutingTestSchema(Schema):
    lat = fields.Float()
    lng = fields.Float()
    category = fields.Nested(CategoryRefSchema)
    area = fields.Nested(AdminUnitRefSchema, metadata={"description": "The unit at the point"})
    chain = fields.List(
        fields.Nested(AdminUnitRefSchema),
        metadata={"description": "The area and the units enclosing it, deepest first"},
    )
    unit = fields.Nested(
        DepartmentRefSchema,
        allow_none=True,
        metadata={"description": "The unit the rules choose; null: the coordinator decides"},
    )
    to_coordinator = fields.Boolean()
    coordinator = fields.Nested(DepartmentRefSchema)
    matched = fields.Nested(
        CandidateSchema, allow_none=True, metadata={"description": "The rule that decided"}
    )
    candidates = fields.List(
        fields.Nested(CandidateSchema),
        metadata={"description": "The rule keys looked up, in order, up to the one that decided"},
    )
