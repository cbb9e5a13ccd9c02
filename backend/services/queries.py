"""Listing and searching reports, for the public board and the staff desks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload, undefer

from backend.db import db
from backend.domain.roles import DEPARTMENT_ROLES
from backend.domain.text import search_terms, tracking_code
from backend.domain.workflow import Status
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

#: Never on the public board: refused as spam, abuse or out of scope.
HIDDEN_FROM_PUBLIC = frozenset({Status.REJECTED})


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


@dataclass(frozen=True)
class Page:
    items: list[Report]
    page: int
    page_size: int
    total: int


class UnknownCategory(ValidationFailed):
    code = "unknown_category"
    message_vi = "Lĩnh vực không tồn tại."
    message_en = "Unknown category."


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
            "Đơn vị hành chính không tồn tại.",
            "Unknown administrative unit.",
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
            f"Mã “{code}” không tồn tại.",
            f"Unknown code “{code}”.",
            code=f"unknown_{field}",
            fields={field: ["Unknown code."]},
        )
    return found


def _apply(stmt: Select, flt: ReportFilter, tz: ZoneInfo) -> Select:
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
) -> Page:
    """One page of ``select(Report)...`` (newest first unless asked), with what a row shows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
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


def publicly_visible():
    """Not refused, and not waiting in (or refused by) moderation."""
    return (Report.status.not_in(list(HIDDEN_FROM_PUBLIC))) & (
        Report.moderation_status.is_(None) | (Report.moderation_status == "approved")
    )


def public_reports(flt: ReportFilter, page: int, page_size: int, tz: ZoneInfo) -> Page:
    stmt = select(Report).where(publicly_visible())
    return page_of(_apply(stmt, flt, tz), page, page_size)


def public_report(code: str) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.code == tracking_code(code), publicly_visible())
    )


def staff_reports(
    staff: StaffUser, flt: ReportFilter, page: int, page_size: int, tz: ZoneInfo
) -> Page:
    stmt = select(Report)
    if staff.role in DEPARTMENT_ROLES:
        stmt = stmt.where(Report.department_id == staff.department_id)
    return page_of(_apply(stmt, flt, tz), page, page_size, with_events=True)


def resident_reports(resident_id: int, page: int, page_size: int) -> Page:
    stmt = select(Report).where(Report.reporter_id == resident_id)
    return page_of(stmt, page, page_size, with_events=True)


def resident_report(resident_id: int, code: str) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.code == tracking_code(code), Report.reporter_id == resident_id)
    )


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
)


def public_export(flt: ReportFilter, tz: ZoneInfo, limit: int | None = None):
    """Rows of public fields, newest first, streamed in batches (for CSV and GeoJSON)."""
    stmt = (
        select(*EXPORT_COLUMNS)
        .join(Category, Category.id == Report.category_id)
        .outerjoin(Department, Department.id == Report.department_id)
        .outerjoin(AdminUnit, AdminUnit.id == Report.admin_unit_id)
        .where(publicly_visible())
    )
    stmt = _apply(stmt, flt, tz).order_by(Report.created_at.desc(), Report.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return db.session.execute(stmt.execution_options(yield_per=1000))
