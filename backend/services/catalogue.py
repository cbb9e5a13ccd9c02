"""The categories a report can be filed under in a province: the national list
(``categories.province_id`` NULL) and the province's own local additions.

A resident or an operator in province P chooses among the national categories and P's;
another province's local category is unknown there (422 ``unknown_category``, as any
unknown code). The mobile app's list, the operator's intake form and intake itself read
the same condition (:func:`offered_in`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from backend.db import db
from backend.models import AdminUnit, Category
from backend.services import geo, province_ref, provinces
from backend.services.queries import UnknownCategory


def offered_in(province_id: int | None) -> ColumnElement[bool]:
    """Open for new reports in the province (None: the national list only)."""
    local = Category.province_id.is_(None)
    if province_id is not None:
        local = local | (Category.province_id == province_id)
    return Category.active.is_(True) & local


def categories_for(
    province_id: int | None, *, active_only: bool = False, with_questions: bool = False
) -> list[Category]:
    """The national categories and the province's own, in the order residents see them;
    ``active_only``: the open ones; ``with_questions``: their questions loaded at once."""
    stmt = select(Category).where(offered_in(province_id))
    if active_only:
        stmt = stmt.where(Category.active)
    if with_questions:
        stmt = stmt.options(selectinload(Category.questions))
    return list(db.session.scalars(stmt.order_by(Category.position, Category.id)))


def check_offered(category: Category, province_id: int | None) -> Category:
    """``category`` may be chosen for a report in the province, or 422 unknown_category."""
    if category.province_id is not None and category.province_id != province_id:
        raise UnknownCategory(fields={"category": ["Unknown category."]})
    return category


def province_named(ref: str | None) -> AdminUnit | None:
    """A hosted province by slug or code (None: none asked); unknown: 404."""
    return province_ref.find(ref) if ref else None


def province_at(lat: float, lng: float) -> AdminUnit | None:
    """The hosted province the point is located in, as intake locates a report (None:
    outside every hosted one)."""
    province = provinces.root_of(geo.locate(lat, lng))
    return province if province is not None and province.hosted else None
