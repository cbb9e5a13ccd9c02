"""Devices and notifications (the outbox that is also the in-app inbox)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models import Report, ReportEvent
from backend.models.checks import one_of

#: The languages of the notification texts (Vietnamese first: the default).
LOCALES = ("vi", "en")


class Platform(StrEnum):
    ANDROID = "android"
    IOS = "ios"
    WEB = "web"


class Device(db.Model):
    """An FCM registration token of a resident or a staff member."""

    __tablename__ = "devices"
    __table_args__ = (one_of("platform", Platform), one_of("locale", LOCALES))

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(4096), unique=True)
    platform: Mapped[str] = mapped_column(String(8))
    locale: Mapped[str] = mapped_column(String(2), default="vi")
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: The resident's app session it was registered in: signing that phone out drops it.
    session_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationKind(StrEnum):
    """What a notification says (``Notification.kind``): each has a Vietnamese and an English
    template (notifications.templates) and the database refuses any other value."""

    # To the reporter (and, for some, the followers).
    RECEIVED = "received"
    ASSIGNED = "assigned"
    STARTED = "started"  # handling started, with a public note
    UPDATE = "update"
    RESOLVED = "resolved"
    APOLOGY = "apology"
    REJECTED = "rejected"
    INFO_REQUESTED = "info_requested"
    # To staff.
    NEW_ASSIGNMENT = "new_assignment"
    ACCEPT_REMINDER = "accept_reminder"  # the time to accept (acknowledge) runs out
    SLA_REMINDER = "sla_reminder"  # the time to handle runs out
    ACCEPT_OVERDUE = "accept_overdue"  # not accepted in time
    OVERDUE = "overdue"  # not handled in time: the unit owes an apology
    ACCEPT_ESCALATED = "accept_escalated"
    ESCALATED = "escalated"
    PROMISE_ESCALATED = "promise_escalated"  # the date promised in the apology was missed
    EXTENSION_DECIDED = "extension_decided"
    RESIDENT_RATED = "resident_rated"
    REPORT_REOPENED = "report_reopened"
    OFFICER_ASSIGNED = "officer_assigned"  # a report given to this officer by name
    # To the coordinators (role coordinator) only.
    EXTENSION_REQUESTED = "extension_requested"  # a unit asks for a later deadline
    REPORT_RETURNED = "report_returned"  # a unit returned a report for reassignment


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
        one_of("kind", NotificationKind),
        one_of("status", Delivery),
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
