"""Photos of a report: a private original and public, metadata-free renditions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models.checks import one_of

if TYPE_CHECKING:
    from backend.models.report import Report


class PhotoKind(StrEnum):
    BEFORE = "before"  # sent by the resident
    AFTER = "after"  # sent by the department when resolving


class RenditionStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"
    REMOVED = "removed"  # hidden by a moderator: the public files are deleted


class Photo(db.Model):
    __tablename__ = "photos"
    __table_args__ = (one_of("kind", PhotoKind), one_of("rendition_status", RenditionStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    #: Storage key of the untouched upload. Private: it carries EXIF GPS and device data.
    original_key: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    #: Private EXIF facts kept for staff and location fallback; never published.
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lng: Mapped[float | None] = mapped_column(Float)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Public renditions (JPEG, metadata stripped), made by a background job.
    rendition_status: Mapped[str] = mapped_column(String(8), default=RenditionStatus.PENDING)
    thumb_key: Mapped[str | None] = mapped_column(String(255))
    display_key: Mapped[str | None] = mapped_column(String(255))
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship(back_populates="photos")

    @property
    def public(self) -> bool:
        return not self.hidden and self.rendition_status == RenditionStatus.READY


class MediaDeletion(db.Model):
    """A stored file to delete once its withdrawal has committed (a hidden photo's, a
    refused report's renditions): the job (``backend.tasks.delete_withdrawn_files``) deletes
    the file, then the row; a store that is down leaves the row for the next pass."""

    __tablename__ = "media_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
