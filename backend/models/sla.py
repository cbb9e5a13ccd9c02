"""SLA configuration (policies, calendar exceptions) and the clocks that run on reports."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db import UTCDateTime, db, utcnow
from backend.domain.scoring import Deduction
from backend.domain.sla import ClockKind, Outcome
from backend.models.category import Category, Severity
from backend.models.checks import one_of
from backend.models.department import Department
from backend.models.staff_user import StaffUser

if TYPE_CHECKING:
    from backend.models.report import Report


class SlaPolicy(db.Model):
    """Working-time budgets for a severity (optionally one category), from a date on.

    A change is a new row: reports assigned before it keep the budgets they got.
    """

    __tablename__ = "sla_policies"
    __table_args__ = (
        Index("ix_sla_policies_lookup", "severity", "category_id", "effective_from"),
        one_of("severity", Severity),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    severity: Mapped[str] = mapped_column(String(16))
    accept_seconds: Mapped[int]
    handle_seconds: Mapped[int]
    publish_seconds: Mapped[int]
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    #: None: national; a province's own policy overrides the national one.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))

    category: Mapped[Category | None] = relationship()


class PolicySource(StrEnum):
    """Where the budgets a report gets come from."""

    DEFAULT = "default"  # the built-in national rules
    POLICY = "policy"  # a national SLA policy
    PROVINCE_POLICY = "province_policy"  # the province's own policy


class ExceptionScope(StrEnum):
    NATIONAL = "national"  # every province
    PROVINCE = "province"  # the province's own, on top of the national calendar


class ExceptionKind(StrEnum):
    DAY_OFF = "day_off"  # an extra day off
    WORKING_DAY = "working_day"  # a make-up working day (làm bù)
    IGNORE_HOLIDAY = "ignore_holiday"  # a library holiday that does not apply


class CalendarException(db.Model):
    """A day off, a make-up working day or a holiday that does not apply: national
    (``province_id`` None, applies in every province) or one province's own."""

    __tablename__ = "calendar_exceptions"
    __table_args__ = (
        one_of("kind", ExceptionKind),
        UniqueConstraint("province_id", "day", name="uq_calendar_exceptions_province_id"),
        # NULLs are distinct in the constraint above: one national exception per day.
        Index(
            "uq_calendar_exceptions_national_day",
            "day",
            unique=True,
            postgresql_where=text("province_id IS NULL"),
            sqlite_where=text("province_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


#: The first handling clocks of settled cases, and the clocks not settled (open cases'
#: and every reopening's, whose figures go with their first clock).
SETTLED = "kind = 'handle' AND continues_id IS NULL AND case_outcome IS NOT NULL"
UNSETTLED = "kind = 'handle' AND case_outcome IS NULL"
SETTLED_COLUMNS = [
    "department_id",
    "report_id",
    "case_outcome",
    "case_completed",
    "case_deduction",
    "case_score",
    "case_days",
]


class ReportClock(db.Model):
    """One clock (accept, handle or publish) of one report at one unit.

    Forwarding a report ends the current unit's clocks ("superseded") and starts
    new ones for the next unit; the report's total age stays on the report.
    ``next_check_at`` is the next instant the sweep must look at this clock
    (a reminder, the deadline, the apology deadline); the sweep reads only
    clocks whose ``next_check_at`` has passed, through its index.
    """

    __tablename__ = "report_clocks"
    __table_args__ = (
        Index("ix_report_clocks_next_check", "next_check_at"),
        Index("ix_report_clocks_department_started", "department_id", "started_at"),
        Index("ix_report_clocks_due", "due_at"),
        # The statistics' cases of a period: its handling clocks, and their reopenings.
        Index("ix_report_clocks_kind_started", "kind", "started_at"),
        Index("ix_report_clocks_continues", "continues_id"),
        # The statistics (migration 0028): the settled cases of a period, counted from the
        # index alone on PostgreSQL, and the few clocks still worked out one by one.
        Index(
            "ix_report_clocks_settled",
            "started_at",
            postgresql_include=SETTLED_COLUMNS,
            postgresql_where=text(SETTLED),
            sqlite_where=text(SETTLED),
        ),
        Index(
            "ix_report_clocks_unsettled",
            "started_at",
            postgresql_where=text(UNSETTLED),
            sqlite_where=text(UNSETTLED),
        ),
        one_of("kind", ClockKind),
        one_of("case_outcome", Outcome),
        one_of("case_deduction", Deduction),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    kind: Mapped[str] = mapped_column(String(8))
    #: Working-time budget; an approved extension adds to it, not to ``original_budget_seconds``.
    budget_seconds: Mapped[int]
    original_budget_seconds: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Start of the current run (None while paused or after completion).
    run_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Working time used before the current run (runs end at pauses).
    consumed_seconds: Mapped[int] = mapped_column(default=0)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The deadline before any extension (what "on time" is measured against).
    original_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_in_time: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded: Mapped[bool] = mapped_column(default=False)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    apology_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promised_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    apology_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promise_missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Reopened by the unsatisfied reporter: the handling clock of the same case before
    #: (the case is counted once, in the period it was first received).
    continues_id: Mapped[int | None] = mapped_column(ForeignKey("report_clocks.id"))
    #: The case this clock opens (a handling clock that continues none), once every clock
    #: of the case has stopped, as the statistics count it: its outcome, whether the unit
    #: completed it, the working days it used, the reporter's last score and why it is
    #: not counted as satisfied. NULL while the case is open (the statistics then work it
    #: out as of the moment they are asked). Written by backend.services.statistics.settled
    #: before each commit that changes a clock or a rating of the report; never by hand.
    case_outcome: Mapped[str | None] = mapped_column(String(20))
    case_completed: Mapped[bool | None]
    case_days: Mapped[float | None]
    case_score: Mapped[int | None] = mapped_column(SmallInteger)
    case_deduction: Mapped[str | None] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    department: Mapped[Department] = relationship()
    report: Mapped[Report] = relationship(back_populates="clocks")
    continues: Mapped[ReportClock | None] = relationship(remote_side=[id])

    @property
    def open(self) -> bool:
        return self.completed_at is None and not self.superseded


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    CANCELLED = "cancelled"  # the unit no longer has the report


class ExtensionRequest(db.Model):
    """A unit asks for more time (gia hạn); the coordinator decides."""

    __tablename__ = "extension_requests"
    __table_args__ = (one_of("status", ExtensionStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("report_clocks.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    reason: Mapped[str] = mapped_column(Text)
    proposed_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=ExtensionStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    #: Approved before the original deadline: a late answer counts as "late with extension".
    in_time: Mapped[bool] = mapped_column(default=False)

    clock: Mapped[ReportClock] = relationship()
    requested_by: Mapped[StaffUser] = relationship(foreign_keys=[requested_by_id])
