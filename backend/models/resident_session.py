"""Residents' app sessions: one row per signed-in phone, holding its refresh token.

A sign-in opens a session and answers a short-lived access token (``backend.auth``) and a
refresh token. Only the refresh token's SHA-256 is stored, with the one it replaced (so a
retried refresh whose answer was lost still works for a moment, and an old token used
later is recognised as stolen). A session ends when the phone signs out, after
``RESIDENT_REFRESH_DAYS`` without a refresh, when the resident signs out everywhere or
deletes the account, and as soon as its account's ``token_version`` moves on (a lock).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models.checks import one_of
from backend.models.resident import Resident


class SessionEnd(StrEnum):
    """Why a resident's session ended."""

    SIGNED_OUT = "signed_out"  # the phone signed out
    EVERYWHERE = "everywhere"  # the resident signed out of every phone
    REUSED = "reused"  # an old refresh token came back: taken for stolen
    DELETED = "deleted"  # the account was deleted
    LOCKED = "locked"  # the moderators locked the account


class ResidentSession(db.Model):
    __tablename__ = "resident_sessions"
    __table_args__ = (
        Index("ix_resident_sessions_resident", "resident_id", "revoked_at"),
        one_of("revoked_reason", SessionEnd),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    #: The account's ``token_version`` when the session opened: a later bump ends it.
    account_version: Mapped[int] = mapped_column(default=0)
    refresh_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The refresh token this one replaced, accepted again for a short grace period.
    previous_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    #: A token a retry within the grace period replaced before it was used: presented
    #: later, someone else had replayed the old one (the session ends as stolen).
    dropped_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it ended (:class:`SessionEnd`).
    revoked_reason: Mapped[str | None] = mapped_column(String(16))
    #: The app, as it said (User-Agent).
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    resident: Mapped[Resident] = relationship()
