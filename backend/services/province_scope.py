"""Which province's catalogue (categories, SLA policies, calendar exceptions) an
administrator keeps.

A province's administrator keeps their province's own additions and reads the national
ones; a national administrator (no province) keeps the national list and may name a
province to keep its additions for it. Asking for another province than one's own is
refused (403), whatever the role.
"""

from __future__ import annotations

from backend.errors import Forbidden
from backend.models import StaffUser
from backend.services import provinces
from backend.services.statistics import province_of


def own_province(staff: StaffUser) -> int | None:
    """The province the staff member works in; None: national staff."""
    return provinces.scope_of(staff)


def managed_province(staff: StaffUser, requested: str | int | None = None) -> int | None:
    """The province whose additions ``staff`` keeps in this request (None: the national
    list): their own, or for national staff the one ``requested`` (slug, code or id)."""
    own = own_province(staff)
    if requested in (None, ""):
        return own
    target = province_of(requested).id
    if own is not None and target != own:
        raise Forbidden()
    return target


def may_edit(staff: StaffUser, province_id: int | None) -> bool:
    """May keep an entry of ``province_id`` (None: national): national staff keep the
    national entries and any province's; a province's staff only their province's."""
    return provinces.in_scope(staff, province_id)
