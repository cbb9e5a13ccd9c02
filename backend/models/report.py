"""Reports (phản ánh): the aggregate root. Its timeline and photos hang off it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.domain.channels import Channel
from backend.domain.vocabulary import ModerationStatus
from backend.domain.workflow import Status
from backend.models.admin_unit import AdminUnit
from backend.models.category import Category, Severity
from backend.models.checks import one_of
from backend.models.department import Department
from backend.models.resident import Resident
from backend.models.staff_user import StaffUser

if TYPE_CHECKING:
    from backend.models.event import ReportEvent
    from backend.models.photo import Photo
    from backend.models.sla import ExtensionRequest, ReportClock


class LocationSource(StrEnum):
    DEVICE = "device"  # the phone's position, sent with the report
    PHOTO_EXIF = "photo_exif"  # the GPS position in the first photo's EXIF
    MAP = "map"  # clicked on the map by an operator taking the report down
    WARD = "ward"  # a ward an operator chose: its representative point


class FollowerSource(StrEnum):
    ME_TOO = "me_too"  # the resident saw it too
    MERGED = "merged"  # their own report was merged into this one


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_status_created", "status", "created_at"),
        Index("ix_reports_department_status", "department_id", "status"),
        Index("ix_reports_lat_lng", "lat", "lng"),
        Index("ix_reports_created_at", "created_at"),
        # The public board filtered by handling unit, newest first (?department=): walked
        # backward it yields the first page and stops. Without it PostgreSQL either walks
        # ix_reports_created_at discarding other units' rows (many for a quiet unit) or
        # reads all the unit's rows through ix_reports_department_status and sorts them.
        Index("ix_reports_department_created", "department_id", "created_at"),
        # Duplicate suggestions: same category, a narrow band of latitude first.
        Index("ix_reports_category_lat", "category_id", "lat"),
        # A province's reports, newest first (tenancy: every staff and provincial list).
        Index("ix_reports_province_created", "province_id", "created_at"),
        # The board filtered by category or by place (a unit and the units inside), newest
        # first (migration 0024; on PostgreSQL also ix_reports_search_trgm, a pg_trgm GIN
        # index on search_text for ?q=, made by the migration only).
        Index("ix_reports_category_created", "category_id", "created_at"),
        Index("ix_reports_admin_unit_created", "admin_unit_id", "created_at"),
        one_of("status", Status),
        one_of("moderation_status", ModerationStatus),
        one_of("severity", Severity),
        one_of("location_source", LocationSource),
        one_of("channel", Channel),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public tracking code, e.g. PA-2026-000123.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    #: What the public sees: the description with personal data masked, or as a
    #: moderator edited it (the original stays in ``description`` and the timeline).
    public_description: Mapped[str | None] = mapped_column(Text)
    #: A ModerationStatus, or None: published without review.
    moderation_status: Mapped[str | None] = mapped_column(String(16), index=True)
    #: What the automatic checks found (abusive words, personal data, duplicates...).
    moderation_flags: Mapped[list | None] = mapped_column(JSON)
    #: Folded (accent-insensitive) code + description + address, for search.
    search_text: Mapped[str] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(500))
    #: Where the coordinates came from (LocationSource).
    location_source: Mapped[str] = mapped_column(String(16), default=LocationSource.DEVICE)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    #: The province that handles it (set at intake from the routing decision).
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    status: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(16))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    #: The department's answer, published when resolved.
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Waiting for the resident to answer a request for more information (clocks stopped).
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Overdue: the supervising unit the case was escalated to (it may then read the report).
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    #: Marked as a duplicate of this report (which still stands).
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    #: The officer of the handling unit who works it (cleared when it leaves the unit).
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: How it reached the platform (Channel): the app, or an operator's intake.
    channel: Mapped[str] = mapped_column(
        String(16), default=Channel.APP, server_default=Channel.APP.value
    )
    #: The operator who entered it on the resident's behalf (internal: never public, never
    #: shown to a handling unit); None for a report the resident filed.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: The answers to the category's extra questions ({code: value}, checked against its
    #: definition at intake: backend.domain.questions); None where the channel asked none.
    answers: Mapped[dict | None] = mapped_column(JSON)
    #: Optimistic lock: two staff acting on the same report at once cannot both win.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    category: Mapped[Category] = relationship(lazy="joined")
    admin_unit: Mapped[AdminUnit | None] = relationship(foreign_keys=[admin_unit_id])
    department: Mapped[Department | None] = relationship(
        lazy="joined", foreign_keys=[department_id]
    )
    reporter: Mapped[Resident] = relationship()
    escalated_to: Mapped[Department | None] = relationship(foreign_keys=[escalated_to_id])
    duplicate_of: Mapped[Report | None] = relationship(remote_side=[id])
    assignee: Mapped[StaffUser | None] = relationship(foreign_keys=[assignee_id])
    entered_by: Mapped[StaffUser | None] = relationship(foreign_keys=[entered_by_id])
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", order_by="ReportEvent.id", cascade="all, delete-orphan"
    )
    clocks: Mapped[list[ReportClock]] = relationship(
        order_by="ReportClock.id", back_populates="report"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="report", order_by="Photo.id", cascade="all, delete-orphan"
    )
    #: Extension requests (gia hạn), oldest first: the policy reads whether one is pending.
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(
        order_by="ExtensionRequest.id"
    )


class ReportFollower(db.Model):
    """A resident who supports ("me too") or follows someone else's report."""

    __tablename__ = "report_followers"
    __table_args__ = (one_of("source", FollowerSource),)

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default=FollowerSource.ME_TOO)


#: Residents who support the report ("me too", or their own report merged in); the
#: reporter is not counted. Deferred: lists load it in their own query (``undefer``).
Report.supporters = column_property(
    select(func.count())
    .where(ReportFollower.report_id == Report.id)
    .correlate_except(ReportFollower)
    .scalar_subquery(),
    deferred=True,
)


class ReportSequence(db.Model):
    """Per-year counter behind the tracking codes (no gaps from rolled-back ids)."""

    __tablename__ = "report_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)
