"""The desk's CSV export: the ids of a queue in the desk's order, then its rows in batches.

The same reports as the desk's list (``queries.staff_select`` with the queue's condition,
``policy.readable``), in the desk's order; a row never says who filed the report, and the
assignee only to a reader who may know who works it (``policy.sees_assignee``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from backend.db import db
from backend.domain.sla import ClockKind, Outcome
from backend.models import Report, ReportClock
from backend.services import policy, queries, sla
from backend.services.queries import DeskFilter, ReportFilter

#: The most rows one CSV export holds (the file then ends with a note saying so).
EXPORT_MAX = 10_000
#: Reports loaded per query while exporting.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class ExportRow:
    """One report in the desk's CSV: never who filed it."""

    code: str
    created_at: datetime
    category: object  # Category
    admin_unit: object | None
    status: str
    department: object | None
    assignee: object | None  # StaffUser, when the reader may know who works it
    due_at: datetime | None
    overdue: bool
    working_days_late: float | None


def export_ids(
    staff,
    flt: ReportFilter,
    desk: DeskFilter,
    now: datetime,
    tz: ZoneInfo,
    limit: int | None = None,
) -> tuple[list[int], bool]:
    """The ids of the queue's reports in the desk's order, at most ``limit`` (default
    :data:`EXPORT_MAX`), and whether there were more (one query of ids; the rows are then
    read in batches)."""
    limit = EXPORT_MAX if limit is None else limit
    stmt = queries.staff_select(staff, flt, tz, now, desk)
    order = queries.desk_order(desk) or (Report.created_at.desc(), Report.id.desc())
    ids = list(
        db.session.scalars(stmt.with_only_columns(Report.id).order_by(*order).limit(limit + 1))
    )
    return ids[:limit], len(ids) > limit


def _handle_clock(report: Report) -> ReportClock | None:
    """The handling clock the views show (the latest one not handed over)."""
    return next(
        (c for c in reversed(report.clocks) if c.kind == ClockKind.HANDLE and not c.superseded),
        None,
    )


def _export_row(staff, report: Report, now: datetime, cal) -> ExportRow:
    clock = _handle_clock(report)
    current = sla.current_of(clock, now, cal) if clock is not None else None
    overdue = current is not None and current.state == Outcome.OVERDUE
    return ExportRow(
        code=report.code,
        created_at=report.created_at,
        category=report.category,
        admin_unit=report.admin_unit,
        status=report.status,
        department=report.department,
        assignee=report.assignee if policy.sees_assignee(staff, report) else None,
        due_at=current.due_at if current is not None else None,
        overdue=overdue,
        working_days_late=current.working_days_late if overdue else None,
    )


def export_batches(staff, ids: list[int], now: datetime) -> Iterator[list[ExportRow]]:
    """The rows of ``ids`` in that order, one query (and one list) per batch. Each is read
    when the previous one has been consumed; a report the reader may no longer read (it
    moved to another unit meanwhile) is left out."""
    cal = sla.working_calendar()
    for start in range(0, len(ids), EXPORT_BATCH):
        chunk = ids[start : start + EXPORT_BATCH]
        found = db.session.scalars(
            select(Report)
            .where(Report.id.in_(chunk))
            .options(
                selectinload(Report.clocks),
                selectinload(Report.admin_unit),
                selectinload(Report.assignee),
                selectinload(Report.escalated_to),
            )
        ).all()
        by_id = {report.id: report for report in found}
        yield [
            _export_row(staff, by_id[i], now, cal)
            for i in chunk
            if i in by_id and policy.may_read(staff, by_id[i])
        ]
