"""Listing and searching reports, for the public board and the staff desks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import selectinload, undefer

from backend.db import db
from backend.domain.sla import ClockKind
from backend.domain.text import N_, search_terms
from backend.errors import ValidationFailed
from backend.models import (
    AdminUnit,
    Category,
    Department,
    LegacyUnitCode,
    Report,
    ReportClock,
    ReportEvent,
    StaffUser,
)
from backend.services import policy, province_ref
from backend.services.paging import Position, bounded_count, check_depth


@dataclass(frozen=True)
class ReportFilter:
    status: list[str] | None = None
    category: str | None = None
    department: str | None = None
    admin_unit: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lng, min_lat, max_lng, max_lat
    q: str | None = None
    #: A hosted province's slug or code (backend.services.province_ref); unknown: 404.
    province: str | None = None


class DeskSort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    DUE_AT = "due_at"  # the next deadline first (the handling clock's current due date)


class DeadlineFilter(StrEnum):
    OVERDUE = "overdue"  # past the handling clock's current due date
    DUE_SOON = "due_soon"  # due within DUE_SOON_WORKING_HOURS working hours


#: ``?assignee=`` on the desk: the caller's own, or nobody's; anything else is a username.
ASSIGNEE_ME = "me"
ASSIGNEE_NONE = "none"

#: "Due soon" on the desk: within two working days.
DUE_SOON_WORKING_HOURS = 16


@dataclass(frozen=True)
class DeskFilter:
    """What a staff desk adds to the board's filters."""

    sort: DeskSort = DeskSort.NEWEST
    deadline: DeadlineFilter | None = None
    waiting: bool | None = None  # waiting for the resident to answer
    assignee: str | None = None  # ASSIGNEE_ME, ASSIGNEE_NONE or an officer's username
    queue: str | None = None  # one of backend.services.desk.Queue: the desk's named queues


@dataclass(frozen=True)
class Page:
    items: list[Report]
    page: int
    page_size: int
    total: int
    #: False: ``total`` is a floor (the count stopped at ``paging.COUNT_CAP``).
    total_exact: bool = True
    #: The cursor of the next page (``?cursor=``), None on the last; public lists only.
    next_cursor: str | None = None


class UnknownCategory(ValidationFailed):
    code = "unknown_category"
    message = N_("Unknown category.")


def category_by_code(code: str, *, active_only: bool = True) -> Category:
    """A category by its code (only the ones open for new reports, unless asked)."""
    stmt = select(Category).where(Category.code == code)
    if active_only:
        stmt = stmt.where(Category.active.is_(True))
    category = db.session.scalar(stmt)
    if category is None:
        raise UnknownCategory(fields={"category": ["Unknown category."]})
    return category


def unit_and_descendants(code: str) -> list[int]:
    """The unit (by current or legacy code, e.g. Hậu Giang 93 -> Cần Thơ) and all units inside."""
    root = db.session.scalar(select(AdminUnit.id).where(AdminUnit.code == code))
    if root is None:
        root = db.session.scalar(select(LegacyUnitCode.unit_id).where(LegacyUnitCode.code == code))
    if root is None:
        raise ValidationFailed(
            N_("Unknown administrative unit."),
            code="unknown_admin_unit",
            fields={"admin_unit": ["Unknown administrative unit."]},
        )
    ids, frontier = [root], [root]
    while frontier:
        frontier = list(
            db.session.scalars(select(AdminUnit.id).where(AdminUnit.parent_id.in_(frontier)))
        )
        ids.extend(frontier)
    return ids


def id_of(model, code: str, field: str) -> int:
    found = db.session.scalar(select(model.id).where(model.code == code))
    if found is None:
        raise ValidationFailed(
            N_("Unknown code “%(code)s”."),
            params={"code": code},
            code=f"unknown_{field}",
            fields={field: ["Unknown code."]},
        )
    return found


def _apply(stmt: Select, flt: ReportFilter, tz: ZoneInfo) -> Select:
    if flt.province:
        stmt = stmt.where(Report.province_id == province_ref.province_id(flt.province))
    if flt.status:
        stmt = stmt.where(Report.status.in_(flt.status))
    if flt.category:
        stmt = stmt.where(Report.category_id == id_of(Category, flt.category, "category"))
    if flt.department:
        stmt = stmt.where(Report.department_id == id_of(Department, flt.department, "department"))
    if flt.admin_unit:
        stmt = stmt.where(Report.admin_unit_id.in_(unit_and_descendants(flt.admin_unit)))
    if flt.date_from:
        stmt = stmt.where(Report.created_at >= datetime.combine(flt.date_from, time(), tz))
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), time(), tz)
        stmt = stmt.where(Report.created_at < end)
    if flt.bbox:
        min_lng, min_lat, max_lng, max_lat = flt.bbox
        stmt = stmt.where(
            Report.lat.between(min_lat, max_lat), Report.lng.between(min_lng, max_lng)
        )
    for term in search_terms(flt.q or ""):
        # Word prefixes: "ga" finds "gà" but not "ngập"; the folded text is space-separated.
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(
            or_(
                Report.search_text.like(f"{escaped}%", escape="\\"),
                Report.search_text.like(f"% {escaped}%", escape="\\"),
            )
        )
    return stmt


