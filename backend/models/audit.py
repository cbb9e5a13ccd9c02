"""The audit log: one row per staff action worth answering for later.

Who did what, when, to which report or account, from which address: every workflow
action by a staff member, every disclosure of a reporter's identity, every change to a
staff account (the names of the changed fields, never a password). Rows are only ever
added (backend.services.audit) and searched by an administrator (GET /staff/v1/audit).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models.checks import one_of
from backend.models.staff_user import StaffUser


class AuditAction(StrEnum):
    REPORT_ACTION = "report_action"  # a timeline entry by a staff member (detail: its kind)
    REPORTER_VIEWED = "reporter_viewed"  # the reporter's identity was shown to them
    STAFF_CREATED = "staff_created"
    STAFF_CHANGED = "staff_changed"  # detail: the fields changed
    PASSWORD_RESET = "password_reset"  # by an administrator, or one's own change
    ROUTING_RULE_CHANGED = "routing_rule_changed"  # detail: op, rule id, before/after
    OPEN311_KEY_ISSUED = "open311_key_issued"  # detail: client id, name, prefix, province
    OPEN311_KEY_REVOKED = "open311_key_revoked"  # detail: the same (never the key)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        one_of("action", AuditAction),
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_staff_at", "staff_id", "at"),
        Index("ix_audit_entries_report_at", "report_id", "at"),
        Index("ix_audit_entries_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    action: Mapped[str] = mapped_column(String(32))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    target_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    detail: Mapped[dict | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))

    staff: Mapped[StaffUser] = relationship(foreign_keys=[staff_id])
    target: Mapped[StaffUser | None] = relationship(foreign_keys=[target_staff_id])
    report = relationship("Report")
