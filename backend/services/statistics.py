"""Statistics computed the same way for everyone, from the recorded clocks and timeline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from backend.db import db
from backend.domain.sla import ClockKind, Outcome, on_time_rate, outcome
from backend.models import Department, ReportClock
from backend.services.sla import facts, working_calendar


def timeliness(department: Department, start: date, end: date, now: datetime) -> dict:
    """Handling clocks started at the unit in [start, end] (local dates), and how they ended.

    On-time rate (DOMAIN.md): handled early or on time / all feedback in the unit's
    remit. A report the unit forwarded or returned in time is not in its remit; one it
    handed over after its deadline counts as handled late ("resolved_late").
    """
    cal = working_calendar()
    begin = datetime.combine(start, time(), cal.tz)
    finish = datetime.combine(end + timedelta(days=1), time(), cal.tz)
    clocks = db.session.scalars(
        select(ReportClock).where(
            ReportClock.department_id == department.id,
            ReportClock.kind == ClockKind.HANDLE,
            ReportClock.started_at >= begin,
            ReportClock.started_at < finish,
        )
    ).all()
    counts = dict.fromkeys(Outcome, 0)
    for clock in clocks:
        counts[outcome(facts(clock, now, cal))] += 1
    received = len(clocks) - counts[Outcome.HANDED_OVER]
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
