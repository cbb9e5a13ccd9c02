"""Duplicate suggestions: open reports of the same kind close by.

Before a resident files a report (and when a moderator looks at one) the open,
public reports of the same category within ``DUPLICATE_RADIUS_M`` metres,
filed in the last ``DUPLICATE_DAYS`` days, are suggested, nearest first. A
resident may then follow ("me too") one of them instead of filing a new one
(:mod:`backend.services.following`).

Fast at a million reports: the database narrows the search to a latitude and
longitude box around the point (index ``ix_reports_category_lat`` on
category and latitude, or ``ix_reports_lat_lng``), and only the few rows in
the box get the exact geodesic distance (geopy, WGS 84 ellipsoid).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from geopy.distance import geodesic
from sqlalchemy import Integer, Select, literal, select, union_all

from backend.db import db
from backend.domain.text import N_
from backend.domain.workflow import OPEN_STATUSES
from backend.errors import Conflict
from backend.models import Report, ReportFollower, Resident
from backend.services import policy, queries

_OPEN = sorted(status.value for status in OPEN_STATUSES)

# Metres per degree, never overestimated, so the box always holds the whole circle:
# a degree of latitude is at least 110,574 m (at the equator, WGS 84); a degree of
# longitude is at least 111,320 m times the cosine of the latitude.
_LAT_DEGREE_M = 110_574.0
_LNG_DEGREE_M = 111_320.0
_MARGIN = 1.01


class OwnReport(Conflict):
    code = "own_report"
    message = N_("This is your own report; you already follow it.")


@dataclass(frozen=True)
class Box:
    min_lat: float
    max_lat: float
    min_lng: float | None  # None: no longitude bound (near a pole or across 180°)
    max_lng: float | None


@dataclass(frozen=True)
class Suggestion:
    report: Report
    distance_m: float
    mine: bool
    following: bool


def bounding_box(lat: float, lng: float, radius_m: float) -> Box:
    """A latitude/longitude box holding every point within ``radius_m`` of (lat, lng)."""
    dlat = radius_m / _LAT_DEGREE_M * _MARGIN
    min_lat, max_lat = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    widest = max(abs(min_lat), abs(max_lat))
    cos = math.cos(math.radians(widest))
    if cos < 1e-6:
        return Box(min_lat, max_lat, None, None)
    dlng = radius_m / (_LNG_DEGREE_M * cos) * _MARGIN
    if lng - dlng < -180.0 or lng + dlng > 180.0:
        return Box(min_lat, max_lat, None, None)
    return Box(min_lat, max_lat, lng - dlng, lng + dlng)


def prefilter(
    category_id: int,
    lat: float,
    lng: float,
    now: datetime,
    *,
    radius_m: float,
    days: int,
    exclude_report_id: int | None = None,
) -> Select:
    """Candidates by index: same category, open, public, recent, inside the box.

    Selects ``(id, lat, lng)`` only; the exact distance is computed afterwards.
    """
    box = bounding_box(lat, lng, radius_m)
    stmt = select(Report.id, Report.lat, Report.lng).where(
        Report.category_id == category_id,
        Report.lat.between(box.min_lat, box.max_lat),
        Report.status.in_(_OPEN),
        Report.created_at >= now - timedelta(days=days),
        policy.published(),
    )
    if box.min_lng is not None:
        stmt = stmt.where(Report.lng.between(box.min_lng, box.max_lng))
    if exclude_report_id is not None:
        stmt = stmt.where(Report.id != exclude_report_id)
    return stmt


def suggest(
    category_id: int,
    lat: float,
    lng: float,
    now: datetime,
    *,
    radius_m: float,
    days: int,
    limit: int = 10,
    exclude_report_id: int | None = None,
) -> list[tuple[Report, float]]:
    """Open public reports of the category within ``radius_m`` metres: (report, metres),
    nearest first (then the oldest first: the one most likely to be worked on)."""
    candidates = db.session.execute(
        prefilter(
            category_id,
            lat,
            lng,
            now,
            radius_m=radius_m,
            days=days,
            exclude_report_id=exclude_report_id,
        )
    ).all()
    within = _nearest((lat, lng), candidates, radius_m, limit)
    reports = _rows(report_id for _, report_id in within)
    return [(reports[report_id], metres) for metres, report_id in within]


def suggest_near(
    reports: Sequence[Report],
    now: datetime,
    *,
    radius_m: float,
    days: int,
    limit: int = 10,
) -> dict[int, list[tuple[Report, float]]]:
    """:func:`suggest` around each of ``reports`` (its category, itself excluded), by report
    id: one query for every one's candidates (their boxes in one ``UNION ALL``) and one for
    the rows, whatever the number of reports (a page of the moderation queue)."""
    if not reports:
        return {}
    boxes = [
        prefilter(
            r.category_id, r.lat, r.lng, now, radius_m=radius_m, days=days, exclude_report_id=r.id
        ).add_columns(literal(r.id, Integer).label("near_id"))
        for r in reports
    ]
    found: dict[int, list] = {r.id: [] for r in reports}
    for report_id, other_lat, other_lng, near_id in db.session.execute(union_all(*boxes)):
        found[near_id].append((report_id, other_lat, other_lng))
    within = {r.id: _nearest((r.lat, r.lng), found[r.id], radius_m, limit) for r in reports}
    rows = _rows(report_id for chosen in within.values() for _, report_id in chosen)
    return {
        near_id: [(rows[report_id], metres) for metres, report_id in chosen]
        for near_id, chosen in within.items()
    }


def _nearest(here, candidates, radius_m: float, limit: int) -> list[tuple[float, int]]:
    """(metres, id) of the candidates (id, lat, lng) within ``radius_m`` of ``here``, the
    nearest ``limit`` (equal distances: the lower id, the older report, first)."""
    within = []
    for report_id, other_lat, other_lng in candidates:
        metres = geodesic(here, (other_lat, other_lng)).meters
        if metres <= radius_m:
            within.append((metres, report_id))
    within.sort()
    return within[:limit]


def _rows(ids: Iterable[int]) -> dict[int, Report]:
    """The board's rows of these reports, by id (one query; none without ids)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found = queries.board_rows(select(Report).where(Report.id.in_(wanted)))
    return {report.id: report for report in found}


def around(
    resident: Resident,
    category_code: str,
    lat: float,
    lng: float,
    now: datetime,
    *,
    radius_m: float,
    days: int,
    limit: int = 10,
) -> list[Suggestion]:
    """What a resident about to file a report sees: similar open reports around a point."""
    category_id = queries.category_by_code(category_code).id
    found = suggest(category_id, lat, lng, now, radius_m=radius_m, days=days, limit=limit)
    return _for(resident, found)


def similar(
    resident: Resident, report: Report, now: datetime, *, radius_m: float, days: int, limit: int
) -> list[Suggestion]:
    """Open reports like ``report`` (same category, close by, recent), itself excluded."""
    found = suggest(
        report.category_id,
        report.lat,
        report.lng,
        now,
        radius_m=radius_m,
        days=days,
        limit=limit,
        exclude_report_id=report.id,
    )
    return _for(resident, found)


def _for(resident: Resident, found: list[tuple[Report, float]]) -> list[Suggestion]:
    followed = set(
        db.session.scalars(
            select(ReportFollower.report_id).where(
                ReportFollower.resident_id == resident.id,
                ReportFollower.report_id.in_([report.id for report, _ in found]),
            )
        )
        if found
        else ()
    )
    return [
        Suggestion(
            report,
            metres,
            mine=report.reporter_id == resident.id,
            following=report.id in followed,
        )
        for report, metres in found
    ]
