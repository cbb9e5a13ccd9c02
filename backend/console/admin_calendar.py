"""The working calendar for administrators (``/console/admin/calendar``): a year as twelve
month grids (working and non-working days, the public holidays by law, the
administrator's exceptions: extra days off, make-up working days, public holidays that do
not apply), forms to add and remove an exception, and the effect on a sample deadline: from
a start instant, a budget of working days gives a deadline with the exceptions and without.

Through the same services as ``/staff/v1/admin/calendar`` (``sla_config``); the deadline
is the pure ``WorkingCalendar.add_days`` of the two calendars.

Per province: a province's administrator sees the national calendar with their province's
exceptions on top and keeps only their province's (the national ones are shown, read-only);
a national administrator keeps the national exceptions.
"""

from __future__ import annotations

import calendar as month_calendar
import functools
from dataclasses import dataclass
from datetime import date, datetime

import holidays as holidays_lib
from babel.dates import get_day_names
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from backend.console import forms
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.db import commit, rollback, utcnow
from backend.domain.calendar import WorkingCalendar
from backend.domain.roles import Role
from backend.domain.text import N_
from backend.errors import DomainError, ValidationFailed
from backend.i18n import current_language
from backend.localtime import local_tz
from backend.models.sla import ExceptionKind
from backend.schemas.sla import CalendarExceptionInputSchema
from backend.services import policy, sla_config
from backend.services.sla import working_calendar

KIND_LABELS = {
    ExceptionKind.DAY_OFF: _l("Extra day off"),
    ExceptionKind.WORKING_DAY: _l("Make-up working day"),
    ExceptionKind.IGNORE_HOLIDAY: _l("Public holiday that does not apply"),
}
#: The holidays' names in the page's language (the library's own translations).
HOLIDAY_LANGUAGES = {"vi": "vi", "en": "en_US"}
DEFAULT_DAYS = 15
MAX_DAYS = 250


class InvalidSample(ValidationFailed):
    code = "invalid_sample"
    message = N_("Give a start date and time, and a budget from 0.5 to 250 working days.")


@dataclass(frozen=True)
class Sample:
    start: datetime
    days: float
    with_exceptions: datetime
    without_exceptions: datetime
    moved_days: float  # working days (of the calendar with exceptions) the deadline moved


def sample_deadline(cal: WorkingCalendar, start: datetime, days: float) -> Sample:
    """The deadline ``days`` working days after ``start``, with the calendar's exceptions
    and with the public holidays by law only."""
    plain = WorkingCalendar(cal.tz.key, cal.hours)
    with_exceptions = cal.add_days(start, days)
    without = plain.add_days(start, days)
    moved = cal.in_days(cal.between(without, with_exceptions))
    return Sample(start, days, with_exceptions, without, round(moved, 2))


def _year() -> int:
    raw = request.values.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else utcnow().year


def _sample_args() -> tuple[str, str]:
    now = utcnow().astimezone(local_tz())
    start = request.values.get("start") or f"{now:%Y-%m-%dT%H:%M}"
    return start, request.values.get("days") or str(DEFAULT_DAYS)


def _parse_sample(start: str, days: str) -> tuple[datetime, float]:
    try:
        instant = datetime.fromisoformat(start.strip())
        budget = float(days.strip().replace(",", "."))
    except ValueError as exc:
        raise InvalidSample(fields={"start": ["Invalid."], "days": ["Invalid."]}) from exc
    if not 0.5 <= budget <= MAX_DAYS or not 2000 <= instant.year <= 2100:
        raise InvalidSample(fields={"days": ["Out of range."]})
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=local_tz())
    return instant, budget


@bp.get("/admin/calendar")
@roles_required(Role.ADMIN)
def admin_calendar():
    return _page()


@functools.lru_cache(maxsize=32)
def _holiday_names(year: int, lang: str) -> dict[date, str]:
    language = HOLIDAY_LANGUAGES.get(lang, "vi")
    try:
        names = holidays_lib.country_holidays("VN", years=year, language=language)
    except (NotImplementedError, ValueError):  # a library without that translation
        return {}
    return dict(names.items())


def holiday_name(day: date, name: str | None) -> str | None:
    """A public holiday's name in the page's language (``name`` if there is none)."""
    if not name:
        return name
    return _holiday_names(day.year, current_language()).get(day, name)


def _province() -> int | None:
    """The province whose exceptions the administrator keeps (None: the national ones)."""
    return policy.province_scope(g.staff)


