"""Administration and oversight under ``/staff/v1``: SLA policies, the calendar, timeliness."""

from __future__ import annotations

from datetime import date

from flask import jsonify

from backend.api.blueprint import Blueprint
from backend.auth import current_staff, staff_required
from backend.db import commit, utcnow
from backend.domain.roles import Role
from backend.domain.text import N_
from backend.errors import ValidationFailed
from backend.localtime import local_date
from backend.schemas.common import ErrorEnvelopeSchema
from backend.schemas.sla import (
    CalendarArgsSchema,
    CalendarExceptionInputSchema,
    CalendarExceptionSchema,
    CalendarYearSchema,
    PolicyInputSchema,
    PolicySchema,
    ProvinceArgsSchema,
)
from backend.schemas.stats import TimelinessArgsSchema, UnitTimelinessSchema
from backend.services import policy, sla_config, statistics
from backend.services.statistics import Period

blp = Blueprint(
    "staff_admin",
    __name__,
    url_prefix="/staff/v1",
    description="Administrators: SLA policies and the working calendar; timeliness figures.",
)
SECURITY = [{"staffToken": []}]


@blp.get("/admin/sla-policies")
@staff_required()
@blp.arguments(ProvinceArgsSchema, location="query")
@blp.response(200, PolicySchema(many=True))
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def policies(query):
    """The budgets a report assigned now would get in the caller's province (its own
    policies over the national ones; national staff: the national ones, or a named
    province's). Defaults follow the national rules."""
    province = policy.managed_province(current_staff(), query.get("province"))
    return sla_config.current_policies(utcnow(), province_id=province)


@blp.post("/admin/sla-policies")
@staff_required(Role.ADMIN)
@blp.arguments(ProvinceArgsSchema, location="query")
@blp.arguments(PolicyInputSchema)
@blp.response(201, PolicySchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def set_policy(query, args):
    """Change a severity's (or one category's) budgets; applies to reports assigned after.
    A province's administrator sets the province's own policy (it overrides the national
    one there); a national administrator the national one, or a named province's.
    Refused (422, ``accept_after_handle``) when the time to accept exceeds the time to
    handle: acknowledging is part of handling."""
    staff = current_staff()
    province = policy.managed_province(staff, query.get("province"))
    view = sla_config.set_policy(staff, args, utcnow(), province_id=province)
    commit()
    return view


@blp.get("/admin/calendar")
@staff_required()
@blp.arguments(CalendarArgsSchema, location="query")
@blp.alt_response(200, schema=CalendarYearSchema, success=True)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def calendar(args):
    """A year's holidays, make-up working days, office hours and exceptions: the national
    calendar with the caller's province's own exceptions on top (or a named province's)."""
    year = args.get("year") or utcnow().year
    province = policy.managed_province(current_staff(), args.get("province"))
    return jsonify(sla_config.calendar_year(year, province_id=province))


@blp.put("/admin/calendar/exceptions/<string:day>")
@staff_required(Role.ADMIN)
@blp.arguments(ProvinceArgsSchema, location="query")
@blp.arguments(CalendarExceptionInputSchema)
@blp.response(200, CalendarExceptionSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def set_exception(query, args, day):
    """An extra day off, a make-up working day, or a library holiday that does not apply:
    the province's own (a province's administrator), or national (a national one, or for
    a named province)."""
    province = policy.managed_province(current_staff(), query.get("province"))
    exception = sla_config.set_exception(
        _day(day), args["kind"], args.get("note"), utcnow(), province_id=province
    )
    commit()
    return exception


@blp.delete("/admin/calendar/exceptions/<string:day>")
@staff_required(Role.ADMIN)
@blp.arguments(ProvinceArgsSchema, location="query")
@blp.response(204)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def delete_exception(query, day):
    """Remove an exception of the caller's province (or national, or a named province's);
    a province's administrator cannot remove a national one."""
    province = policy.managed_province(current_staff(), query.get("province"))
    sla_config.delete_exception(_day(day), province_id=province)
    commit()


@blp.get("/stats/timeliness")
@staff_required()
@blp.arguments(TimelinessArgsSchema, location="query")
@blp.alt_response(200, schema=UnitTimelinessSchema(many=True), success=True)
@blp.doc(security=SECURITY)
def timeliness(args):
    """Received, on time, late with approved extension, late, overdue now, and the on-time
    rate, per unit. Department staff see their own unit. By default the current month
    (local time) up to today."""
    now = utcnow()
    end = args.get("date_to") or local_date(now)
    period = Period(args.get("date_from") or end.replace(day=1), end)
    figures = statistics.staff_desk(current_staff(), period, now, department=args.get("department"))
    return jsonify(figures)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(
            N_("Invalid date (YYYY-MM-DD)."), fields={"date": ["Invalid date."]}
        ) from exc
