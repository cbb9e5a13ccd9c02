"""Who hears about what: timeline events become outbox rows, in the event's transaction.

Subscribed to ``backend.signals.event_recorded``: the rows commit or roll back
with the event that caused them, and are pushed after the commit (see
:mod:`notifications.delivery`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from backend.db import after_commit, db
from backend.domain.privacy import mask_personal_data
from backend.jobs import dispatch
from backend.localtime import local_tz
from backend.models import Department, Report, ReportEvent, ReportFollower, StaffUser
from backend.models.department import DepartmentKind
from notifications.models import Notification

#: Event type -> (notification kind for residents, also to followers?)
RESIDENT_KINDS: dict[str, tuple[str, bool]] = {
    "submit": ("received", False),
    "assign": ("assigned", True),
    "forward": ("assigned", True),
    "update": ("update", True),
    "resolve": ("resolved", True),
    "apology": ("apology", True),
    "reject": ("rejected", False),
    "request_info": ("info_requested", False),
}
#: Event type -> notification kind for staff.
STAFF_KINDS = {
    "assign": "new_assignment",
    "forward": "new_assignment",
    "sla_reminder": "sla_reminder",
    "overdue": "overdue",
    "escalated": "escalated",
    "extension_decided": "extension_decided",
    # Recorded by the rating feature: a resident's rating, a report reopened after one.
    "rated": "resident_rated",
    "reopen": "report_reopened",
}
#: Always pushed at once, whatever the hour.
URGENT_KINDS = frozenset({"escalated"})


def on_event_recorded(report: Report, event: ReportEvent, **_kwargs) -> None:
    """Receiver of ``event_recorded``: add the notifications this event causes."""
    if not current_app.extensions.get("notifications"):
        return
    kinds = (RESIDENT_KINDS.get(event.type), STAFF_KINDS.get(event.type))
    if kinds == (None, None) or (event.type == "update" and not event.public):
        return
    with db.session.no_autoflush:  # intake is still filling the report in
        params = _params(report, event)
        rows = []
        if kinds[0]:
            kind, followers_too = kinds[0]
            for resident_id in _residents(report, followers_too):
                rows.append(Notification(resident_id=resident_id, kind=kind))
        if kinds[1]:
            for staff_id in _staff(report, event):
                rows.append(Notification(staff_id=staff_id, kind=kinds[1]))
    now = event.at
    for row in rows:
        row.event = event
        row.report = report
        row.params = params
        row.created_at = now
        row.urgent = report.severity == "urgent" or row.kind in URGENT_KINDS
        row.next_attempt_at = now if row.urgent else after_quiet_hours(now)
        row.delivered_tokens = []
        db.session.add(row)
    if rows:
        after_commit(_dispatch)


def _dispatch() -> None:
    dispatch("notifications.delivery:deliver_due")


def _params(report: Report, event: ReportEvent) -> dict:
    category = report.category
    tz = local_tz()
    data = event.data or {}
    due = data.get("promised_due_at") or data.get("due_at")
    approved = data.get("approved")
    return {
        "category_vi": category.name_vi,
        "category_en": category.name_en,
        "department": report.department.name if report.department else "",
        "note": mask_personal_data(event.note) if event.note else "",
        "date": datetime.fromisoformat(due).astimezone(tz).strftime("%d/%m/%Y") if due else "",
        "percent": str(round(100 * data["fraction"])) if "fraction" in data else "",
        "decision_vi": "Được chấp thuận." if approved else "Không được chấp thuận.",
        "decision_en": "Approved." if approved else "Denied.",
        "rating": str(data.get("rating", "")),
    }


def _residents(report: Report, followers_too: bool) -> list[int]:
    ids = [report.reporter.id]
    if followers_too and report.id is not None:
        ids += db.session.scalars(
            select(ReportFollower.resident_id).where(ReportFollower.report_id == report.id)
        ).all()
    return list(dict.fromkeys(ids))


def _staff(report: Report, event: ReportEvent) -> list[int]:
    data = event.data or {}
    if event.type == "escalated":
        codes = data.get("to", [])
        departments = select(Department.id).where(Department.code.in_(codes))
    elif event.type in ("assign", "forward"):
        target = event.department or report.department
        departments = select(Department.id).where(Department.id == target.id)
    else:
        code = data.get("department") or (report.department.code if report.department else "")
        departments = select(Department.id).where(
            Department.code == code, Department.kind != DepartmentKind.COORDINATOR
        )
    return list(
        db.session.scalars(
            select(StaffUser.id).where(
                StaffUser.department_id.in_(departments), StaffUser.active.is_(True)
            )
        )
    )


def after_quiet_hours(now: datetime) -> datetime:
    """Non-urgent pushes wait for the morning (``QUIET_HOURS``, default 22:00-06:30 local)."""
    start, end = current_app.config["QUIET_HOURS"]
    local = now.astimezone(local_tz())
    clock = local.time()
    quiet = clock >= start or clock < end if start > end else start <= clock < end
    if not quiet:
        return now
    day = local.date() + (timedelta(days=1) if clock >= start and start > end else timedelta())
    return datetime.combine(day, end, local.tzinfo)
