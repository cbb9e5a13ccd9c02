"""Satisfaction ratings: what the reporter (and followers) say about a resolution.

One row per resident per resolution: the reporter's row carries a score of 1 to
5 (1-2: unsatisfied) and may carry a reopening; a follower's row says only
whether the resolution helped them. ``clock_id`` is the unit's handling clock
that the resolution completed, so the rating counts for that unit and period.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.domain.scoring import UNSATISFIED_MAX
from backend.models.checks import one_of
from backend.models.sla import ReportClock


class RaterKind(StrEnum):
    REPORTER = "reporter"  # rates 1-5, may reopen once if unsatisfied
    FOLLOWER = "follower"  # says whether the resolution helped them too


class Rating(db.Model):
    __tablename__ = "report_ratings"
    __table_args__ = (
        UniqueConstraint("clock_id", "resident_id", name="uq_report_ratings_clock_resident"),
        Index("ix_report_ratings_report", "report_id"),
        one_of("kind", RaterKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    #: The handling clock the rated resolution completed (unit and period of the case).
    clock_id: Mapped[int] = mapped_column(ForeignKey("report_clocks.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: 1..5 for the reporter; None for a follower.
    score: Mapped[int | None] = mapped_column(SmallInteger)
    #: A follower's answer: did the resolution help? None for the reporter.
    helped: Mapped[bool | None]
    #: Never published: it may name people; the unit and the coordinator read it.
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The reporter, unsatisfied, reopened the report (counts as re-raised).
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    clock: Mapped[ReportClock] = relationship()

    @property
    def unsatisfied(self) -> bool:
        return self.score is not None and self.score <= UNSATISFIED_MAX
