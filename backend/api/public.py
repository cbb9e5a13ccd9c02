"""Public API ``/public/v1``: what was reported, who handles it, how it ended, how fast.

Nothing here identifies the reporter or carries photo metadata. Lists, reports and
figures carry an ETag (a hash of the answer) and answer 304 when it is unchanged.
"""

from __future__ import annotations

from flask import jsonify

from backend.api.blueprint import Blueprint
from backend.api.caching import board_scope, conditional, register, report_scope
from backend.api.common import dump_page
from backend.db import utcnow
from backend.localtime import local_date, local_tz
from backend.schemas.common import ErrorEnvelopeSchema
from backend.schemas.filters import PublicReportListArgsSchema
from backend.schemas.provinces import ProvinceListSchema, ScoreboardArgsSchema
from backend.schemas.reports import (
    PUBLIC_REPORT,
    PUBLIC_ROW,
    PublicReportSchema,
    PublicReportSummarySchema,
    page_schema,
)
from backend.schemas.stats import (
    DepartmentScoreboardSchema,
    DepartmentStatsSchema,
    PeriodArgsSchema,
    StatsArgsSchema,
    StatsSchema,
)
from backend.services import lookup, province_ref, public_provinces, queries, read_model, statistics
from backend.services.statistics import Period

blp = Blueprint(
    "public",
    __name__,
    url_prefix="/public/v1",
    description="Open to everyone: the public record of reports and their handling.",
)
PublicReportPage = page_schema(PublicReportSummarySchema, "PublicReportPage")
blp.after_request(conditional)


@blp.get("/reports")
@blp.arguments(PublicReportListArgsSchema, location="query")
@blp.alt_response(200, schema=PublicReportPage, success=True)
def list_reports(args):
    """Browse and search reports (newest first).

    Paging: ``total`` is counted up to 10,000 (``total_exact`` false beyond: "more than
    10,000"); ``page`` reaches the first 10,000 rows (deeper: 422 ``page_too_deep``);
    ``next`` is the cursor of the following page, at any depth (pass it as ``cursor``;
    null on the last page). Reports filed while a client walks the cursors never shift
    it: each row comes exactly once.
    """
    page = queries.public_reports(
        args["filter"], args["page"], args["page_size"], local_tz(), cursor=args["cursor"]
    )
    now = utcnow()
    return jsonify(dump_page(page, lambda r: PUBLIC_ROW.dump(read_model.row(r, now))))


@blp.get("/reports/<code>")
@blp.alt_response(200, schema=PublicReportSchema, success=True)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_report(code):
    """One report with its public timeline, handling unit and photos."""
    view = read_model.build(None, lookup.for_reader(None, code), utcnow())
    return jsonify(PUBLIC_REPORT.dump(view))


def period_of(args: dict) -> Period:
    return Period.chosen(args.get("date_from"), args.get("date_to"), local_date(utcnow()))


def province_of(args: dict):
    """The hosted province asked for (``?province=``), None for all; unknown: 404."""
    return province_ref.find(args["province"]) if args.get("province") else None


@blp.get("/provinces")
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, ProvinceListSchema)
def provinces(args):
    """The provinces this service hosts, ranked by their Decision 766 points over the period.

    Each province's figures are those of ``GET /public/v1/stats?province=<slug>``.
    """
    period = period_of(args)
    return {"period": period.as_dict(), "items": public_provinces.ranking(period, utcnow())}


@blp.get("/departments")
@blp.arguments(ScoreboardArgsSchema, location="query")
@blp.response(200, DepartmentScoreboardSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def departments(args):
    """Handling units ranked by their Decision 766 points over the period (scoreboard),
    optionally only one province's units."""
    period = period_of(args)
    items = public_provinces.scoreboard(province_of(args), period, utcnow())
    return {"period": period.as_dict(), "items": items}


@blp.get("/departments/<code>")
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, DepartmentStatsSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def department(args, code):
    """One unit's figures over the period, and month by month."""
    return statistics.department_page(code, period_of(args), utcnow())


@blp.get("/stats")
@blp.arguments(StatsArgsSchema, location="query")
@blp.response(200, StatsSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def stats(args):
    """Figures for everyone, a unit or an administrative unit, optionally grouped.

    Definitions: README "Statistics" (Decision 766/QĐ-TTg): on-time rate = handled on
    time / cases in the remit; satisfaction = (cases - unsatisfied - re-raised -
    overdue) / cases; 90 % or more earns full points, below that rate x max / 90 %.
    """
    scope = public_provinces.scope_of(
        province_of(args), department=args.get("department"), admin_unit=args.get("admin_unit")
    )
    return statistics.report(
        scope,
        period_of(args),
        utcnow(),
        group=args.get("group"),
    )


# Anonymous reads answered from the shared cache (backend.api.caching).
register(
    blp,
    {
        "list_reports": board_scope,
        "get_report": report_scope,
        "departments": board_scope,
        "department": board_scope,
        "stats": board_scope,
        "provinces": board_scope,
    },
)
