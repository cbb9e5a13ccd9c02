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
from backend.models.sla import ExceptionScope, PolicySource
from backend.services import catalogue, queries
from backend.services.sla import (
    durations_for,
    forget_calendar,
    policy_in_force,
    replan,
    working_calendar,
)

HOUR = timedelta(hours=1)


class AcceptAfterHandle(ValidationFailed):
    """Acknowledging is part of handling: its deadline cannot fall after handling's."""

    code = "accept_after_handle"
    message = N_("The time to accept cannot be longer than the time to handle.")


def _view(durations: Durations, severity: str, category: str | None, policy: SlaPolicy | None):
    """What a report gets; ``source``: the built-in default, a national policy, or the
    province's own (``province_policy``)."""
    source = PolicySource.DEFAULT
    if policy is not None:
        national = policy.province_id is None
        source = PolicySource.POLICY if national else PolicySource.PROVINCE_POLICY
    return {
        "severity": severity,
        "category": category,
        "accept_hours": durations.accept / HOUR,
        "handle_hours": durations.handle / HOUR,
        "handle_days": durations.handle / WORKING_DAY,
        "publish_days": durations.publish / WORKING_DAY,
        "effective_from": policy.effective_from if policy else None,
        "source": source,
    }


def current_policies(now: datetime, *, province_id: int | None = None) -> list[dict]:
    """What a report assigned now would get (in the province, when given: its own policies
    over the national ones): per severity, and per category with its own."""
    views = []
    for severity in Severity:
        general = policy_in_force(None, severity, now, province_id)
        durations = durations_for(None, severity, now, province_id)
        views.append(_view(durations, severity, None, general))
    in_scope = SlaPolicy.province_id.is_(None)
    if province_id is not None:
        in_scope = in_scope | (SlaPolicy.province_id == province_id)
    categories = db.session.scalars(
        select(Category)
        .join(SlaPolicy, SlaPolicy.category_id == Category.id)
        .where(in_scope)
        .distinct()
    ).all()
    for category in categories:
        for severity in Severity:
            specific = policy_in_force(category.id, severity, now, province_id)
            if specific is not None and specific.category_id == category.id:
                durations = durations_for(category.id, severity, now, province_id)
                views.append(_view(durations, severity, category.code, specific))
    return views


def set_policy(
    staff: StaffUser, data: dict, now: datetime, *, province_id: int | None = None
) -> dict:
    """A new policy, in force from ``now``: reports assigned before keep their deadlines.
    ``province_id``: the province's own policy (it overrides the national one there);
    None: a national policy. A province's policy may name the national categories and
    its own local ones only."""
    category = None
    if data.get("category"):
        category = catalogue.check_offered(
            queries.category_by_code(data["category"], active_only=False), province_id
        )
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
        province_id=province_id,
    )
    db.session.add(policy)
    db.session.flush()
    durations = durations_for(category.id if category else None, data["severity"], now, province_id)
    return _view(durations, data["severity"], category.code if category else None, policy)


def _exceptions_of(province_id: int | None):
    """The exceptions an administrator of the province (None: national) keeps."""
    column = CalendarException.province_id
    return column.is_(None) if province_id is None else column == province_id


def calendar_year(year: int, *, province_id: int | None = None) -> dict:
    """The year's holidays (library and exceptions) and the administrator's exceptions: of
    the province when given (the national calendar with the province's exceptions on top;
    ``exceptions`` lists both, each with its ``scope``), else the national ones."""
    cal = working_calendar(province_id)
    day, end = date(year, 1, 1), date(year, 12, 31)
    holidays, make_up = [], []
    while day <= end:
        name = cal.holiday_name(day)
        if name and not cal.is_working_day(day):
            holidays.append({"date": day, "name": name})
        if day.weekday() >= 5 and cal.is_working_day(day):
            make_up.append(day)
        day += timedelta(days=1)
    in_scope = _exceptions_of(None)
    if province_id is not None:
        in_scope = in_scope | _exceptions_of(province_id)
    exceptions = db.session.scalars(
        select(CalendarException)
        .where(in_scope, CalendarException.day >= date(year, 1, 1), CalendarException.day <= end)
        .order_by(CalendarException.day, CalendarException.province_id.is_not(None))
    ).all()
    return {
        "year": year,
        "office_hours": [f"{s:%H:%M}-{e:%H:%M}" for s, e in cal.hours],
        "holidays": holidays,
        "weekend_working_days": make_up,
        "exceptions": [
            {
                "date": e.day,
                "kind": e.kind,
                "note": e.note,
                "scope": ExceptionScope.NATIONAL
                if e.province_id is None
                else ExceptionScope.PROVINCE,
            }
            for e in exceptions
        ],
    }


def _exception(day: date, province_id: int | None) -> CalendarException | None:
    return db.session.scalar(
        select(CalendarException).where(CalendarException.day == day, _exceptions_of(province_id))
    )


def set_exception(
    day: date, kind: str, note: str | None, now: datetime, *, province_id: int | None = None
) -> CalendarException:
    """Add or change an exception, national or (``province_id``) the province's own on top
    of the national calendar; deadlines computed from now on follow it (running clocks
    are replanned: a province's, only that province's reports)."""
    exception = _exception(day, province_id) or CalendarException(day=day, province_id=province_id)
    exception.kind = kind
    exception.note = nfc(note) if note else None
    exception.updated_at = now
    db.session.add(exception)
    db.session.flush()
    forget_calendar()
    replan(day, province_id)
    return exception


def delete_exception(day: date, *, province_id: int | None = None) -> None:
    exception = _exception(day, province_id)
    if exception is None:
        raise ValidationFailed(
            N_("No exception on this date."),
            code="unknown_exception",
            fields={"date": ["No exception."]},
        )
    db.session.delete(exception)
    db.session.flush()
    forget_calendar()
    replan(day, province_id)
