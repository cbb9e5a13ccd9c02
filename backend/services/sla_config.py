"""Administrators' SLA settings: budgets per severity/category, and the calendar's exceptions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from backend.db import db
from backend.domain.sla import WORKING_DAY, Durations
from backend.domain.text import N_, nfc
from backend.errors import ValidationFailed
from backend.models import CalendarException, Category, SlaPolicy, StaffUser
from backend.models.category import Severity
from backend.services import queries
from backend.services.sla import durations_for, forget_calendar, replan, working_calendar

HOUR = timedelta(hours=1)


class AcceptAfterHandle(ValidationFailed):
    """Acknowledging is part of handling: its deadline cannot fall after handling's."""

    code = "accept_after_handle"
    message = N_("The time to accept cannot be longer than the time to handle.")


def _view(durations: Durations, severity: str, category: str | None, policy: SlaPolicy | None):
    return {
        "severity": severity,
        "category": category,
        "accept_hours": durations.accept / HOUR,
        "handle_hours": durations.handle / HOUR,
        "handle_days": durations.handle / WORKING_DAY,
        "publish_days": durations.publish / WORKING_DAY,
        "effective_from": policy.effective_from if policy else None,
        "source": "policy" if policy else "default",
    }


def current_policies(now: datetime) -> list[dict]:
    """What a report assigned now would get: per severity, and per category with its own."""
    views = []
    for severity in Severity:
        general = _latest(None, severity, now)
        views.append(_view(durations_for(None, severity, now), severity, None, general))
    categories = db.session.scalars(
        select(Category).join(SlaPolicy, SlaPolicy.category_id == Category.id).distinct()
    ).all()
    for category in categories:
        for severity in Severity:
            specific = _latest(category.id, severity, now)
            if specific is not None:
                views.append(
                    _view(
                        durations_for(category.id, severity, now), severity, category.code, specific
                    )
                )
    return views


def _latest(category_id: int | None, severity: str, now: datetime) -> SlaPolicy | None:
    column = SlaPolicy.category_id
    return db.session.scalar(
        select(SlaPolicy)
        .where(
            SlaPolicy.severity == severity,
            column.is_(None) if category_id is None else column == category_id,
            SlaPolicy.effective_from <= now,
        )
        .order_by(SlaPolicy.effective_from.desc(), SlaPolicy.id.desc())
        .limit(1)
    )


def set_policy(staff: StaffUser, data: dict, now: datetime) -> dict:
    """A new policy, in force from ``now``: reports assigned before keep their deadlines."""
    category = None
    if data.get("category"):
        category = queries.category_by_code(data["category"], active_only=False)
    handle = (
        data["handle_hours"] * HOUR if "handle_hours" in data else data["handle_days"] * WORKING_DAY
    )
    accept = data["accept_hours"] * HOUR
    if accept > handle:
        raise AcceptAfterHandle(
            fields={"accept_hours": [f"More than the handling budget ({handle / HOUR:g} hours)."]}
        )
    policy = SlaPolicy(
        category=category,
        severity=data["severity"],
        accept_seconds=int(accept.total_seconds()),
        handle_seconds=int(handle.total_seconds()),
        publish_seconds=int((data["publish_days"] * WORKING_DAY).total_seconds()),
        effective_from=now,
        created_by_id=staff.id,
    )
    db.session.add(policy)
    db.session.flush()
    durations = durations_for(category.id if category else None, data["severity"], now)
    return _view(durations, data["severity"], category.code if category else None, policy)


def calendar_year(year: int) -> dict:
    """The year's holidays (library and exceptions) and the administrator's exceptions."""
    cal = working_calendar()
    day, end = date(year, 1, 1), date(year, 12, 31)
    holidays, make_up = [], []
    while day <= end:
        name = cal.holiday_name(day)
        if name and not cal.is_working_day(day):
            holidays.append({"date": day, "name": name})
        if day.weekday() >= 5 and cal.is_working_day(day):
            make_up.append(day)
        day += timedelta(days=1)
    exceptions = db.session.scalars(
        select(CalendarException)
        .where(CalendarException.day >= date(year, 1, 1), CalendarException.day <= end)
        .order_by(CalendarException.day)
    ).all()
    return {
        "year": year,
        "office_hours": [f"{s:%H:%M}-{e:%H:%M}" for s, e in cal.hours],
        "holidays": holidays,
        "weekend_working_days": make_up,
        "exceptions": [{"date": e.day, "kind": e.kind, "note": e.note} for e in exceptions],
    }


def set_exception(day: date, kind: str, note: str | None, now: datetime) -> CalendarException:
    """Add or change an exception; deadlines computed from now on follow it."""
    exception = db.session.get(CalendarException, day) or CalendarException(day=day)
    exception.kind = kind
    exception.note = nfc(note) if note else None
    exception.updated_at = now
    db.session.add(exception)
    db.session.flush()
    forget_calendar()
    replan(day)
    return exception


def delete_exception(day: date) -> None:
    exception = db.session.get(CalendarException, day)
    if exception is None:
        raise ValidationFailed(
            N_("No exception on this date."),
            code="unknown_exception",
            fields={"date": ["No exception."]},
        )
    db.session.delete(exception)
    db.session.flush()
    forget_calendar()
    replan(day)
