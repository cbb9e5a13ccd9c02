"""The access policy's province rules (re-exported by :mod:`backend.services.policy`).

Provinces are tenants: a province's staff work only in their province; national staff
(no province) work in every province. Catalogue entries (categories, SLA policies,
calendar exceptions) of no province are the national list: a province's administrator
reads them and keeps their province's own additions; a national administrator keeps the
national list and may name a province to keep its additions for it. Asking for another
province than one's own is refused (403), whatever the role.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from backend.errors import Forbidden
from backend.models import StaffUser
from backend.services import provinces


def in_province(staff: StaffUser, province_id: int | None) -> bool:
    """Whether ``staff`` works in ``province_id``'s scope: national staff everywhere, a
    province's staff only in theirs (something of no province is national: theirs not)."""
    return provinces.in_scope(staff, province_id)


def province_scope(staff: StaffUser) -> int | None:
    """The province ``staff`` is confined to; None: national (every province)."""
    return provinces.scope_of(staff)


def in_scope_sql(staff: StaffUser, column) -> ColumnElement[bool]:
    """SQL twin of :func:`in_province` on a ``province_id`` column."""
    own = province_scope(staff)
    return true() if own is None else column == own


def managed_province(staff: StaffUser, requested: str | int | None = None) -> int | None:
    """The province whose catalogue ``staff`` keeps (or whose board they watch) in this
    request (None: the national list, every province): their own, or for national staff
    the one ``requested`` (slug, code or id; unknown: 404 ``province_not_found``)."""
    from backend.services.statistics import province_of  # statistics reads the policy

    own = province_scope(staff)
    if requested in (None, ""):
        return own
    target = province_of(requested).id
    if own is not None and target != own:
        raise Forbidden()
    return target
