"""Statistics computed the same way for everyone, from the recorded clocks and timeline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from backend.db import db
from backend.domain.sla import ClockKind, Outcome, on_time_rate, outcome
from backend.models import Department, ReportClock
from backend.services.sla import working_calendar


def timeliness(department: Department, start: date, end: date, now: datetime) -> dict:
    """Handling clocks started at the unit in [start, end] (local dates), and how they ended.

    On-time rate (DOMAIN.md): handled early or on time / all feedback in the unit's
    remit. A report forwarded away is not in the first unit's remit.
    """
    cal = working_calendar()
    begin = datetime.combine(start, time(), cal.tz)
    finish = datetime.combine(end + timedelta(days=1), time(), cal.tz)
    clocks = db.session.scalars(
        select(ReportClock).where(
            ReportClock.department_id == department.id,
            ReportClock.kind == ClockKind.HANDLE,
            ReportClock.superseded.is_(False),
            ReportClock.started_at >= begin,
            ReportClock.started_at < finish,
        )
    ).all()
    counts = dict.fromkeys(Outcome, 0)
    for clock in clocks:
        state = outcome(
            completed_at=clock.completed_at,
            due_at=clock.due_at,
            original_due_at=clock.original_due_at,
            extension_in_time=clock.extension_in_time,
            paused=clock.run_started_at is None and clock.completed_at is None,
            now=now,
            marked_overdue=clock.overdue_at is not None,
        )
        counts[state] += 1
    received = len(clocks)
    rate = on_time_rate(counts[Outcome.ON_TIME], received)
    return {
        "department": {"code": department.code, "name": department.name},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "received": received,
        "resolved": counts[Outcome.ON_TIME]
        + counts[Outcome.LATE_WITH_EXTENSION]
        + counts[Outcome.LATE],
        "resolved_on_time": counts[Outcome.ON_TIME],
        "resolved_late_with_extension": counts[Outcome.LATE_WITH_EXTENSION],
        "resolved_late": counts[Outcome.LATE],
        "overdue_now": counts[Outcome.OVERDUE],
        "open_in_time": counts[Outcome.RUNNING],
        "waiting_for_resident": counts[Outcome.PAUSED],
        "on_time_rate": None if rate is None else round(rate, 4),
    }
