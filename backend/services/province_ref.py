"""Which hosted province a public request asks for: ``?province=`` or ``/p/<slug>/``.

A province is named by its URL name (slug, e.g. ``can-tho``) or its code (``92``). Only
provinces this deployment serves (``admin_units.hosted``) are known to the public side;
any other name is a 404 ``province_not_found``. The lookups are
:mod:`backend.services.provinces`'.
"""

from __future__ import annotations

from backend.domain.text import N_
from backend.errors import NotFound
from backend.models import AdminUnit
from backend.services import provinces


class ProvinceNotFound(NotFound):
    code = "province_not_found"
    message = N_("This service does not serve that province.")


def hosted_provinces() -> list[AdminUnit]:
    """The provinces this deployment serves, by name."""
    return provinces.hosted()


def find(ref: str) -> AdminUnit:
    """A hosted province by slug (any case) or code; :class:`ProvinceNotFound` otherwise."""
    ref = (ref or "").strip()
    province = (provinces.by_slug(ref) or provinces.by_code(ref)) if 0 < len(ref) <= 64 else None
    if province is None or not province.hosted:
        raise ProvinceNotFound()
    return province


def province_id(ref: str) -> int:
    return find(ref).id
