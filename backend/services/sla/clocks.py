"""Clock arithmetic and lifecycle: start, stop, complete, pause, resume, replan.

Called by the workflow, in the same transaction as the timeline event that causes
each change (clocks are a projection of the timeline).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from backend.db import db
from backend.domain.calendar import WorkingCalendar
from backend.domain.sla import ClockFacts, ClockKind
from backend.domain.sla import thresholds as reminder_thresholds
from backend.models import Department, ExtensionRequest, Report, ReportClock
from backend.models.department import DepartmentKind
from backend.models.sla import ExtensionStatus
from backend.services.sla.config import (
    apology_grace,
    calendar_of,
    durations_for,
    reminder_fractions,
    working_calendar,
)

# ---- arithmetic ---------------------------------------------------------------------------


def seconds(value: timedelta) -> int:
    return int(value.total_seconds())


def plan(clock: ReportClock, cal: WorkingCalendar) -> None:
    """Recompute the deadlines of a running clock and when the sweep must next look.

    Once overdue, the missed deadline stays as it was (a pause does not move it),
    unless an extension approved since gives the clock time again: then its due
    date is the extension's.
    """
    if not clock.open or clock.run_started_at is None:
        clock.next_check_at = None
        return
    consumed = timedelta(seconds=clock.consumed_seconds)
    left = timedelta(seconds=clock.budget_seconds) - consumed
    if clock.overdue_at is None:
        original_left = timedelta(seconds=clock.original_budget_seconds) - consumed
        clock.due_at = cal.add(clock.run_started_at, max(left, timedelta()))
        clock.original_due_at = cal.add(clock.run_started_at, max(original_left, timedelta()))
    elif left > timedelta():
        clock.due_at = cal.add(clock.run_started_at, left)
    clock.next_check_at = next_check(clock, cal)


def used(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> timedelta:
    """Working time the unit has had so far (pauses excluded)."""
    running = cal.between(clock.run_started_at, now) if clock.run_started_at else timedelta()
    return timedelta(seconds=clock.consumed_seconds) + max(running, timedelta())


def facts(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> ClockFacts:
    """What the scoreboard judges (also reads the statistics' column rows)."""
    return ClockFacts(
        used=used(clock, now, cal),
        original_budget=timedelta(seconds=clock.original_budget_seconds),
        budget=timedelta(seconds=clock.budget_seconds),
        extension_in_time=clock.extension_in_time,
        completed=clock.completed_at is not None,
        handed_over=clock.superseded,
        paused=clock.open and clock.run_started_at is None,
        marked_overdue=clock.overdue_at is not None,
    )


def working_days_late(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> float:
    """How late against the original budget, in working days (0 when not late)."""
    late = used(clock, now, cal) - timedelta(seconds=clock.original_budget_seconds)
    return round(cal.in_days(max(late, timedelta())), 2)


def next_check(clock: ReportClock, cal: WorkingCalendar) -> datetime | None:
    """The next instant the sweep has something to do for this clock."""
    if clock.overdue_at is None:
        pending = thresholds(clock, cal)[clock.reminders_sent :]
        return min([*pending, clock.due_at])
    if clock.kind != ClockKind.HANDLE:
        return None
    if clock.apology_at is None:
        return None if clock.apology_reminded_at else cal.add(clock.overdue_at, apology_grace())
    if clock.promised_due_at is not None and clock.promise_missed_at is None:
        return clock.promised_due_at
    return None


def thresholds(clock: ReportClock, cal: WorkingCalendar) -> list[datetime]:
    return reminder_thresholds(
        cal,
        clock.run_started_at,
        timedelta(seconds=clock.budget_seconds),
        timedelta(seconds=clock.consumed_seconds),
        reminder_fractions(),
    )


def _stop_run(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> None:
    if clock.run_started_at is not None:
        clock.consumed_seconds += seconds(cal.between(clock.run_started_at, now))
        clock.run_started_at = None
    clock.next_check_at = None


def open_clocks(report: Report, *kinds: ClockKind) -> list[ReportClock]:
    return [c for c in report.clocks if c.open and (not kinds or c.kind in kinds)]


def extensions_of(report: Report) -> list[ExtensionRequest]:
    return list(
        db.session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.report_id == report.id)
            .order_by(ExtensionRequest.id)
        )
    )


def cancel_pending(report: Report, clocks: list[ReportClock]) -> None:
    """Requests still waiting on these clocks lapse (the unit left, or apologised)."""
    for request in extensions_of(report):
        if request.status == ExtensionStatus.PENDING and request.clock in clocks:
            request.status = ExtensionStatus.CANCELLED


# ---- lifecycle, called by the workflow --------------------------------------------------


def start_clocks(report: Report, department: Department, now: datetime) -> None:
    """A unit takes the report (assignment, forwarding, reopening): its clocks start now.

    The accept budget is capped at the handle budget, so acknowledging is never due
    after handling.
    """
    end_clocks(report, now)
    if department.kind == DepartmentKind.COORDINATOR:
        return
    cal = calendar_of(report)
    budgets = durations_for(report.category.id, report.severity, now, report.province_id)
    for kind, budget in ((ClockKind.ACCEPT, budgets.accept), (ClockKind.HANDLE, budgets.handle)):
        clock = ReportClock(
            department=department,
            kind=kind,
            budget_seconds=seconds(budget),
            original_budget_seconds=seconds(budget),
            started_at=now,
            run_started_at=None if report.waiting_since else now,
            paused_at=now if report.waiting_since else None,
            consumed_seconds=0,
            reminders_sent=0,
            superseded=False,
            extension_in_time=False,
        )
        report.clocks.append(clock)
        plan(clock, cal)


def end_clocks(report: Report, now: datetime) -> None:
    """The unit no longer has the report (forwarded, returned, rejected): its clocks stop."""
    cal = calendar_of(report)
    ended = open_clocks(report)
    for clock in ended:
        _stop_run(clock, now, cal)
        clock.superseded = True
    if ended:
        cancel_pending(report, ended)


def complete(report: Report, kind: ClockKind, now: datetime) -> None:
    cal = calendar_of(report)
    for clock in open_clocks(report, kind):
        _stop_run(clock, now, cal)
        clock.completed_at = now


def resolved(report: Report, now: datetime) -> None:
    """Handling is over and the answer is published at once: both clocks stop, and an
    extension still asked for lapses (there is nothing left to extend)."""
    complete(report, ClockKind.ACCEPT, now)
    complete(report, ClockKind.HANDLE, now)
    handle = next((c for c in reversed(report.clocks) if c.kind == ClockKind.HANDLE), None)
    if handle is None:
        return
    cancel_pending(report, [handle])
    budget = durations_for(report.category.id, report.severity, now, report.province_id).publish
    cal = calendar_of(report)
    report.clocks.append(
        ReportClock(
            department_id=handle.department_id,
            kind=ClockKind.PUBLISH,
            budget_seconds=seconds(budget),
            original_budget_seconds=seconds(budget),
            started_at=now,
            due_at=cal.add(now, budget),
            original_due_at=cal.add(now, budget),
            completed_at=now,
            consumed_seconds=0,
            reminders_sent=0,
            superseded=False,
            extension_in_time=False,
        )
    )


def pause(report: Report, now: datetime) -> None:
    """Waiting for the resident: the clocks stop."""
    cal = calendar_of(report)
    for clock in open_clocks(report):
        _stop_run(clock, now, cal)
        clock.paused_at = now


def resume(report: Report, now: datetime) -> None:
    """The resident answered: the clocks run again with the time they had left."""
    cal = calendar_of(report)
    for clock in open_clocks(report):
        if clock.run_started_at is None:
            clock.run_started_at = now
            clock.paused_at = None
            plan(clock, cal)


def replan(from_day: date, province_id: int | None = None) -> int:
    """After a calendar change: running clocks whose deadline reaches that day are
    recomputed, each on its report's province's calendar. ``province_id``: a province's
    own exception changed, only its reports' clocks; None: a national one, every clock."""
    start = datetime.combine(from_day, time(), working_calendar().tz)
    stmt = select(ReportClock).where(
        ReportClock.completed_at.is_(None),
        ReportClock.superseded.is_(False),
        ReportClock.run_started_at.is_not(None),
        ReportClock.overdue_at.is_(None),
        ReportClock.due_at >= start,
    )
    if province_id is not None:
        stmt = stmt.join(Report, Report.id == ReportClock.report_id).where(
            Report.province_id == province_id
        )
    clocks = db.session.scalars(stmt).all()
    for clock in clocks:
        plan(clock, calendar_of(clock.report))
    return len(clocks)
