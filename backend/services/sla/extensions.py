"""Extensions (gia hạn) and apologies: the two ways a unit gets a new date.

An extension is asked before the deadline it would move, and the coordinator
decides. Once the report is late the unit no longer asks: it apologises publicly,
with the reason and a new promised date (DOMAIN.md, "Time rules").

A request asked in time may still be decided after the deadline (the coordinator
was slow): approved, its date becomes the current due date, but the case counts as
late, not "late with approved extension" (only an approval before the original
deadline excuses the delay). If the sweep had already found the report overdue,
that stays in the history and the unit still owes the apology; an apology cancels
any request still waiting, since its promised date is the unit's own new date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from backend.db import db
from backend.domain import system_notes
from backend.domain.calendar import WorkingCalendar
from backend.domain.sla import ClockKind
from backend.domain.text import N_, nfc
from backend.domain.vocabulary import EventKind
from backend.errors import Conflict, ValidationFailed
from backend.models import ExtensionRequest, Report, ReportClock, StaffUser
from backend.models.sla import ExtensionStatus
from backend.services.sla.clocks import (
    cancel_pending,
    extensions_of,
    next_check,
    open_clocks,
    plan,
    seconds,
    used,
)
from backend.services.sla.config import calendar_of
from backend.services.sla.views import deadline_passed
from backend.services.timeline import note

#: Extensions and promised dates stay within a year.
MAX_AHEAD = timedelta(days=366)


class NoRunningClock(Conflict):
    code = "no_running_clock"
    message = N_("The report has no running handling deadline.")


class ExtensionTooLate(Conflict):
    code = "extension_too_late"
    message = N_(
        "The deadline has passed, so an extension can no longer be asked: apologise with a new "
        "promised date instead."
    )


class ExtensionPending(Conflict):
    code = "extension_pending"
    message = N_("An extension request is already waiting for a decision.")


class ApologyNotDue(Conflict):
    code = "apology_not_due"
    message = N_("The report is not overdue: no apology is due.")


class ApologyAlreadyGiven(Conflict):
    code = "apology_already_given"
    message = N_("The unit already apologised with a new date; it can only do so once.")


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
            N_("The date must be within a year."), fields={field: ["More than a year ahead."]}
        )
    if due <= now:
        raise ValidationFailed(
            N_("The date must be in the future."), fields={field: ["Must be in the future."]}
        )
    if not cal.is_working_day(value):
        raise ValidationFailed(
            N_("The date must be a working day."), fields={field: ["Not a working day."]}
        )
    return due


def request_extension(
    staff: StaffUser, report: Report, now: datetime, reason: str, proposed: date
) -> ExtensionRequest:
    """The unit asks for more time, before its current deadline has passed."""
    clock = _handle_clock(report)
    cal = calendar_of(report)
    if deadline_passed(clock, now):
        raise ExtensionTooLate()
    due = _future_date(proposed, "proposed_date", now, cal)
    if clock.due_at is not None and due <= clock.due_at:
        raise ValidationFailed(
            N_("The proposed date must be after the current deadline."),
            fields={"proposed_date": ["Not after the current deadline."]},
        )
    if any(
        e.status == ExtensionStatus.PENDING and e.clock_id == clock.id
        for e in extensions_of(report)
    ):
        raise ExtensionPending()
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
        EventKind.EXTENSION_REQUESTED,
        now,
        actor=staff,
        internal_note=request.reason,
        data={"proposed_due_at": due.isoformat()},
    )
    return request


def decide_extension(
    staff: StaffUser,
    report: Report,
    request_id: int,
    now: datetime,
    *,
    approve: bool,
    note_text: str | None,
) -> ExtensionRequest:
    """The coordinator's answer; approved after the original deadline, it does not
    excuse the delay (see the module's docstring)."""
    request = next((e for e in extensions_of(report) if e.id == request_id), None)
    if request is None:
        raise ValidationFailed(
            N_("No such extension request."),
            code="unknown_extension",
            fields={"extension": ["Unknown."]},
        )
    if request.status != ExtensionStatus.PENDING:
        raise Conflict(N_("This extension request was already decided."), code="extension_decided")
    clock = request.clock
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DENIED
    request.decided_by_id = staff.id
    request.decided_at = now
    request.decision_note = nfc(note_text) if note_text else None
    if approve and not clock.open:
        raise Conflict(N_("That deadline is no longer running."), code="extension_obsolete")
    cal = calendar_of(report)
    if approve:
        current_due = clock.due_at or now
        if request.proposed_due_at <= current_due:
            raise Conflict(
                N_("The proposed date is no longer after the current deadline."),
                code="extension_not_later",
            )
        clock.budget_seconds += seconds(cal.between(current_due, request.proposed_due_at))
        original = timedelta(seconds=clock.original_budget_seconds)
        request.in_time = clock.overdue_at is None and used(clock, now, cal) <= original
        clock.extension_in_time = clock.extension_in_time or request.in_time
        plan(clock, cal)
    data = {
        "approved": approve,
        "due_at": request.proposed_due_at.isoformat(),
        "in_time": request.in_time,
    }
    note(
        report,
        EventKind.EXTENSION_DECIDED,
        now,
        actor=staff,
        public=approve,
        note=system_notes.render(EventKind.EXTENSION_DECIDED, data, "vi", cal.tz),
        internal_note=request.decision_note,
        data=data,
    )
    return request


def apologise(
    staff: StaffUser, report: Report, now: datetime, reason: str, promised: date
) -> ReportClock:
    """The unit's public apology for being late, with the reason and a new promised date."""
    clock = _handle_clock(report)
    if clock.overdue_at is None and not deadline_passed(clock, now):
        raise ApologyNotDue()  # past the deadline it is due, before the sweep notices too
    if clock.apology_at is not None:
        raise ApologyAlreadyGiven()
    cal = calendar_of(report)
    due = _future_date(promised, "promised_date", now, cal)
    clock.apology_at = now
    clock.promised_due_at = due
    clock.next_check_at = next_check(clock, cal)
    cancel_pending(report, [clock])
    data = {"reason": nfc(reason), "promised_due_at": due.isoformat()}
    note(
        report,
        EventKind.APOLOGY,
        now,
        actor=staff,
        public=True,
        note=system_notes.render(EventKind.APOLOGY, data, "vi", cal.tz),
        data=data,
    )
    return clock
