"""A report filed through Open311 (GeoReport v2): which client application sent it, and
the token it follows the request by until the request is published.

The report itself is an ordinary report (channel ``open311``); this row only keeps what
the Open311 side needs: ``token`` (answered at once, even while the report waits for
moderation: ``GET tokens/<token>`` then gives its ``service_request_id``, the report's
code, once the public may read it) and the ``account_id`` the client named.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.models.report import Report


class Open311Request(db.Model):
    __tablename__ = "open311_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), unique=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"), index=True)
    #: Random and unguessable: a token is not a way to read another client's requests.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: The poster's account at the client application, as the client sent it.
    account_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship()
