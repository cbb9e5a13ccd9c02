"""The working calendar (with the administrator's exceptions) and the policy in force."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import case, func, select

from backend.db import db
from backend.domain.calendar import Exceptions, WorkingCalendar
from backend.domain.sla import DEFAULT_DURATIONS, Durations
from backend.models import CalendarException, SlaPolicy
from backend.models.category import Severity
from backend.models.sla import ExceptionKind

_lock = threading.Lock()
_calendars: dict[tuple, WorkingCalendar] = {}
_SESSION_KEY = "phananh_calendar"


def working_calendar() -> WorkingCalendar:
    """The calendar with the administrator's exceptions; rebuilt when they change.

    Checked once per session (request or job), not once per report shown.
    """
    cached = db.session.info.get(_SESSION_KEY)
    if cached is not None:
        return cached
    calendar = _current_calendar()
    db.session.info[_SESSION_KEY] = calendar
    return calendar


def forget_calendar() -> None:
    """The exceptions changed in this session: the next read builds the calendar again."""
    db.session.info.pop(_SESSION_KEY, None)


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
    The accept budget is capped at the handle budget (:meth:`Durations.capped`), also
    for a policy stored before that rule.
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
        return DEFAULT_DURATIONS.get(severity, DEFAULT_DURATIONS[Severity.NORMAL]).capped()
    return Durations(
        accept=timedelta(seconds=policy.accept_seconds),
        handle=timedelta(seconds=policy.handle_seconds),
        publish=timedelta(seconds=policy.publish_seconds),
    ).capped()


def reminder_fractions() -> tuple[float, ...]:
    """The shares of a budget after which the unit is reminded (``SLA_REMINDERS``)."""
    return current_app.config["SLA_REMINDERS"]


def apology_grace() -> timedelta:
    """How long after the deadline the coordinator hears that no apology came."""
    return timedelta(hours=current_app.config["APOLOGY_GRACE_HOURS"])
