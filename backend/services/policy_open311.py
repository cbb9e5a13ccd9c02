"""The access policy's rule for Open311 API keys (re-exported by :mod:`backend.services.policy`).

Only administrators issue, list and revoke the keys of Open311 client applications. A
national administrator manages every key; a province's administrator only the keys
limited to their province (a key for every hosted province is national: not theirs),
and a key they issue is limited to their province.
"""

from __future__ import annotations

from backend.domain.roles import Role
from backend.models import StaffUser
from backend.services.policy_provinces import in_province


def may_manage_open311_keys(staff: StaffUser | None) -> bool:
    """Whether ``staff`` may open the Open311 keys at all: active administrators only."""
    return staff is not None and staff.active and staff.role == Role.ADMIN


def may_manage_open311_key(staff: StaffUser | None, province_id: int | None) -> bool:
    """Whether ``staff`` may see and revoke a key limited to ``province_id`` (None: a key
    for every hosted province, a national administrator's only)."""
    return may_manage_open311_keys(staff) and in_province(staff, province_id)