#: What the staff and resident views of a report read: its timeline, with who and where.
_TIMELINE = (
    selectinload(Report.events).joinedload(ReportEvent.actor_staff),
    selectinload(Report.events).joinedload(ReportEvent.department),
    selectinload(Report.reporter),
    # What the access policy reads for the allowed actions, and the escalation.
    selectinload(Report.extension_requests),
    selectinload(Report.escalated_to),
    selectinload(Report.assignee),
)


#: What a board row reads besides the report: photos, place and clocks.
_ROW = (
    selectinload(Report.photos),
    selectinload(Report.admin_unit),
    selectinload(Report.clocks).joinedload(ReportClock.department),
)


def board_rows(stmt: Select) -> list[Report]:
    """Run ``select(Report)...`` with what a row shows, supporters counted in the same query."""
    return list(db.session.scalars(stmt.options(*_ROW, undefer(Report.supporters))))


def page_of(
    stmt: Select,
    page: int,
    page_size: int,
    *,
    with_events: bool = False,
    oldest_first: bool = False,
    order: tuple | None = None,
) -> Page:
    """One page of ``select(Report)...`` (newest first unless asked), with what a row shows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if order is None:
        order = (
            (Report.created_at, Report.id)
            if oldest_first
            else (Report.created_at.desc(), Report.id.desc())
        )
    items = board_rows(
        stmt.order_by(*order)
        .options(*(_TIMELINE if with_events else ()))
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return Page(items, page, page_size, total or 0)


def public_reports(
    flt: ReportFilter, page: int, page_size: int, tz: ZoneInfo, cursor: str | None = None
) -> Page:
    """A page of the public board, newest first, by page number (shallow pages) or after a
    cursor (any depth). The total is counted up to ``paging.COUNT_CAP``; each page says
    the cursor of the next, so a client walks the whole list without an OFFSET."""
    stmt = _apply(select(Report).where(policy.published()), flt, tz)
    total, exact = bounded_count(stmt)
    ordered = stmt.order_by(Report.created_at.desc(), Report.id.desc()).limit(page_size + 1)
    if cursor:
        ordered = ordered.where(Position.parse(cursor).after())
    else:
        check_depth(page, page_size)
        ordered = ordered.offset((page - 1) * page_size)
    rows = board_rows(ordered)
    items, more = rows[:page_size], len(rows) > page_size
    after = Position.of(items[-1]).token() if more else None
    return Page(items, page, page_size, total, exact, after)


def _handle_due(column=None):
    """The open handling clock's current due date (the promised date after an apology), or
    another of its columns."""
    if column is None:
        column = func.coalesce(ReportClock.promised_due_at, ReportClock.due_at)
    return (
        select(column)
        .where(
            ReportClock.report_id == Report.id,
            ReportClock.kind == ClockKind.HANDLE.value,
            ReportClock.completed_at.is_(None),
            ReportClock.superseded.is_(False),
        )
        .order_by(ReportClock.id.desc())
        .limit(1)
        .correlate(Report)
        .scalar_subquery()
    )


def _assigned_to(staff: StaffUser, assignee: str) -> ColumnElement[bool]:
    """Given to the caller (``me``), to nobody (``none``), or to the officer of that
    username (an unknown one matches nothing: no error that would tell who exists)."""
    readable = policy.assignees_readable(staff)  # never a supervisor on another unit's case
    if assignee == ASSIGNEE_ME:
        return (Report.assignee_id == staff.id) & readable
    if assignee == ASSIGNEE_NONE:
        return Report.assignee_id.is_(None) & readable
    named = select(StaffUser.id).where(StaffUser.username == assignee).scalar_subquery()
    return (Report.assignee_id == named) & readable


def overdue_condition(now: datetime, due=None, overdue_at=None, waiting_since=None):
    """Past the handling clock's current due date and running, or found overdue before the
    clocks stopped to wait for the resident (the report's own flag says overdue then too).

    On ``Report`` by default; ``backend.services.desk`` passes the columns of its counting
    subquery instead, so the desk's "overdue" is this one condition everywhere."""
    due = _handle_due() if due is None else due
    overdue_at = _handle_due(ReportClock.overdue_at) if overdue_at is None else overdue_at
    waiting_since = Report.waiting_since if waiting_since is None else waiting_since
    return (due <= now) & (waiting_since.is_(None) | overdue_at.is_not(None))


def staff_select(
    staff: StaffUser, flt: ReportFilter, tz: ZoneInfo, now: datetime, desk: DeskFilter | None = None
) -> Select:
    """``select(Report)`` of the staff member's desk (the access policy's), filtered, not
    sorted: the list, the queue counts and the desk's CSV export share it."""
    from backend.services import desk as queues  # the named queues read this module
    from backend.services.sla import working_calendar  # sla reads queries for its policies

    desk = desk or DeskFilter()
    stmt = _apply(select(Report).where(policy.readable(staff)), flt, tz)
    due = _handle_due()
    if desk.deadline == DeadlineFilter.OVERDUE:
        stmt = stmt.where(overdue_condition(now))
    elif desk.deadline == DeadlineFilter.DUE_SOON:
        # The staff member's province's working hours (national staff: the national ones).
        calendar = working_calendar(staff.province_id)
        due_soon_until = calendar.add(now, timedelta(hours=DUE_SOON_WORKING_HOURS))
        stmt = stmt.where(due > now, due <= due_soon_until, Report.waiting_since.is_(None))
    if desk.waiting is not None:
        waiting = Report.waiting_since.is_not(None)
        stmt = stmt.where(waiting if desk.waiting else ~waiting)
    if desk.assignee is not None:
        stmt = stmt.where(_assigned_to(staff, desk.assignee))
    if desk.queue is not None:
        stmt = stmt.where(queues.condition(desk.queue, staff, now, tz))
    return stmt


def desk_order(desk: DeskFilter | None) -> tuple | None:
    """The desk's order (None: newest first)."""
    sort = (desk or DeskFilter()).sort
    if sort == DeskSort.DUE_AT:
        due = _handle_due()
        return (due.is_(None), due, Report.id)
    if sort == DeskSort.OLDEST:
        return (Report.created_at, Report.id)
    return None


def staff_reports(
    staff: StaffUser,
    flt: ReportFilter,
    page: int,
    page_size: int,
    tz: ZoneInfo,
    now: datetime,
    desk: DeskFilter | None = None,
) -> Page:
    """The reports on the staff member's desk (the access policy's), filtered and sorted."""
    stmt = staff_select(staff, flt, tz, now, desk)
    return page_of(stmt, page, page_size, with_events=True, order=desk_order(desk))


def resident_reports(resident_id: int, page: int, page_size: int) -> Page:
    stmt = select(Report).where(Report.reporter_id == resident_id)
    return page_of(stmt, page, page_size, with_events=True)


#: The columns of the open-data export: public fields only, never the reporter.
EXPORT_COLUMNS = (
    Report.code,
    Report.created_at,
    Report.status,
    Category.code.label("category"),
    Category.name_vi.label("category_name"),
    Department.code.label("department"),
    Department.name.label("department_name"),
    AdminUnit.code.label("admin_unit"),
    AdminUnit.name.label("admin_unit_name"),
    Report.address,
    Report.description,
    Report.public_description,
    Report.lat,
    Report.lng,
    Report.resolved_at,
    Report.channel,  # how it came in; never who entered it
)


#: Rows per query of an export: what one batch holds in memory.
EXPORT_BATCH = 1000


def public_export(
    flt: ReportFilter, tz: ZoneInfo, limit: int | None = None, batch_size: int | None = None
) -> Iterator[list]:
    """Rows of public fields, newest first, in batches (lists) of ``batch_size`` rows.

    The filters are checked now (an unknown category raises here, before any row is
    sent); the batches are lazy: each is its own query, run when the previous one has
    been consumed, continuing after its last row (keyset on ``created_at, id``, never
    OFFSET). No cursor stays open between batches, so the caller may end the transaction
    (and give the connection back) while a slow client reads: an export of any size
    holds one batch in memory, and a connection only while a batch is read.
    """
    size = batch_size or EXPORT_BATCH
    base = _apply(
        select(*EXPORT_COLUMNS, Report.id.label("report_id"))
        .join(Category, Category.id == Report.category_id)
        .outerjoin(Department, Department.id == Report.department_id)
        .outerjoin(AdminUnit, AdminUnit.id == Report.admin_unit_id)
        .where(policy.published()),
        flt,
        tz,
    ).order_by(Report.created_at.desc(), Report.id.desc())

    def batches() -> Iterator[list]:
        remaining, after = limit or None, None
        while remaining is None or remaining > 0:
            stmt = base
            if after is not None:
                created, report_id = after
                stmt = stmt.where(
                    Report.created_at <= created,
                    or_(Report.created_at < created, Report.id < report_id),
                )
            take = size if remaining is None else min(size, remaining)
            batch = list(db.session.execute(stmt.limit(take)))
            if batch:
                yield batch
            if len(batch) < take:
                return
            if remaining is not None:
                remaining -= len(batch)
            after = (batch[-1].created_at, batch[-1].report_id)

    return batches()
