"""What the staff, mobile and public views read: each clock's one current due date and
state, with its history under it."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.domain.calendar import WorkingCalendar
from backend.domain.sla import (
    ClockKind,
    Commitments,
    Current,
    Milestone,
    Outcome,
    current,
    outcome,
)
from backend.domain.text import N_
from backend.domain.vocabulary import EventKind
from backend.i18n import both
from backend.models import Report, ReportClock
from backend.services.sla.clocks import facts, used, working_days_late
from backend.services.sla.config import calendar_of


def current_of(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> Current:
    """The clock's current due date (promise, else extension, else original) and state."""
    return current(
        facts(clock, now, cal),
        Commitments(
            due_at=clock.due_at,
            overdue_at=clock.overdue_at,
            promised_due_at=clock.promised_due_at,
            promise_missed=clock.promise_missed_at is not None,
            ended_at=clock.completed_at,
        ),
        now,
        cal,
    )


def deadline_passed(clock: ReportClock, now: datetime) -> bool:
    """The clock's current due date has passed (overdue or late), whether or not the
    sweep has recorded it yet: past it, an extension is too late and the apology is due."""
    state = current_of(clock, now, calendar_of(clock.report)).state
    return state in (Outcome.OVERDUE, Outcome.LATE)


def history(clock: ReportClock) -> list[dict]:
    """How the due date came to be: the original, each extension approved (when, to
    what date, in time or not), the overdue finding, the apology and its promise."""
    entries = [
        {"event": Milestone.ORIGINAL.value, "at": clock.started_at, "due_at": clock.original_due_at}
    ]
    extensions = _approved_extensions(clock)
    if not extensions and clock.budget_seconds > clock.original_budget_seconds:
        # Approved in this session, its timeline entry not loaded yet.
        extensions = [{"at": None, "due_at": clock.due_at, "in_time": clock.extension_in_time}]
    entries += [{"event": Milestone.EXTENSION.value, **e} for e in extensions]
    if clock.overdue_at is not None:
        entries.append({"event": Milestone.OVERDUE.value, "at": clock.overdue_at, "due_at": None})
    if clock.apology_at is not None:
        entries.append(
            {
                "event": Milestone.APOLOGY.value,
                "at": clock.apology_at,
                "due_at": clock.promised_due_at,
            }
        )
    if clock.promise_missed_at is not None:
        entries.append(
            {
                "event": Milestone.PROMISE_MISSED.value,
                "at": clock.promise_missed_at,
                "due_at": clock.promised_due_at,
            }
        )
    far = datetime.max.replace(tzinfo=clock.started_at.tzinfo)
    return sorted(entries, key=lambda e: e["at"] or far)


def _approved_extensions(clock: ReportClock) -> list[dict]:
    """From the timeline (already loaded for the views): extension decisions are the
    handle clock's, made while this clock was the unit's."""
    if clock.kind != ClockKind.HANDLE or clock.report is None:
        return []
    end = clock.completed_at
    found = []
    for event in clock.report.events:
        if event.type != EventKind.EXTENSION_DECIDED or not (event.data or {}).get("approved"):
            continue
        if event.at < clock.started_at or (end is not None and event.at > end):
            continue
        found.append(
            {
                "at": event.at,
                "due_at": datetime.fromisoformat(event.data["due_at"]),
                "in_time": bool(event.data.get("in_time")),
            }
        )
    return found


def clock_view(clock: ReportClock, now: datetime, cal: WorkingCalendar) -> dict:
    """One clock: ``current`` (what to show) and ``history``; the other keys are the
    scoreboard's reading (``status``, days late against the original budget) and the
    raw dates, kept for API clients."""
    state = outcome(facts(clock, now, cal))
    view = {
        "status": state.value,
        "department": clock.department.code if clock.department else None,
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "original_due_at": clock.original_due_at,
        "extended": clock.budget_seconds > clock.original_budget_seconds,
        "completed_at": clock.completed_at,
        "current": current_of(clock, now, cal).as_dict(),
        "history": history(clock),
    }
    if state in (Outcome.RUNNING, Outcome.PAUSED):
        left = timedelta(seconds=clock.budget_seconds) - used(clock, now, cal)
        view["working_hours_left"] = round(max(left, timedelta()) / timedelta(hours=1), 2)
    if state in (Outcome.OVERDUE, Outcome.LATE, Outcome.LATE_WITH_EXTENSION):
        view["working_days_late"] = working_days_late(clock, now, cal)
    if clock.promised_due_at:
        view["promised_due_at"] = clock.promised_due_at
    return view


def _latest(report: Report) -> dict[str, ReportClock]:
    latest: dict[str, ReportClock] = {}
    for clock in report.clocks:
        if not clock.superseded:
            latest[clock.kind] = clock
    return latest


def deadlines(report: Report, now: datetime) -> dict:
    """The report's current clocks, for the staff, public and mobile views.

    ``overdue`` follows the handling clock's current due date: a unit that apologised
    with a promised date still ahead is late, not overdue, until that date passes.
    """
    cal = calendar_of(report)
    views = {kind: clock_view(clock, now, cal) for kind, clock in _latest(report).items()}
    handle = views.get(ClockKind.HANDLE)
    end = report.resolved_at or report.closed_at or now
    return {
        "clocks": views,
        "overdue": bool(handle and handle["current"]["state"] == Outcome.OVERDUE),
        "waiting_for_resident": report.waiting_since is not None,
        "age_working_days": round(cal.in_days(cal.between(report.created_at, end)), 2),
    }


def public_flag(report: Report, now: datetime) -> dict | None:
    """For the board: "Quá hạn" with working days late against the current due date, or
    "Trễ hạn" with the date the unit promised in its apology; None while on schedule."""
    handle = next(
        (c for c in reversed(report.clocks) if c.kind == ClockKind.HANDLE and not c.superseded),
        None,
    )
    if handle is None:
        return None
    state = current_of(handle, now, calendar_of(report))
    if state.state == Outcome.OVERDUE:
        return {
            "state": Outcome.OVERDUE.value,
            "label": both(N_("Overdue")),
            "working_days_late": state.working_days_late,
            "promised_due_at": None,
        }
    if state.state == Outcome.LATE and handle.open and handle.promised_due_at is not None:
        # Late, and the unit apologised with a date still ahead: the board says so.
        return {
            "state": Outcome.LATE.value,
            "label": both(N_("Late")),
            "working_days_late": None,
            "promised_due_at": handle.promised_due_at,
        }
    return None
