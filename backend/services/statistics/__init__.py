"""Statistics: one definition for the staff API, the public API, the portal and the exports.

Cases (see :mod:`backend.domain.scoring`) are the handling clocks started in a
period, read with the reporter's rating of the resolution that completed them.
A case belongs to the period in which the unit received it (its clock started),
to the unit whose clock it is, and to the administrative unit where the report
is located. The figures are computed from the cases by the pure
:func:`backend.domain.scoring.figures`. The package:

- :mod:`.period`: the period (local dates) and the scope (unit, place, province, or all);
- :mod:`.cases`: the one query that reads a scope's cases over a period;
- :mod:`.figures`: the figures of those cases, by month, unit (ranked) or place.

Callers use ``from backend.services import statistics`` and ``statistics.<name>``.
"""

from backend.services.statistics.cases import ProvinceNotFound, province_of
from backend.services.statistics.figures import (
    DepartmentNotFound,
    by_admin_unit,
    by_province,
    department_page,
    handling_unit,
    handling_units,
    monthly,
    report,
    scoreboard,
    staff_desk,
    summary,
)
from backend.services.statistics.period import MAX_PERIOD_DAYS, Period, Scope

__all__ = [
    "MAX_PERIOD_DAYS",
    "DepartmentNotFound",
    "Period",
    "ProvinceNotFound",
    "Scope",
    "by_admin_unit",
    "by_province",
    "department_page",
    "handling_unit",
    "handling_units",
    "monthly",
    "province_of",
    "report",
    "scoreboard",
    "staff_desk",
    "summary",
]
