"""SLA clocks on reports: start, stop, pause, extend, apologise, and the sweep.

Clocks are a projection of the timeline: every change to a clock happens in
the same transaction as the timeline event that causes it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from backend.db import commit, db, rollback
from backend.domain.calendar import Exceptions, WorkingCalendar
from backend.domain.sla import (
    DEFAULT_DURATIONS,
    ClockFacts,
    ClockKind,
    Durations,
    Outcome,
    outcome,
)
from backend.domain.sla import thresholds as reminder_thresholds
from backend.domain.text import nfc
from backend.errors import Conflict, ValidationFailed
from backend.models import (
    CalendarException,
    Department,
    ExtensionRequest,
    Report,
    ReportClock,
    SlaPolicy,
    StaffUser,
)
from backend.models.department import DepartmentKind
from backend.models.sla import ExceptionKind, ExtensionStatus
from backend.services.timeline import note

log = logging.getLogger(__name__)
_lock = threading.Lock()
_calendars: dict[tuple, WorkingCalendar] = {}


# ---- configuration --------------------------------------------------------------------


def working_calendar() -> WorkingCalendar:
    """The calendar with the administrator's exceptions; rebuilt when they change.

    Checked once per session (request or job), not once per report shown.
    """
    cached = db.session.info.get("phananh_calendar")
    if cached is not None:
        return cached
    calendar = _current_calendar()
    db.session.info["phananh_calendar"] = calendar
    return calendar


def _current_calendar() -> WorkingCalendar:
    count, changed = db.session.execute(
        select(func.count(CalendarException.day), func.max(CalendarException.updated_at))
    ).one()
    key = (
        db.engine.url.render_as_string(hide_password=True),
        current_app.config["TIMEZONE"],
        current_app.config["OFFICE_HOURS"],
        count,
        str(changed),
    )
    calendar = _calendars.get(key)
    if calendar is None:
        with _lock:
            rows = db.session.scalars(select(CalendarException)).all()
            by_kind: dict[str, set[date]] = {kind: set() for kind in ExceptionKind}
            for row in rows:
                by_kind[row.kind].add(row.day)
            calendar = WorkingCalendar(
                current_app.config["TIMEZONE"],
                current_app.config["OFFICE_HOURS"],
                Exceptions(
                    days_off=frozenset(by_kind[ExceptionKind.DAY_OFF]),
                    working_days=frozenset(by_kind[ExceptionKind.WORKING_DAY]),
                    ignored_holidays=frozenset(by_kind[ExceptionKind.IGNORE_HOLIDAY]),
                ),
            )
            _calendars.clear()  # only the current version is worth keeping
            _calendars[key] = calendar
    return calendar


def durations_for(category_id: int | None, severity: str, now: datetime) -> Durations:
    """The policy in force at ``now``: category-specific first, then the severity's.

    ``category_id`` None: the severity's own policy (what a category without one gets).
    """
    policy = db.session.scalar(
        select(SlaPolicy)
        .where(
            SlaPolicy.severity == severity,
            (SlaPolicy.category_id == category_id) | SlaPolicy.category_id.is_(None),
            SlaPolicy.effective_from <= now,
        )
        .order_by(
            case((SlaPolicy.category_id.is_(None), 1), else_=0),
            SlaPolicy.effective_from.desc(),
            SlaPolicy.id.desc(),
        )
        .limit(1)
    )
    if policy is None:
        return DEFAULT_DURATIONS.get(severity, DEFAULT_DURATIONS["normal"])
    return Durations(
        accept=timedelta(seconds=policy.accept_seconds),
        handle=timedelta(seconds=policy.handle_seconds),
        publish=timedelta(seconds=policy.publish_seconds),
    )


def _fractions() -> tuple[float, ...]:
    return current_app.config["SLA_REMINDERS"]


def _apology_grace() -> timedelta:
    return timedelta(hours=current_app.config["APOLOGY_GRACE_HOURS"])


# ---- clock arithmetic -----------------------------------------------------------------


def _seconds(value: timedelta) -> int:
    return int(value.total_seconds())


def _plan(clock: ReportClock, cal: WorkingCalendar) -> None:
    """Recompute the deadlines of a running clock and when the sweep must next look."""
    if not clock.open or clock.run_started_at is None:
        clock.next_check_at = None
        return
    if clock.overdue_at is None:  # once overdue, the missed deadlines stay as they were
        consumed = timedelta(seconds=clock.consumed_seconds)
        left = timedelta(seconds=clock.budget_seconds) - consumed
        original_left = timedelta(seconds=clock.original_budget_seconds) - consumed
        clock.due_at = cal.add(clock.run_started_at, max(left, timedelta()))
        clock.original_due_at = cal.add(clock.run_started_at, max(original_left, timedelta()))
    clock.next_check_at = _next_check(clock, cal)


def used(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> timedelta:
    """Working time the unit has had so far (pauses excluded)."""
    running = cal.between(clock.run_started_at, now) if clock.run_started_at else timedelta()
    return timedelta(seconds=clock.consumed_seconds) + max(running, timedelta())


def facts(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> ClockFacts:
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


def _next_check(clock: ReportClock, cal: WorkingCalendar) -> datetime | None:
    if clock.overdue_at is None:
        pending = _thresholds(clock, cal)[clock.reminders_sent :]
        return min([*pending, clock.due_at])
    if clock.kind != ClockKind.HANDLE:
        return None
    if clock.apology_at is None:
        return None if clock.apology_reminded_at else cal.add(clock.overdue_at, _apology_grace())
    if clock.promised_due_at is not None and clock.promise_missed_at is None:
        return clock.promised_due_at
    return None


def _thresholds(clock: ReportClock, cal: WorkingCalendar) -> list[datetime]:
    return reminder_thresholds(
        cal,
        clock.run_started_at,
        timedelta(seconds=clock.budget_seconds),
        timedelta(seconds=clock.consumed_seconds),
        _fractions(),
    )


def _stop_run(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> None:
    if clock.run_started_at is not None:
        clock.consumed_seconds += _seconds(cal.between(clock.run_started_at, now))
        clock.run_started_at = None
    clock.next_check_at = None


def open_clocks(report: Report, *kinds: ClockKind) -> list[ReportClock]:
    return [c for c in report.clocks if c.open and (not kinds or c.kind in kinds)]


# ---- lifecycle, called by the workflow --------------------------------------------------


def start_clocks(report: Report, department: Department, now: datetime) -> None:
    """A unit takes the report (assignment, forwarding, reopening): its clocks start now."""
    end_clocks(report, now)
    if department.kind == DepartmentKind.COORDINATOR:
        return
    cal = working_calendar()
    budgets = durations_for(report.category.id, report.severity, now)
    for kind, budget in ((ClockKind.ACCEPT, budgets.accept), (ClockKind.HANDLE, budgets.handle)):
        clock = ReportClock(
            department=department,
            kind=kind,
            budget_seconds=_seconds(budget),
            original_budget_seconds=_seconds(budget),
            started_at=now,
            run_started_at=None if report.waiting_since else now,
            paused_at=now if report.waiting_since else None,
            consumed_seconds=0,
            reminders_sent=0,
            superseded=False,
            extension_in_time=False,
        )
        report.clocks.append(clock)
        _plan(clock, cal)


def end_clocks(report: Report, now: datetime) -> None:
    """The unit no longer has the report (forwarded, returned, rejected): its clocks stop."""
    cal = working_calendar()
    ended = open_clocks(report)
    for clock in ended:
        _stop_run(clock, now, cal)
        clock.superseded = True
    if ended:
        for request in extensions_of(report):
            if request.status == ExtensionStatus.PENDING and request.clock in ended:
                request.status = ExtensionStatus.CANCELLED


def complete(report: Report, kind: ClockKind, now: datetime) -> None:
    cal = working_calendar()
    for clock in open_clocks(report, kind):
        _stop_run(clock, now, cal)
        clock.completed_at = now


def resolved(report: Report, now: datetime) -> None:
    """Handling is over and the answer is published at once: both clocks stop."""
    complete(report, ClockKind.ACCEPT, now)
    complete(report, ClockKind.HANDLE, now)
    handle = next((c for c in reversed(report.clocks) if c.kind == ClockKind.HANDLE), None)
    if handle is None:
        return
    budget = durations_for(report.category.id, report.severity, now).publish
    cal = working_calendar()
    report.clocks.append(
        ReportClock(
            department_id=handle.department_id,
            kind=ClockKind.PUBLISH,
            budget_seconds=_seconds(budget),
            original_budget_seconds=_seconds(budget),
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
    cal = working_calendar()
    for clock in open_clocks(report):
        _stop_run(clock, now, cal)
        clock.paused_at = now


def resume(report: Report, now: datetime) -> None:
    """The resident answered: the clocks run again with the time they had left."""
    cal = working_calendar()
    for clock in open_clocks(report):
        if clock.run_started_at is None:
            clock.run_started_at = now
            clock.paused_at = None
            _plan(clock, cal)


def replan(from_day: date) -> int:
    """After a calendar change: running clocks whose deadline reaches that day are recomputed."""
    cal = working_calendar()
    start = datetime.combine(from_day, time(), cal.tz)
    clocks = db.session.scalars(
        select(ReportClock).where(
            ReportClock.completed_at.is_(None),
            ReportClock.superseded.is_(False),
            ReportClock.run_started_at.is_not(None),
            ReportClock.overdue_at.is_(None),
            ReportClock.due_at >= start,
        )
    ).all()
    for clock in clocks:
        _plan(clock, cal)
    return len(clocks)


# ---- extensions and apologies -----------------------------------------------------------


#: Extensions and promised dates stay within a year.
MAX_AHEAD = timedelta(days=366)


class NoRunningClock(Conflict):
    code = "no_running_clock"
    message_vi = "Phản ánh không có thời hạn xử lý đang chạy."
    message_en = "The report has no running handling deadline."


def _handle_clock(report: Report) -> ReportClock:
    clock = next(iter(open_clocks(report, ClockKind.HANDLE)), None)
    if clock is None:
        raise NoRunningClock()
    return clock


def end_of_office_day(day: date, cal: WorkingCalendar) -> datetime:
    return datetime.combine(day, cal.hours[-1][1], cal.tz)


def _future_date(value: date, field: str, now: datetime, cal: WorkingCalendar) -> datetime:
    due = end_of_office_day(value, cal)
    if due > now + MAX_AHEAD:
        raise ValidationFailed(
            "Ngày hẹn không được quá một năm.",
            "The date must be within a year.",
            fields={field: ["More than a year ahead."]},
        )
    if due <= now:
        raise ValidationFailed(
            "Ngày hẹn phải ở tương lai.",
            "The date must be in the future.",
            fields={field: ["Must be in the future."]},
        )
    if not cal.is_working_day(value):
        raise ValidationFailed(
            "Ngày hẹn phải là ngày làm việc.",
            "The date must be a working day.",
            fields={field: ["Not a working day."]},
        )
    return due


def request_extension(
    staff: StaffUser, report: Report, now: datetime, reason: str, proposed: date
) -> ExtensionRequest:
    clock = _handle_clock(report)
    cal = working_calendar()
    due = _future_date(proposed, "proposed_date", now, cal)
    if clock.due_at is not None and due <= clock.due_at:
        raise ValidationFailed(
            "Ngày gia hạn phải sau hạn hiện tại.",
            "The proposed date must be after the current deadline.",
            fields={"proposed_date": ["Not after the current deadline."]},
        )
    if any(
        e.status == ExtensionStatus.PENDING and e.clock_id == clock.id
        for e in extensions_of(report)
    ):
        raise Conflict(
            "Đã có một đề nghị gia hạn đang chờ duyệt.",
            "An extension request is already waiting for a decision.",
            code="extension_pending",
        )
    request = ExtensionRequest(
        report_id=report.id,
        clock=clock,
        requested_by=staff,
        reason=nfc(reason),
        proposed_due_at=due,
        created_at=now,
    )
    db.session.add(request)
    report.updated_at = now  # two requests at the same moment conflict on the report's version
    note(
        report,
        "extension_requested",
        now,
        actor=staff,
        internal_note=request.reason,
        data={"proposed_due_at": due.isoformat()},
    )
    return request


def extensions_of(report: Report) -> list[ExtensionRequest]:
    return list(
        db.session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.report_id == report.id)
            .order_by(ExtensionRequest.id)
        )
    )


def decide_extension(
    staff: StaffUser,
    report: Report,
    request_id: int,
    now: datetime,
    *,
    approve: bool,
    note_text: str | None,
) -> ExtensionRequest:
    request = next((e for e in extensions_of(report) if e.id == request_id), None)
    if request is None:
        raise ValidationFailed(
            "Không có đề nghị gia hạn này.",
            "No such extension request.",
            code="unknown_extension",
            fields={"extension": ["Unknown."]},
        )
    if request.status != ExtensionStatus.PENDING:
        raise Conflict(
            "Đề nghị gia hạn đã được quyết định.",
            "This extension request was already decided.",
            code="extension_decided",
        )
    clock = request.clock
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DENIED
    request.decided_by_id = staff.id
    request.decided_at = now
    request.decision_note = nfc(note_text) if note_text else None
    due_label = request.proposed_due_at.astimezone(working_calendar().tz).strftime("%d/%m/%Y")
    if approve and not clock.open:
        raise Conflict(
            "Thời hạn này đã kết thúc.",
            "That deadline is no longer running.",
            code="extension_obsolete",
        )
    if approve:
        cal = working_calendar()
        current_due = clock.due_at or now
        if request.proposed_due_at <= current_due:
            raise Conflict(
                "Ngày đề nghị không còn sau hạn hiện tại.",
                "The proposed date is no longer after the current deadline.",
                code="extension_not_later",
            )
        clock.budget_seconds += _seconds(cal.between(current_due, request.proposed_due_at))
        original = timedelta(seconds=clock.original_budget_seconds)
        request.in_time = clock.overdue_at is None and used(clock, now, cal) <= original
        clock.extension_in_time = clock.extension_in_time or request.in_time
        _plan(clock, cal)
    note(
        report,
        "extension_decided",
        now,
        actor=staff,
        public=approve,
        note=f"Được gia hạn xử lý đến ngày {due_label}." if approve else None,
        internal_note=request.decision_note,
        data={
            "approved": approve,
            "due_at": request.proposed_due_at.isoformat(),
            "in_time": request.in_time,
        },
    )
    return request


class ApologyNotDue(Conflict):
    code = "apology_not_due"
    message_vi = "Phản ánh chưa quá hạn nên chưa cần xin lỗi."
    message_en = "The report is not overdue: no apology is due."


class ApologyAlreadyGiven(Conflict):
    code = "apology_already_given"
    message_vi = "Đơn vị đã xin lỗi và hẹn lại một lần; không được hẹn lại lần nữa."
    message_en = "The unit already apologised with a new date; it can only do so once."


def apologise(
    staff: StaffUser, report: Report, now: datetime, reason: str, promised: date
) -> ReportClock:
    """The unit's public apology for being late, with the reason and a new promised date."""
    clock = _handle_clock(report)
    if clock.overdue_at is None:
        raise ApologyNotDue()
    if clock.apology_at is not None:
        raise ApologyAlreadyGiven()
    cal = working_calendar()
    due = _future_date(promised, "promised_date", now, cal)
    clock.apology_at = now
    clock.promised_due_at = due
    clock.next_check_at = _next_check(clock, cal)
    label = due.astimezone(cal.tz).strftime("%d/%m/%Y")
    note(
        report,
        "apology",
        now,
        actor=staff,
        public=True,
        note=f"Xin lỗi vì chậm trễ. Lý do: {nfc(reason)} Hẹn trả kết quả ngày {label}.",
        data={"reason": nfc(reason), "promised_due_at": due.isoformat()},
    )
    return clock


