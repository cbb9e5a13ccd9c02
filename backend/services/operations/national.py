"""The national view (national staff: the coordinator's office or administrators of no
province): the hosted provinces ranked by their Decision 766 figures.

One computation with the public side: the ranking is
:func:`backend.services.public_provinces.ranking`, what ``GET /public/v1/provinces``
answers for the same period.
"""

from __future__ import annotations

from datetime import datetime

from backend.domain.text import N_
from backend.errors import Forbidden
from backend.services import policy, public_provinces
from backend.services.statistics import Period


class NationalForbidden(Forbidden):
    code = "national_forbidden"
    message = N_("Only national staff see the provinces ranked.")


def require_national(staff) -> None:
    if not policy.watches_provinces(staff):
        raise NationalForbidden()


def provinces_ranked(staff, period: Period, now: datetime) -> list[dict]:
    """Every hosted province with its figures over ``period``, best points first (each
    entry as ``/public/v1/provinces`` gives it: ``province``, ``figures``, ``rank``)."""
    require_national(staff)
    return public_provinces.ranking(period, now)


__all__ = ["NationalForbidden", "provinces_ranked", "require_national"]
