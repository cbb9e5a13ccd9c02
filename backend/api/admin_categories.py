"""Categories under ``/staff/v1/admin/categories``: administrators list, create and change
them, with the extra questions each asks (Open311 service definition attributes)."""

from __future__ import annotations

from flask import request

from backend.api.blueprint import Blueprint
from backend.auth import current_staff, staff_required
from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.schemas.categories import (
    AdminCategoryInputSchema,
    AdminCategoryPatchSchema,
    AdminCategorySchema,
)
from backend.services import categories_admin

blp = Blueprint(
    "staff_admin_categories",
    __name__,
    url_prefix="/staff/v1",
    description="Administrators: report categories and the extra questions they ask.",
)
SECURITY = [{"staffToken": []}]
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The category's `tag` as last read: the change is refused with 409 "
    "concurrent_update if someone changed the category since (optional)",
}


def _dump(category) -> dict:
    return {**categories_admin.view(category), "tag": categories_admin.category_tag(category)}


def _expected_tag() -> str | None:
    """``If-Match: <tag>`` (or ``"<tag>"``, ``W/"<tag>"``); none or ``*``: no check."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    return header.strip().removeprefix("W/").strip('"')


@blp.get("/admin/categories")
@staff_required(Role.ADMIN)
@blp.response(200, AdminCategorySchema(many=True))
@blp.errors(403)
@blp.doc(security=SECURITY)
def list_categories():
    """Every category the administrator keeps or reads (a province's: the national list
    and the province's own; a national one: all), closed ones too, in the order residents
    see them, with its questions and the province it belongs to (null: national)."""
    return [_dump(c) for c in categories_admin.list_categories(current_staff())]


@blp.post("/admin/categories")
@staff_required(Role.ADMIN)
@blp.arguments(AdminCategoryInputSchema)
@blp.response(201, AdminCategorySchema)
@blp.errors(403, 404, 409, 422)
@blp.doc(security=SECURITY)
def create_category(args):
    """A new category: a local one of the administrator's province, or for a national
    administrator a national one (or of the ``province`` named). A taken code answers 409
    ``category_code_taken``; questions with a repeated code, a list question without
    values or another with some 422 ``invalid_questions`` (``fields`` names each, e.g.
    ``questions[1].values``)."""
    category = categories_admin.create_category(current_staff(), args, utcnow())
    commit()
    return _dump(category)


@blp.patch("/admin/categories/<string:code>")
@staff_required(Role.ADMIN)
@blp.arguments(AdminCategoryPatchSchema)
@blp.response(200, AdminCategorySchema)
@blp.errors(403, 404, 409, 422)
@blp.doc(security=SECURITY, parameters=[IF_MATCH])
def update_category(args, code):
    """Change the names, group, default severity, whether a photo is required, the
    position or whether the category is open for new reports; ``questions``, when given,
    replaces them all. Applies to reports submitted after the change. A province's
    administrator changing a national category answers 403 ``category_read_only``. With
    ``If-Match``
    (the category's ``tag``), a category changed since answers 409 ``concurrent_update``
    and nothing changes."""
    tag = _expected_tag()
    category = categories_admin.update_category(current_staff(), code, args, utcnow(), tag=tag)
    commit()
    return _dump(category)
