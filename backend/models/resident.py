"""Residents: people who sign in to the mobile app with their phone (Firebase Auth)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import UTCDateTime, db, utcnow


class Resident(db.Model):
    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    firebase_uid: Mapped[str] = mapped_column(String(128), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Bumped to revoke every access token issued so far.
    token_version: Mapped[int] = mapped_column(default=0)
    #: When the resident deleted the account: its identity is erased, its reports stay.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
