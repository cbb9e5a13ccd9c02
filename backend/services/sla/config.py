"""The working calendar (with the administrator's exceptions) and the policy in force."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import case, func, select

from backend import cache
from backend.db import db
from backend.domain.calendar import Exceptions, WorkingCalendar
from backend.domain.sla import DEFAULT_DURATIONS, Durations
from backend.models import CalendarException, SlaPolicy
from backend.models.category import Severity
from backend.models.sla import ExceptionKind

_lock = threading.Lock()
#: (database, zone, hours, province id) -> (generation, calendar): one calendar per
#: province, kept while its generation (read from the database) stays the same.
_calendars: dict[tuple, tuple[tuple, WorkingCalendar]] = {}
_SESSION_KEY = "phananh_calendars"
_GENERATIONS_KEY = "phananh_calendar_generations"


def working_calendar(province_id: int | None = None) -> WorkingCalendar:
    """The calendar of a province: the national one (library holidays and the national
    exceptions) with the province's own exceptions on top; ``None``: the national one.

    Checked once per session (request or job), not once per report shown. The process
    keeps the calendars it built keyed by the exceptions' generation in the database
    (their count and latest change, per province), so a change made by another process
    is seen by the next request or job here.
    """
    cached = db.session.info.setdefault(_SESSION_KEY, {})
    calendar = cached.get(province_id)
    if calendar is None:
        calendar = cached[province_id] = _current_calendar(province_id)
    return calendar


def calendar_of(report) -> WorkingCalendar:
    """The calendar a report's clocks run on: its province's."""
    return working_calendar(getattr(report, "province_id", None))


def forget_calendar() -> None:
    """The exceptions changed in this session: the next read builds the calendars again."""
    db.session.info.pop(_SESSION_KEY, None)
    db.session.info.pop(_GENERATIONS_KEY, None)


def _generations() -> dict[int | None, tuple]:
    """Per province (None: national), the count and latest change of its exceptions."""
    found = db.session.info.get(_GENERATIONS_KEY)
    if found is None:
        rows = db.session.execute(
            select(
                CalendarException.province_id,
                func.count(CalendarException.id),
                func.max(CalendarException.updated_at),
            ).group_by(CalendarException.province_id)
        ).all()
        found = {province: (count, str(changed)) for province, count, changed in rows}
        db.session.info[_GENERATIONS_KEY] = found
    return found


def _current_calendar(province_id: int | None) -> WorkingCalendar:
    generations = _generations()
    generation = (
        generations.get(None, (0, None)),
        generations.get(province_id, (0, None)) if province_id is not None else None,
        # Replaced after any commit that changes an exception (backend.cache, in Redis when
        # configured): an exception whose updated_at is not the latest (an app server whose
        # clock is behind, a transaction committed after a later one) still changes it.
        tuple(cache.generations([cache.PLACES]) or ()),
    )
    key = (
        db.engine.url.render_as_string(hide_password=True),
        current_app.config["TIMEZONE"],
        current_app.config["OFFICE_HOURS"],
        province_id,
    )
    known = _calendars.get(key)
    if known is not None and known[0] == generation:
        return known[1]
    with _lock:
        calendar = _build(province_id)
        _calendars[key] = (generation, calendar)
    return calendar


def _build(province_id: int | None) -> WorkingCalendar:
    """National exceptions first; a province's exception on the same day replaces it."""
    scope = CalendarException.province_id.is_(None)
    if province_id is not None:
        scope = scope | (CalendarException.province_id == province_id)
    rows = db.session.scalars(
        select(CalendarException)
        .where(scope)
        .order_by(case((CalendarException.province_id.is_(None), 0), else_=1))
    ).all()
    kind_of: dict[date, str] = {}
    for row in rows:
        kind_of[row.day] = row.kind
    by_kind: dict[str, set[date]] = {kind: set() for kind in ExceptionKind}
    for day, kind in kind_of.items():
        by_kind[kind].add(day)
    return WorkingCalendar(
        current_app.config["TIMEZONE"],
        current_app.config["OFFICE_HOURS"],
        Exceptions(
            days_off=frozenset(by_kind[ExceptionKind.DAY_OFF]),
            working_days=frozenset(by_kind[ExceptionKind.WORKING_DAY]),
            ignored_holidays=frozenset(by_kind[ExceptionKind.IGNORE_HOLIDAY]),
        ),
    )


def durations_for(
    category_id: int | None, severity: str, now: datetime, province_id: int | None = None
) -> Durations:
    """The policy in force at ``now``, the most specific first: the province's for the
    category, the province's for the severity, then the national ones (category, then
    severity). ``province_id`` None: the national policies only.

    ``category_id`` None: the severity's own policy (what a category without one gets).
    The accept budget is capped at the handle budget (:meth:`Durations.capped`), also
    for a policy stored before that rule.
    """
    policy = policy_in_force(category_id, severity, now, province_id)
    if policy is None:
        return DEFAULT_DURATIONS.get(severity, DEFAULT_DURATIONS[Severity.NORMAL]).capped()
    return Durations(
        accept=timedelta(seconds=policy.accept_seconds),
        handle=timedelta(seconds=policy.handle_seconds),
        publish=timedelta(seconds=policy.publish_seconds),
    ).capped()


def policy_in_force(
    category_id: int | None, severity: str, now: datetime, province_id: int | None = None
) -> SlaPolicy | None:
    """The one policy :func:`durations_for` applies (None: the built-in defaults)."""
    national = SlaPolicy.province_id.is_(None)
    where = national if province_id is None else national | (SlaPolicy.province_id == province_id)
    return db.session.scalar(
        select(SlaPolicy)
        .where(
            SlaPolicy.severity == severity,
            (SlaPolicy.category_id == category_id) | SlaPolicy.category_id.is_(None),
            where,
            SlaPolicy.effective_from <= now,
        )
        .order_by(
            case((national, 1), else_=0),
            case((SlaPolicy.category_id.is_(None), 1), else_=0),
            SlaPolicy.effective_from.desc(),
            SlaPolicy.id.desc(),
        )
        .limit(1)
    )


def reminder_fractions() -> tuple[float, ...]:
    """The shares of a budget after which the unit is reminded (``SLA_REMINDERS``)."""
    return current_app.config["SLA_REMINDERS"]


def apology_grace() -> timedelta:
    """How long after the deadline the coordinator hears that no apology came."""
    return timedelta(hours=current_app.config["APOLOGY_GRACE_HOURS"])
