"""Which hosted province a public request asks for: ``?province=`` or ``/p/<slug>/``.

A province is named by its URL name (slug, e.g. ``can-tho``) or its code (``92``). Only
provinces this deployment serves (``admin_units.hosted``) are known to the public side;
any other name is a 404 ``province_not_found``.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from backend.db import db
from backend.domain.text import N_
from backend.errors import NotFound
from backend.models import AdminUnit


class ProvinceNotFound(NotFound):
    code = "province_not_found"
    message = N_("This service does not serve that province.")


def hosted_provinces() -> list[AdminUnit]:
    """The provinces this deployment serves, by name."""
    return list(
        db.session.scalars(
            select(AdminUnit)
            .where(AdminUnit.parent_id.is_(None), AdminUnit.hosted.is_(True))
            .order_by(AdminUnit.name)
        )
    )


def find(ref: str) -> AdminUnit:
    """A hosted province by slug (any case) or code; :class:`ProvinceNotFound` otherwise."""
    ref = (ref or "").strip()
    province = (
        db.session.scalar(
            select(AdminUnit).where(
                AdminUnit.parent_id.is_(None),
                AdminUnit.hosted.is_(True),
                or_(AdminUnit.slug == ref.lower(), AdminUnit.code == ref),
            )
        )
        if ref and len(ref) <= 64
        else None
    )
    if province is None:
        raise ProvinceNotFound()
    return province


def province_id(ref: str) -> int:
    return find(ref).id