# ---- the sweep ---------------------------------------------------------------------------


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


def sweep(now: datetime, *, batch: int = 500) -> SweepResult:
    """Act on every clock whose next check has come, in batches; commits each batch.

    Idempotent: each step moves the clock's ``next_check_at`` past what it did, in
    the same transaction as the timeline events, so a second run finds nothing.
    Safe with several sweeps at once: PostgreSQL hands each batch to one sweep
    (``FOR UPDATE SKIP LOCKED``); elsewhere the clock's version column refuses the
    second writer. After downtime, each clock catches up in one pass: past its
    deadline it is marked overdue (earlier reminders are moot and skipped).
    """
    result = SweepResult()
    cal = working_calendar()
    skipped: set[int] = set()
    while True:
        stmt = (
            select(ReportClock)
            .where(ReportClock.next_check_at <= now)
            .order_by(ReportClock.next_check_at, ReportClock.id)
            .limit(batch + len(skipped))
            .options(joinedload(ReportClock.department), joinedload(ReportClock.report))
        )
        if db.engine.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=ReportClock)
        clocks = [c for c in db.session.scalars(stmt).unique() if c.id not in skipped][:batch]
        if not clocks:
            break
        ids = [clock.id for clock in clocks]
        if not _apply(clocks, now, cal, result, skipped):
            # Someone else changed one of them: go again one by one, skipping the loser.
            for clock_id in ids:
                clock = db.session.get(ReportClock, clock_id)
                if clock is None or clock.next_check_at is None or clock.next_check_at > now:
                    continue
                if not _apply([clock], now, cal, result, skipped):
                    skipped.add(clock_id)
                    result.conflicts += 1
    return result