def _page(values=None, errors=None, status: int = 200):
    year = _year()
    province = _province()
    cal = working_calendar(province)
    start, days = _sample_args()
    sample, sample_error = None, None
    try:
        sample = sample_deadline(cal, *_parse_sample(start, days))
    except DomainError as error:
        sample_error = forms.message(error, lambda f: None)
    data = sla_config.calendar_year(year, province_id=province)
    data["holidays"] = [{**h, "name": holiday_name(h["date"], h["name"])} for h in data["holidays"]]
    exceptions = {e["date"]: e for e in data["exceptions"]}
    deadline_days = set()
    if sample:
        deadline_days = {sample.with_exceptions.astimezone(cal.tz).date()}
    page = render_template(
        "console/admin/calendar.html",
        year=year,
        data=data,
        months=_months(year, cal, exceptions, deadline_days),
        weekdays=_weekday_names(),
        exceptions=data["exceptions"],
        kinds=list(ExceptionKind),
        kind_labels=KIND_LABELS,
        start=start,
        days=days,
        sample=sample,
        sample_error=sample_error,
        values=values or {},
        errors=errors or {},
        province_admin=province is not None,
    )
    return page, status


def _weekday_names() -> list[str]:
    names = get_day_names("abbreviated", locale=current_language())
    return [names[i] for i in range(7)]


def _months(year: int, cal: WorkingCalendar, exceptions: dict, deadlines: set) -> list[dict]:
    plain = WorkingCalendar(cal.tz.key, cal.hours)
    grid = month_calendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            weeks.append([_day(d, cal, plain, exceptions, deadlines, month) for d in week])
        months.append({"name": format_date(date(year, month, 1), "LLLL"), "weeks": weeks})
    return months


def _day(day: date, cal, plain, exceptions: dict, deadlines: set, month: int) -> dict | None:
    if day.month != month:
        return None
    kind = exceptions.get(day, {}).get("kind")
    holiday = holiday_name(day, plain.holiday_name(day))
    working = cal.is_working_day(day)
    if kind == ExceptionKind.DAY_OFF:
        css, label = "day-extra-off", str(KIND_LABELS[ExceptionKind.DAY_OFF])
    elif kind == ExceptionKind.WORKING_DAY or (working and day.weekday() >= 5):
        css, label = "day-make-up", str(KIND_LABELS[ExceptionKind.WORKING_DAY])
    elif kind == ExceptionKind.IGNORE_HOLIDAY:
        css, label = "day-ignored", f"{KIND_LABELS[ExceptionKind.IGNORE_HOLIDAY]}: {holiday}"
    elif holiday and not working:
        css, label = "day-holiday", holiday
    elif not working:
        css, label = "day-off-weekend", _("Day off")
    else:
        css, label = "day-working", _("Working day")
    if day in deadlines:
        css += " day-deadline"
        label += " · " + _("sample deadline")
    return {"date": day, "css": css, "label": label, "working": working}


def _back():
    start, days = _sample_args()
    return redirect(url_for("console.admin_calendar", year=_year(), start=start, days=days))


@bp.post("/admin/calendar/exceptions")
@roles_required(Role.ADMIN)
def admin_calendar_set():
    form = request.form
    try:
        day = _day_of(form.get("date", ""))
        data = {"kind": form.get("kind", "")}
        if form.get("note", "").strip():
            data["note"] = form["note"].strip()
        args = forms.load(CalendarExceptionInputSchema(), data)
        sla_config.set_exception(
            day, args["kind"], args.get("note"), utcnow(), province_id=_province()
        )
        commit()
    except DomainError as error:
        rollback()
        flash(forms.message(error, _field_label), "error")
        return _page(values=form, errors=error.fields, status=error.status)
    flash(
        _(
            "%(kind)s on %(date)s saved; deadlines computed from now on follow it.",
            kind=KIND_LABELS[ExceptionKind(args["kind"])],
            date=format_date(day, "dd/MM/yyyy"),
        ),
        "success",
    )
    return _back()


@bp.post("/admin/calendar/exceptions/<day>/delete")
@roles_required(Role.ADMIN)
def admin_calendar_delete(day):
    try:
        parsed = _day_of(day)
        sla_config.delete_exception(parsed, province_id=_province())
        commit()
    except DomainError as error:
        rollback()
        flash(forms.message(error, _field_label), "error")
        return _page(status=error.status)
    flash(_("Exception on %(date)s removed.", date=format_date(parsed, "dd/MM/yyyy")), "success")
    return _back()


def _day_of(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationFailed(
            N_("Invalid date (YYYY-MM-DD)."), fields={"date": ["Invalid date."]}
        ) from exc


def _field_label(field: str):
    return {"date": _l("Date"), "kind": _l("Kind"), "note": _l("Note")}.get(field)


__all__ = ["Sample", "sample_deadline"]
