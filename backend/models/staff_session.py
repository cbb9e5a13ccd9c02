"""Console sessions: one row per signed-in browser of a staff member.

The browser's (signed) session cookie carries a random token; the database keeps only its
SHA-256, when it was opened, last used and revoked. Any process can check a session, a
sign-out ends exactly that browser's session, and "sign out everywhere", a deactivation or
a password change ends them all at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models.staff_user import StaffUser


class StaffSession(db.Model):
    __tablename__ = "staff_sessions"
    __table_args__ = (Index("ix_staff_sessions_staff", "staff_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The browser, as it said (shown to the person in their list of sessions).
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    staff: Mapped[StaffUser] = relationship()
