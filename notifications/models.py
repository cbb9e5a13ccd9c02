"""Devices and notifications (the outbox that is also the in-app inbox)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models import Report, ReportEvent


class Platform(StrEnum):
    ANDROID = "android"
    IOS = "ios"
    WEB = "web"


class Device(db.Model):
    """An FCM registration token of a resident or a staff member."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(4096), unique=True)
    platform: Mapped[str] = mapped_column(String(8))
    locale: Mapped[str] = mapped_column(String(2), default="vi")
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(StrEnum):
    PENDING = "pending"  # to be pushed (now, after quiet hours, or on retry)
    SENT = "sent"  # FCM accepted it for every device (or the person has none)
    RECORDED = "recorded"  # the embedded default: kept in the inbox and the log, not pushed
    FAILED = "failed"  # gave up after the last retry


class Notification(db.Model):
    """One event told to one person: written in the event's transaction (the outbox),
    pushed after the commit, and listed in the person's in-app inbox."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("event_id", "resident_id", "staff_id", name="uq_notification_once"),
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_resident", "resident_id", "id"),
        Index("ix_notifications_staff", "staff_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("report_events.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    #: Template parameters (report code, category names, department, note, date).
    params: Mapped[dict] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=Delivery.PENDING)
    #: Not before: quiet hours, or the next retry.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    #: Tokens FCM already accepted this notification for (a retry skips them).
    delivered_tokens: Mapped[list] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[ReportEvent] = relationship()
    report: Mapped[Report] = relationship()
