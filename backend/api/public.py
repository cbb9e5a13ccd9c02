"""Public API ``/public/v1``: what was reported, who handles it, how it ended.

Nothing here identifies the reporter or carries photo metadata.
"""

from __future__ import annotations

from backend.api.blueprint import Blueprint
from backend.errors import ReportNotFound
from backend.localtime import local_tz
from backend.schemas.common import ErrorEnvelopeSchema
from backend.schemas.filters import ReportListArgsSchema
from backend.schemas.reports import PublicReportSchema, PublicReportSummarySchema, page_schema
from backend.services import queries

blp = Blueprint(
    "public",
    __name__,
    url_prefix="/public/v1",
    description="Open to everyone: the public record of reports and their handling.",
)
PublicReportPage = page_schema(PublicReportSummarySchema, "PublicReportPage")


@blp.get("/reports")
@blp.arguments(ReportListArgsSchema, location="query")
@blp.response(200, PublicReportPage)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def list_reports(args):
    """Browse and search reports (newest first)."""
    return queries.public_reports(args["filter"], args["page"], args["page_size"], local_tz())


@blp.get("/reports/<code>")
@blp.response(200, PublicReportSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_report(code):
    """One report with its public timeline, handling unit and photos."""
    report = queries.public_report(code)
    if report is None:
        raise ReportNotFound()
    return report
