"""The provinces this deployment serves, with their figures, for the public side.

Each province's figures are :func:`backend.services.statistics.by_province`'s (the
country's cases counted once, by province): exactly what
``GET /public/v1/stats?province=<slug>`` answers (one computation, tested), and
the provinces are ranked by their Decision 766 points as the units are.
"""

from __future__ import annotations

from datetime import datetime

from backend.db import db
from backend.domain.ranking import ranked
from backend.models import AdminUnit
from backend.services import statistics
from backend.services.province_ref import hosted_provinces
from backend.services.statistics import Period, Scope


def scope_of(
    province: AdminUnit | None, *, department: str | None = None, admin_unit: str | None = None
) -> Scope:
    """The statistics' scope of one province (None: every province), optionally narrowed
    to a unit or an administrative unit."""
    return Scope(
        department=department,
        admin_unit=admin_unit,
        province=province.id if province is not None else None,
    )


def ref(province: AdminUnit) -> dict:
    return {"code": province.code, "slug": province.slug, "name": province.name}


def ranking(period: Period, now: datetime) -> list[dict]:
    """Every hosted province with its figures over the period, best points first."""
    provinces = hosted_provinces()
    figures = statistics.by_province(period, now, [p.id for p in provinces])
    return ranked([{"province": ref(p), "figures": figures[p.id]} for p in provinces])


def scoreboard(province: AdminUnit | None, period: Period, now: datetime) -> list[dict]:
    """The units ranked (:func:`backend.services.statistics.scoreboard`), of one province
    (its units, on its reports) or all."""
    return statistics.scoreboard(period, now, province=province.id if province else None)


def of_report(report) -> AdminUnit | None:
    """The province a report was filed in (None for a report from before provinces)."""
    return db.session.get(AdminUnit, report.province_id) if report.province_id else None
