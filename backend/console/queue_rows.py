"""One row of the desk's and the triage's queues: what the reader sees of a report at a
glance, all from the read model (``read_model.build`` for this reader, ``read_model.row``
for the board's overdue/late flags) and the SLA views under it.

The deadline shown is the clock that is late or comes next: the handling clock when it is
overdue (what the "Overdue" tab and the report page's flag count), else the acceptance
clock while the unit has not accepted the report, else the handling clock. Working days
late have at most one decimal; the time left is in working hours below one working day,
else in working days with one decimal; numbers as the page's language writes them (Babel).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from babel import numbers
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from backend.console.views import bp
from backend.domain.sla import WORKING_HOUR, ClockKind, Outcome
from backend.domain.vocabulary import EventKind
from backend.domain.workflow import Status
from backend.i18n import current_language
from backend.models import ExtensionRequest, Report, StaffUser
from backend.services import policy, read_model, sla
from backend.services.queries import DUE_SOON_WORKING_HOURS

SEP = " · "


# ---- numbers -----------------------------------------------------------------------------


def one_decimal(value: float | None) -> str:
    """``15.75`` -> ``15,8`` (Vietnamese) or ``15.8`` (English): at most one decimal."""
    if value is None:
        return "–"
    return numbers.format_decimal(value, "#,##0.#", locale=current_language())


@bp.app_template_filter("working_days")
def working_days_filter(value: float | None) -> str:
    """The queue rows' format of a count of working days (``{{ days | working_days }}``),
    so that a page quoting a row's "late by" says the same number."""
    return one_decimal(value)


def _num(value: float) -> tuple[str, int]:
    """The number as shown, and the count that picks its plural form: a whole number,
    else 2 (1.5 days)."""
    rounded = round(float(value), 1)
    return one_decimal(value), int(rounded) if rounded.is_integer() else 2


def days_late(days: float | None) -> str:
    shown, n = _num(days or 0)
    return ngettext("%(days)s working day late", "%(days)s working days late", n, days=shown)


def time_left(hours: float) -> str:
    """Below one working day in working hours, else in working days (one decimal)."""
    day = sla.working_calendar().day_length / WORKING_HOUR
    if hours < day:
        shown, n = _num(hours)
        return ngettext(
            "%(hours)s working hour left", "%(hours)s working hours left", n, hours=shown
        )
    shown, n = _num(hours / day)
    return ngettext("%(days)s working day left", "%(days)s working days left", n, days=shown)


# ---- the deadline ------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """The deadline at a glance: ``state`` is a CSS class (overdue, soon, ok, waiting),
    ``clock`` the clock it reads (accept or handle)."""

    state: str
    text: str
    clock: str | None = None


def _local_time(value) -> str:
    return current_app.jinja_env.filters["local_time"](value)


def _running(current: dict, clock: ClockKind) -> Due | None:
    hours = current["working_hours_left"]
    if hours is None:
        return None
    when, left = _local_time(current["due_at"]), time_left(hours)
    if clock == ClockKind.ACCEPT:
        text = _("To accept by %(date)s · %(left)s", date=when, left=left)
    elif hours <= DUE_SOON_WORKING_HOURS:
        text = _("Due %(date)s · %(left)s", date=when, left=left)
    else:
        text = _("On time · due %(date)s · %(left)s", date=when, left=left)
    return Due("soon" if hours <= DUE_SOON_WORKING_HOURS else "ok", text, clock.value)


def due_of(view: read_model.ReportView, flag: read_model.RowView) -> Due | None:
    """The clock that is late or next, from the read model's deadlines."""
    clocks = view.deadlines["clocks"]
    if flag.overdue:
        text = _("Overdue") + SEP + days_late(flag.working_days_late)
        return Due("overdue", text, ClockKind.HANDLE.value)
    if view.deadlines["waiting_for_resident"]:
        return Due("waiting", _("Waiting for the resident"))
    if flag.late:
        when = _local_time(flag.promised_due_at)
        return Due("soon", _("Late · promised for %(date)s", date=when), ClockKind.HANDLE.value)
    accept = clocks.get(ClockKind.ACCEPT)
    if view.report.accepted_at is None and accept and accept["completed_at"] is None:
        current = accept["current"]
        if current["state"] == Outcome.OVERDUE:
            text = _("Not accepted in time") + SEP + days_late(current["working_days_late"])
            return Due("overdue", text, ClockKind.ACCEPT.value)
        return _running(current, ClockKind.ACCEPT)
    handle = clocks.get(ClockKind.HANDLE)
    if handle is None or handle["completed_at"] is not None:
        return None
    return _running(handle["current"], ClockKind.HANDLE)


# ---- the row -----------------------------------------------------------------------------


def report_url(code: str, origin: str | None = None) -> str:
    """The console's report page; ``origin`` (``?from=``) names the list it was opened
    from, for the page's way back."""
    query = {"from": origin} if origin else {}
    if "console.report" in current_app.view_functions:
        return url_for("console.report", code=code, **query)
    return f"/console/reports/{code}" + (f"?{urlencode(query)}" if query else "")


@dataclass(frozen=True)
class Returned:
    """Which unit returned the report to the coordinator, when, and why (the return's
    internal note, for a reader the read model shows it to)."""

    unit: str | None
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class Row:
    report: Report
    url: str
    description: str
    address: str | None
    assignee: str | None
    #: The reader may know who works it (a supervising unit never does).
    sees_assignee: bool
    escalated: bool  # escalated to the reader's unit as the supervising unit
    #: Accepted by its unit, not started yet (the status still says "assigned").
    accepted: bool
    due: Due | None
    extension: ExtensionRequest | None = None  # the pending request (triage)
    returned: Returned | None = None  # the last return (triage)


def last_return(view: read_model.ReportView) -> Returned | None:
    entry = next((e for e in reversed(view.timeline) if e.type == EventKind.RETURN), None)
    if entry is None:
        return None
    event = next((e for e in view.report.events if e.id == entry.id), None)
    actor = event.actor_staff if event is not None else None
    unit = actor.department.name if actor is not None and actor.department else None
    return Returned(unit=unit, at=entry.at, reason=entry.internal_note)


def queue_row(
    staff: StaffUser,
    report: Report,
    now: datetime,
    *,
    origin: str | None = None,
    extension: ExtensionRequest | None = None,
) -> Row:
    view = read_model.build(staff, report, now, reporter=False)  # a row never shows it
    flag = read_model.row(report, now)
    person = view.assignee
    assignee = (person["full_name"] or person["username"]) if person else None
    return Row(
        report=report,
        url=report_url(report.code, origin),
        description=view.description,
        address=_address(view.location["address"], report),
        assignee=assignee,
        sees_assignee=policy.sees_assignee(staff, report),
        escalated=policy.supervises(staff, report),
        accepted=report.status == Status.ASSIGNED and report.accepted_at is not None,
        due=due_of(view, flag),
        extension=extension,
        returned=last_return(view) if report.status == Status.RETURNED else None,
    )


def _address(address: str | None, report: Report) -> str | None:
    """The address without the administrative unit's name at its end (the row shows the
    unit next to it): "12 Lê Lợi, TP Cần Thơ" in TP Cần Thơ is "12 Lê Lợi"."""
    if not address or report.admin_unit is None:
        return address
    name = report.admin_unit.name
    trimmed = address.rstrip(" ,")
    if trimmed.casefold().endswith(name.casefold()) and len(trimmed) > len(name):
        return trimmed[: -len(name)].rstrip(" ,") or None
    return address
