"""The desk's CSV export: the ids of a queue in the desk's order, then its rows in batches.

The same reports as the desk's list (``queries.staff_select`` with the queue's condition,
``policy.readable``), in the desk's order; a row never says who filed the report, and the
assignee only to a reader who may know who works it (``policy.sees_assignee``).

"Overdue" and the working days late are the read model's board flag
(``read_model.row``), exactly what the desk's rows show (``backend.console.queue_rows``):
the handling clock past its current due date. The days late are rounded to one decimal as
the page rounds them (Babel's rounding of the decimal value, half to even: 1.25 -> 1.2,
1.35 -> 1.4), but always written with a dot, whatever the page's language ("1.2" where the
Vietnamese page says "1,2"): the CSV is read by programs as well as by spreadsheets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import numbers
from sqlalchemy import select
from sqlalchemy.orm import selectinload, undefer

from backend.db import db
from backend.domain.sla import ClockKind
from backend.models import Report, ReportClock
from backend.services import policy, queries, read_model, sla
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
    overdue: bool  # the read model's flag (the desk's rows show the same)
    working_days_late: float | None  # as the read model gives it; see days_late()


def days_late(value: float | None) -> str:
    """Working days late as the CSV writes them: one decimal at most, rounded as the desk's
    page rounds them (the same Babel pattern precision), with a dot ("" when not late)."""
    if value is None:
        return ""
    return numbers.format_decimal(value, "0.#", locale="en")


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
    flag = read_model.row(report, now)  # what the desk's row shows
    return ExportRow(
        code=report.code,
        created_at=report.created_at,
        category=report.category,
        admin_unit=report.admin_unit,
        status=report.status,
        department=report.department,
        assignee=report.assignee if policy.sees_assignee(staff, report) else None,
        due_at=current.due_at if current is not None else None,
        overdue=flag.overdue,
        working_days_late=flag.working_days_late if flag.overdue else None,
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
                selectinload(Report.photos),  # the read model's row reads them
                undefer(Report.supporters),
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
