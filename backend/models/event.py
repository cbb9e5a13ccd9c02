"""The append-only timeline of a report: every status and statistic is rebuilt from it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.domain.vocabulary import EventKind
from backend.domain.workflow import Status
from backend.models.checks import one_of
from backend.models.department import Department
from backend.models.staff_user import StaffUser

if TYPE_CHECKING:
    from backend.models.report import Report


class ActorKind(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"


class ReportEvent(db.Model):
    __tablename__ = "report_events"
    __table_args__ = (
        Index("ix_report_events_type_at", "type", "at"),
        one_of("type", EventKind),
        one_of("actor_kind", ActorKind),
        one_of("from_status", Status),
        one_of("to_status", Status),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: An EventKind: a workflow action (backend.domain.workflow.Action) or another entry.
    type: Mapped[str] = mapped_column(String(32))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor_resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    #: The department the report moved to with this event (assign, forward, return).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    #: Shown on the public timeline when ``public`` is true.
    public: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(Text)
    #: Staff-only remark (a return reason, a coordinator's instruction).
    internal_note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)

    report: Mapped[Report] = relationship(back_populates="events")
    actor_staff: Mapped[StaffUser | None] = relationship()
    department: Mapped[Department | None] = relationship()


@event.listens_for(ReportEvent, "before_update")
def _append_only(mapper, connection, target):  # pragma: no cover - a programming error
    raise RuntimeError("report events are append-only")
