"""The sweep: reminders, overdue marking, escalation and apology checks that came due.

Services never commit: :func:`sweep_batch` advances one batch of due clocks in the
caller's transaction; the periodic job (:func:`backend.tasks.sla_sweep`, also run
by ``flask sla sweep``) loops batch, commit, and on a conflict goes again one clock
at a time (:func:`sweep_clock`), skipping the loser.

Idempotent: each step moves the clock's ``next_check_at`` past what it did, in the
same transaction as the timeline events, so a second run finds nothing. Safe with
several sweeps at once: PostgreSQL hands each batch to one sweep (``FOR UPDATE SKIP
LOCKED``); elsewhere the clock's version column refuses the second writer. After
downtime, each clock catches up in one pass: past its deadline it is marked overdue
(earlier reminders are moot and skipped).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from backend.db import db
from backend.domain import system_notes
from backend.domain.calendar import WorkingCalendar
from backend.domain.sla import ClockKind
from backend.domain.vocabulary import EventKind
from backend.models import Department, Report, ReportClock
from backend.models.department import DepartmentKind
from backend.services.sla.clocks import next_check, thresholds, working_days_late
from backend.services.sla.config import calendar_of, reminder_fractions
from backend.services.timeline import note

log = logging.getLogger(__name__)
_KIND_VI = {ClockKind.ACCEPT: "tiếp nhận", ClockKind.HANDLE: "xử lý"}


@dataclass
class SweepResult:
    clocks: int = 0
    reminders: int = 0
    overdue: int = 0
    apology_reminders: int = 0
    promises_missed: int = 0
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def add(self, other: SweepResult) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Batch:
    """What one step did, counted only once its transaction commits."""

    ids: list[int] = field(default_factory=list)  # the clocks it took
    result: SweepResult = field(default_factory=SweepResult)
    #: Still due after their steps: a later batch must not take them again.
    stuck: set[int] = field(default_factory=set)


def _due(now: datetime, limit: int, skip: set[int] | frozenset[int]) -> list[ReportClock]:
    stmt = (
        select(ReportClock)
        .where(ReportClock.next_check_at <= now)
        .order_by(ReportClock.next_check_at, ReportClock.id)
        .limit(limit + len(skip))
        .options(joinedload(ReportClock.department), joinedload(ReportClock.report))
    )
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=ReportClock)
    return [c for c in db.session.scalars(stmt).unique() if c.id not in skip][:limit]


def sweep_batch(
    now: datetime, *, batch: int = 500, skip: set[int] | frozenset[int] = frozenset()
) -> Batch:
    """Advance up to ``batch`` due clocks (not in ``skip``) without committing."""
    return _advance_all(_due(now, batch, skip), now)


def sweep_clock(clock_id: int, now: datetime) -> Batch:
    """One clock again (after a conflict): nothing when it is no longer due."""
    clock = db.session.get(ReportClock, clock_id)
    if clock is None or clock.next_check_at is None or clock.next_check_at > now:
        return Batch()
    return _advance_all([clock], now)


def sweep(now: datetime, *, batch: int = 500) -> SweepResult:
    """Every due clock, in the caller's transaction, which the caller commits (the demo
    seed, tests). The job commits batch by batch instead."""
    result, skip = SweepResult(), set()
    while True:
        step = sweep_batch(now, batch=batch, skip=skip)
        if not step.ids:
            return result
        result.add(step.result)
        skip |= step.stuck


def _advance_all(clocks: list[ReportClock], now: datetime) -> Batch:
    done = Batch(ids=[c.id for c in clocks])
    # Nothing is written before the caller commits, so a conflict (the clock's version
    # changed under it) shows there, with the batch's ids known.
    with db.session.no_autoflush:
        for clock in clocks:
            _advance(clock, now, calendar_of(clock.report), done.result)
    # A clock still due after its steps would be picked again forever.
    done.stuck = {c.id for c in clocks if c.next_check_at is not None and c.next_check_at <= now}
    return done


def _advance(clock: ReportClock, now: datetime, cal: WorkingCalendar, result: SweepResult):
    report = clock.report
    result.clocks += 1
    for _ in range(5):  # a clock has at most a handful of pending steps
        if clock.next_check_at is None or clock.next_check_at > now:
            return
        _step(report, clock, now, cal, result)
        clock.next_check_at = next_check(clock, cal)
    log.warning("clock %s still has steps after five", clock.id)


def _step(report, clock, now, cal, result) -> None:
    if clock.overdue_at is None:
        if now >= clock.due_at:
            _mark_overdue(report, clock, now, cal, result)
        else:
            _remind(report, clock, now, cal, result)
        return
    if clock.apology_at is None:
        clock.apology_reminded_at = now
        result.apology_reminders += 1
        note(
            report,
            EventKind.APOLOGY_REMINDER,
            now,
            internal_note="Đơn vị chưa xin lỗi và hẹn lại ngày trả kết quả.",
            data={"clock": clock.kind, "department": clock.department.code},
        )
        return
    clock.promise_missed_at = now
    result.promises_missed += 1
    data = {"clock": clock.kind, "promised_due_at": clock.promised_due_at.isoformat()}
    note(
        report,
        EventKind.PROMISE_MISSED,
        now,
        public=True,
        note=system_notes.render(EventKind.PROMISE_MISSED, data, "vi", cal.tz),
        data=data,
    )
    _escalate(report, clock, now, reason=EventKind.PROMISE_MISSED)


def _mark_overdue(report, clock, now, cal, result) -> None:
    clock.overdue_at = clock.due_at
    clock.reminders_sent = len(reminder_fractions())
    result.overdue += 1
    data = {
        "clock": clock.kind,
        "due_at": clock.due_at.isoformat(),
        "working_days_late": working_days_late(clock, now, cal),
    }
    note(
        report,
        EventKind.OVERDUE,
        now,
        public=clock.kind == ClockKind.HANDLE,
        note=system_notes.render(EventKind.OVERDUE, data, "vi", cal.tz),
        data=data,
    )
    _escalate(report, clock, now, reason=EventKind.OVERDUE)


def _remind(report, clock, now, cal, result) -> None:
    crossed = [
        i for i, at in enumerate(thresholds(clock, cal)) if i >= clock.reminders_sent and at <= now
    ]
    if not crossed:
        return
    index = max(crossed)
    clock.reminders_sent = index + 1
    result.reminders += 1
    kind_vi = _KIND_VI.get(clock.kind, clock.kind)
    note(
        report,
        EventKind.SLA_REMINDER,
        now,
        internal_note=f"Nhắc hạn {kind_vi}: còn đến {_label(clock.due_at, cal)}.",
        data={
            "clock": clock.kind,
            "fraction": reminder_fractions()[index],
            "department": clock.department.code,
            "due_at": clock.due_at.isoformat(),
        },
    )


def _label(instant: datetime, cal: WorkingCalendar) -> str:
    return instant.astimezone(cal.tz).strftime(system_notes.TIME_AND_DATE)


def _escalate(report: Report, clock: ReportClock, now: datetime, *, reason: EventKind) -> None:
    """To the unit's supervising unit (which may then read the report) and the coordinator."""
    supervisor = clock.department.supervisor
    targets = []
    if supervisor is not None and supervisor.kind != DepartmentKind.COORDINATOR:
        report.escalated_to_id = supervisor.id
        targets.append(supervisor.code)
    # The report's own province's coordinator (its national one when it has none).
    stmt = select(Department).where(Department.kind == DepartmentKind.COORDINATOR)
    if report.province_id is not None:
        stmt = stmt.where(
            (Department.province_id == report.province_id) | Department.province_id.is_(None)
        ).order_by(Department.province_id.is_(None), Department.id)
    coordinator = db.session.scalar(stmt.limit(1))
    if coordinator is not None:
        targets.append(coordinator.code)
    note(
        report,
        EventKind.ESCALATED,
        now,
        internal_note="Chuyển cấp trên và đầu mối theo dõi do quá hạn.",
        data={
            "clock": clock.kind,
            "reason": reason.value,
            "to": targets,
            "department": clock.department.code,
        },
    )
