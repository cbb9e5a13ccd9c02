"""The operations view under ``/staff/v1/operations``: the live board, the map, the trends.

The coordinator's office and administrators (``policy.watches_operations``); anyone
else: 403 ``operations_forbidden``. The board's figures are the public statistics' for
the same period (``/public/v1/stats``, ``/public/v1/departments``).
"""

from __future__ import annotations

from backend.api.blueprint import Blueprint
from backend.auth import current_staff, staff_required
from backend.db import utcnow
from backend.localtime import local_date
from backend.schemas.common import ErrorEnvelopeSchema
from backend.schemas.operations import (
    BoardSchema,
    MapArgsSchema,
    MapSchema,
    OperationsArgsSchema,
    TrendsSchema,
)
from backend.services import operations

blp = Blueprint(
    "staff_operations",
    __name__,
    url_prefix="/staff/v1/operations",
    description="The city's operations view: live board, map of open reports, trends.",
)
SECURITY = [{"staffToken": []}]


def _period(args: dict, now):
    return operations.board_period(args.get("date_from"), args.get("date_to"), local_date(now))


@blp.get("")
@staff_required()
@blp.arguments(OperationsArgsSchema, location="query")
@blp.response(200, BoardSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def board(args):
    """Received, routed automatically or by hand, resolved, rated and satisfaction over the
    period (by default today; the public statistics' figures), and the queues now: in
    progress, overdue (by unit, most first), escalated, extensions and apologies waiting;
    national staff may ask for one province's (``province``)."""
    now = utcnow()
    return operations.board(current_staff(), _period(args, now), now, args.get("province"))


@blp.get("/map")
@staff_required()
@blp.arguments(MapArgsSchema, location="query")
@blp.response(200, MapSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def open_map(args):
    """Open reports by deadline state (on time, due soon, overdue), grouped in cells of
    about 64 screen pixels at ``zoom``; optionally one unit's and one category's."""
    return operations.map_cells(
        current_staff(),
        utcnow(),
        zoom=args["zoom"],
        department=args.get("department"),
        category=args.get("category"),
        province=args.get("province"),
    )


@blp.get("/trends")
@staff_required()
@blp.arguments(OperationsArgsSchema, location="query")
@blp.response(200, TrendsSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def trends(args):
    """Reports per day by category and by channel, and each unit's on-time rate per month
    (the public statistics' by month). A period shorter than a week shows the last 30 days
    per day; one within a month the last 6 months per month."""
    now = utcnow()
    staff = current_staff()
    daily, monthly = operations.trend_periods(_period(args, now))
    province = args.get("province")
    return {
        "daily": operations.daily_by_category(staff, daily, now, province),
        "daily_by_channel": operations.daily_by_channel(staff, daily, now, province),
        "monthly": operations.monthly_on_time(staff, monthly, now, province),
    }
