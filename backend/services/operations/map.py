"""The operations map: open reports coloured by their deadline state, grouped in cells.

A report's deadline state is its open handling clock's: overdue (the desk's "overdue"
condition), near due (due within ``DUE_SOON_WORKING_HOURS`` working hours, the desk's
"due soon" filter) or on time (also: no clock yet, or waiting for the resident). Reports
are grouped server-side in square cells of about 64 screen pixels at the requested zoom,
so the page draws a few hundred markers whatever the number of open reports. Only open
reports are read (``ix_reports_status_created``).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta
from enum import StrEnum

from shapely.geometry import mapping
from sqlalchemy import case, select
from sqlalchemy.orm import undefer

from backend.db import db
from backend.geo.geojson import from_wkb
from backend.models import AdminUnit, Category, Department, Report
from backend.services import policy, queries
from backend.services.operations.board import OPEN_ONLY, board_province
from backend.services.sla import working_calendar

#: A cell's side in screen pixels (Web Mercator tiles are 256 px wide).
CELL_PIXELS = 64
MIN_ZOOM, MAX_ZOOM = 5, 19


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


#: Worst first: a cell takes the colour of its worst report.
_SEVERITY = {DeadlineState.OVERDUE: 2, DeadlineState.DUE_SOON: 1, DeadlineState.ON_TIME: 0}


def _state(now: datetime):
    due = queries._handle_due()
    soon = working_calendar().add(now, timedelta(hours=queries.DUE_SOON_WORKING_HOURS))
    return case(
        (queries.overdue_condition(now), DeadlineState.OVERDUE.value),
        (
            (due > now) & (due <= soon) & Report.waiting_since.is_(None),
            DeadlineState.DUE_SOON.value,
        ),
        else_=DeadlineState.ON_TIME.value,
    )


def cell_size(zoom: int) -> float:
    """A cell's side in degrees of longitude at ``zoom``."""
    return 360 / 2**zoom * CELL_PIXELS / 256


def map_cells(
    staff,
    now: datetime,
    *,
    zoom: int = 12,
    department: str | None = None,
    category: str | None = None,
    province: str | None = None,
) -> dict:
    """The open reports the staff member may read, in cells at ``zoom``, optionally of one
    handling unit and one category (unknown codes: 422, as on the desk), of the province
    the board shows (:func:`backend.services.operations.board.board_province`)."""
    target = board_province(staff, province)
    zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
    stmt = select(Report.code, Report.lat, Report.lng, _state(now)).where(
        policy.readable(staff), Report.status.in_(OPEN_ONLY.status)
    )
    if target is not None:
        stmt = stmt.where(Report.province_id == target)
    if department:
        stmt = stmt.where(
            Report.department_id == queries.id_of(Department, department, "department")
        )
    if category:
        stmt = stmt.where(Report.category_id == queries.id_of(Category, category, "category"))
    side = cell_size(zoom)
    cells: dict[tuple[int, int], list] = {}
    totals: Counter = Counter()
    for code, lat, lng, state in db.session.execute(stmt):
        if lat is None or lng is None:
            continue
        totals[state] += 1
        key = (math.floor(lat / side), math.floor(lng / side))
        cells.setdefault(key, []).append((code, lat, lng, DeadlineState(state)))
    return {
        "zoom": zoom,
        "cell_degrees": side,
        "total": sum(totals.values()),
        "states": {s.value: totals.get(s.value, 0) for s in DeadlineState},
        "cells": [_cell(members) for _, members in sorted(cells.items())],
    }


def _cell(members: list) -> dict:
    states = Counter(m[3] for m in members)
    worst = max(states, key=_SEVERITY.__getitem__)
    return {
        "lat": round(sum(m[1] for m in members) / len(members), 6),
        "lng": round(sum(m[2] for m in members) / len(members), 6),
        "count": len(members),
        "state": worst.value,
        "states": {s.value: states.get(s, 0) for s in DeadlineState},
        "code": members[0][0] if len(members) == 1 else None,
    }


def outlines(staff, tolerance: float = 0.0005) -> dict:
    """The boundaries of the hosted provinces the staff member watches (their own; national
    staff: every hosted one, not the other provinces of the map) and of their wards,
    simplified, as GeoJSON (``properties.level``: ``top`` or ``ward``)."""
    top = select(AdminUnit.id).where(
        AdminUnit.parent_id.is_(None),
        AdminUnit.hosted.is_(True),
        policy.in_scope_sql(staff, AdminUnit.id),
    )
    units = db.session.scalars(
        select(AdminUnit)
        .where(
            AdminUnit.boundary.is_not(None),
            AdminUnit.id.in_(top) | AdminUnit.parent_id.in_(top),
        )
        .options(undefer(AdminUnit.boundary))
        .order_by(AdminUnit.parent_id.is_not(None), AdminUnit.code)
    )
    features = [
        {
            "type": "Feature",
            "geometry": mapping(from_wkb(unit.boundary).simplify(tolerance)),
            "properties": {
                "code": unit.code,
                "name": unit.name,
                "level": "top" if unit.parent_id is None else "ward",
            },
        }
        for unit in units
    ]
    return {"type": "FeatureCollection", "features": features}