def _apply(
    clocks: list[ReportClock], now: datetime, cal: WorkingCalendar, result, skipped: set[int]
) -> bool:
    """Advance and commit; the counts are kept only if the commit went through."""
    batch = SweepResult()
    try:
        for clock in clocks:
            _advance(clock, now, cal, batch)
        # A clock still due after its steps would be picked again forever.
        stuck = {c.id for c in clocks if c.next_check_at is not None and c.next_check_at <= now}
        commit()
    except StaleDataError:
        rollback()
        return False
    skipped.update(stuck)
    for key, value in batch.as_dict().items():
        setattr(result, key, getattr(result, key) + value)
    return True


def _advance(clock: ReportClock, now: datetime, cal: WorkingCalendar, result: SweepResult):
    report = clock.report
    result.clocks += 1
    for _ in range(5):  # a clock has at most a handful of pending steps
        if clock.next_check_at is None or clock.next_check_at > now:
            return
        _step(report, clock, now, cal, result)
        clock.next_check_at = _next_check(clock, cal)
    log.warning("clock %s still has steps after five", clock.id)


def _step(report, clock, now, cal, result) -> None:
    kind_vi = {"accept": "tiếp nhận", "handle": "xử lý"}.get(clock.kind, clock.kind)
    if clock.overdue_at is None:
        if now >= clock.due_at:
            clock.overdue_at = clock.due_at
            clock.reminders_sent = len(_fractions())
            result.overdue += 1
            note(
                report,
                "overdue",
                now,
                public=clock.kind == ClockKind.HANDLE,
                note=f"Quá hạn {kind_vi}." if clock.kind == ClockKind.HANDLE else None,
                data={
                    "clock": clock.kind,
                    "due_at": clock.due_at.isoformat(),
                    "working_days_late": working_days_late(clock, now, cal),
                },
            )
            _escalate(report, clock, now, reason="overdue")
            return
        crossed = [
            i
            for i, at in enumerate(_thresholds(clock, cal))
            if i >= clock.reminders_sent and at <= now
        ]
        if crossed:
            index = max(crossed)
            clock.reminders_sent = index + 1
            result.reminders += 1
            note(
                report,
                "sla_reminder",
                now,
                internal_note=f"Nhắc hạn {kind_vi}: còn đến {_label(clock.due_at, cal)}.",
                data={
                    "clock": clock.kind,
                    "fraction": _fractions()[index],
                    "department": clock.department.code,
                    "due_at": clock.due_at.isoformat(),
                },
            )
        return
    if clock.apology_at is None:
        clock.apology_reminded_at = now
        result.apology_reminders += 1
        note(
            report,
            "apology_reminder",
            now,
            internal_note="Đơn vị chưa xin lỗi và hẹn lại ngày trả kết quả.",
            data={"clock": clock.kind, "department": clock.department.code},
        )
        return
    clock.promise_missed_at = now
    result.promises_missed += 1
    note(
        report,
        "promise_missed",
        now,
        public=True,
        note=f"Không trả kết quả đúng ngày đã hẹn ({_label(clock.promised_due_at, cal)}).",
        data={"clock": clock.kind, "promised_due_at": clock.promised_due_at.isoformat()},
    )
    _escalate(report, clock, now, reason="promise_missed")


