"""Open311 ``GET requests``: the published requests a query asks for.

``service_request_id`` (comma-separated codes) overrides every other filter; otherwise
``service_code`` (comma-separated), the dates (by default the last 90 days, never more
than 90 days: :func:`backend.domain.open311.window`) and ``status`` (open, closed or
both), newest first, by ``page``/``page_size`` (at most 1000 a page, the specification's
default limit). Only what the public may read, in the jurisdiction asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from backend.db import db
from backend.domain import open311 as spec
from backend.domain.text import N_, tracking_code
from backend.errors import ValidationFailed
from backend.models import AdminUnit, Category, Report, ReportEvent
from backend.services import catalogue, policy, queries
from backend.services.open311 import UnknownServiceCode
from backend.services.paging import check_depth


class InvalidQuery(ValidationFailed):
    code = "invalid_query"
    message = N_("A parameter of the query is not valid.")


class WindowTooWide(ValidationFailed):
    code = "date_range_too_wide"
    message = N_("start_date and end_date may not span more than 90 days.")


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[spec.Open311Status, ...] | None = None
    page: int = 1
    page_size: int = spec.PAGE_SIZE


def find(query: RequestQuery, province: AdminUnit | None, now: datetime) -> list[Report]:
    """The requests, newest first, with what an Open311 request shows (photos, clocks,
    the public history) loaded in a few queries."""
    stmt = select(Report).where(policy.published())
    if province is not None:
        stmt = stmt.where(Report.province_id == province.id)
    if query.ids:
        codes = [tracking_code(code) for code in query.ids[: spec.PAGE_SIZE]]
        stmt = stmt.where(Report.code.in_(codes))
    else:
        stmt = _filtered(stmt, query, province, now)
    check_depth(query.page, query.page_size)
    stmt = (
        stmt.order_by(Report.created_at.desc(), Report.id.desc())
        .limit(query.page_size)
        .offset((query.page - 1) * query.page_size)
        .options(selectinload(Report.events).joinedload(ReportEvent.department))
    )
    return queries.board_rows(stmt)


def _filtered(stmt, query: RequestQuery, province: AdminUnit | None, now: datetime):
    try:
        window = spec.window(query.start, query.end, now)
    except spec.WindowTooWide:
        raise WindowTooWide(fields={"end_date": ["More than 90 days after start_date."]}) from None
    except ValueError:
        raise InvalidQuery(fields={"end_date": ["Before start_date."]}) from None
    stmt = stmt.where(Report.created_at >= window.start, Report.created_at <= window.end)
    if query.service_codes:
        found = dict(
            db.session.execute(
                select(Category.code, Category.id).where(
                    Category.code.in_(query.service_codes),
                    catalogue.offered_in(province.id if province else None),
                )
            ).all()
        )
        unknown = [code for code in query.service_codes if code not in found]
        if unknown:
            raise UnknownServiceCode(fields={"service_code": [f"Unknown: {', '.join(unknown)}."]})
        stmt = stmt.where(Report.category_id.in_(found.values()))
    if query.statuses:
        wanted = [s for group in query.statuses for s in spec.statuses_in(group)]
        stmt = stmt.where(Report.status.in_(wanted))
    return stmt