def _label(instant: datetime, cal: WorkingCalendar) -> str:
    return instant.astimezone(cal.tz).strftime("%H:%M %d/%m/%Y")


def _escalate(report: Report, clock: ReportClock, now: datetime, *, reason: str) -> None:
    """To the unit's supervising unit (which may then read the report) and the coordinator."""
    supervisor = clock.department.supervisor
    targets = []
    if supervisor is not None and supervisor.kind != DepartmentKind.COORDINATOR:
        report.escalated_to_id = supervisor.id
        targets.append(supervisor.code)
    coordinator = db.session.scalar(
        select(Department).where(Department.kind == DepartmentKind.COORDINATOR).limit(1)
    )
    if coordinator is not None:
        targets.append(coordinator.code)
    note(
        report,
        "escalated",
        now,
        internal_note="Chuyển cấp trên và đầu mối theo dõi do quá hạn.",
        data={
            "clock": clock.kind,
            "reason": reason,
            "to": targets,
            "department": clock.department.code,
        },
    )


# ---- what the views show ---------------------------------------------------------------


def clock_view(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> dict:
    state = outcome(facts(clock, now, cal))
    view = {
        "status": state.value,
        "department": clock.department.code if clock.department else None,
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "original_due_at": clock.original_due_at,
        "extended": clock.budget_seconds > clock.original_budget_seconds,
        "completed_at": clock.completed_at,
    }
    if state in (Outcome.RUNNING, Outcome.PAUSED):
        left = timedelta(seconds=clock.budget_seconds) - used(clock, now, cal)
        view["working_hours_left"] = round(max(left, timedelta()) / timedelta(hours=1), 2)
    if state in (Outcome.OVERDUE, Outcome.LATE, Outcome.LATE_WITH_EXTENSION):
        view["working_days_late"] = working_days_late(clock, now, cal)
    if clock.promised_due_at:
        view["promised_due_at"] = clock.promised_due_at
    return view


def deadlines(report: Report, now: datetime) -> dict:
    """The report's current clocks, for the staff, public and mobile views."""
    cal = working_calendar()
    latest: dict[str, ReportClock] = {}
    for clock in report.clocks:
        if not clock.superseded:
            latest[clock.kind] = clock
    views = {kind: clock_view(clock, now, cal) for kind, clock in latest.items()}
    handle = views.get(ClockKind.HANDLE)
    end = report.resolved_at or report.closed_at or now
    return {
        "clocks": views,
        "overdue": bool(handle and handle["status"] == Outcome.OVERDUE),
        "waiting_for_resident": report.waiting_since is not None,
        "age_working_days": round(cal.in_days(cal.between(report.created_at, end)), 2),
    }


def public_flag(report: Report, now: datetime) -> dict | None:
    """ "Quá hạn", with working days late, for the public board."""
    handle = next(
        (c for c in reversed(report.clocks) if c.kind == ClockKind.HANDLE and not c.superseded),
        None,
    )
    if handle is None:
        return None
    view = clock_view(handle, now, working_calendar())
    if view["status"] == Outcome.OVERDUE:
        return {
            "label": {"vi": "Quá hạn", "en": "Overdue"},
            "working_days_late": view["working_days_late"],
        }
    return None
