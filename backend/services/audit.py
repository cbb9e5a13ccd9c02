"""The audit log: recording staff actions and searching them (administrators only).

What is recorded, and where (each in the transaction of the work it records):

``report_action``
    Every timeline entry whose actor is a staff member: :func:`on_event_recorded` is
    connected to ``backend.signals.event_recorded`` at app init, so the console, the staff
    API and moderation all count without any of them calling this module.
``reporter_viewed``
    The reporter's identity is disclosed in one place only: the read model fills
    ``ReportView.reporter`` (oversight audience) and every page or answer that shows the
    reporter dumps that view. ``read_model.build`` calls :func:`reporter_disclosed` right
    there, so a new view cannot show the reporter without leaving an entry; it is recorded
    once per (staff, report) per request (the request's session remembers it), the entries
    of a whole page in one INSERT at the next commit. Reads do not commit, so
    ``backend.api.audit.init_app`` commits, after the request, a session whose only pending
    work is audit entries (never anything else a failed request left: then the teardown
    rolls all back, and an error answer disclosed nothing).
``staff_created``, ``staff_changed``, ``password_reset``
    By ``backend.services.staff_admin`` and ``accounts.change_own_password``; the detail
    names the changed fields, never a password.

Services never read the request: ``backend.api.audit.init_app`` hands the client address
to :func:`begin` before each request (kept in the session's ``info``) and :func:`record`
picks it up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, or_, select, true

from backend.db import db
from backend.domain.roles import Role
from backend.errors import Forbidden
from backend.localtime import local_tz
from backend.models import Report, StaffUser
from backend.models.audit import AuditAction, AuditEntry

__all__ = ["AuditAction", "record", "reporter_disclosed", "search"]
from backend.models.event import ActorKind
from backend.services import provinces

_ADDRESS = "audit_address"
_DISCLOSED = "audit_disclosed"  # (staff id, report id) -> when, not yet added
_DONE = "audit_disclosed_done"  # (staff id, report id) recorded in this request


def record(
    staff: StaffUser,
    action: AuditAction,
    now: datetime,
    *,
    report: Report | None = None,
    target: StaffUser | None = None,
    detail: Mapping | None = None,
    address: str | None = None,
) -> AuditEntry:
    """Add one entry (never commits)."""
    entry = AuditEntry(
        at=now,
        staff_id=staff.id,
        action=AuditAction(action).value,
        report=report,
        target_staff_id=target.id if target is not None else None,
        detail=dict(detail) if detail else None,
        address=address if address is not None else db.session.info.get(_ADDRESS),
    )
    db.session.add(entry)
    return entry


def on_event_recorded(report: Report, *, event) -> None:
    """``event_recorded`` receiver: a staff member's timeline entry is a ``report_action``."""
    if event.actor_kind != ActorKind.STAFF or event.actor_staff_id is None:
        return
    staff = db.session.get(StaffUser, event.actor_staff_id)
    record(staff, AuditAction.REPORT_ACTION, event.at, report=report, detail={"kind": event.type})


def reporter_disclosed(staff: StaffUser, report: Report, now: datetime) -> None:
    """The reporter of ``report`` is being shown to ``staff``: once per request.

    Kept aside and written at the session's next commit, all in one INSERT (a page of
    rows with the reporter costs one statement, not one per row)."""
    pending = db.session.info.setdefault(_DISCLOSED, {})
    pending.setdefault((staff.id, report.id), now)


def _add_disclosures(session) -> None:
    """``before_commit``: the disclosures kept aside become entries in this commit."""
    pending = session.info.get(_DISCLOSED)
    if not pending:
        return
    done = session.info.setdefault(_DONE, set())
    rows = [
        {
            "at": at,
            "staff_id": staff_id,
            "action": AuditAction.REPORTER_VIEWED.value,
            "report_id": report_id,
            "address": session.info.get(_ADDRESS),
        }
        for (staff_id, report_id), at in pending.items()
        if (staff_id, report_id) not in done
    ]
    if rows:  # one executemany: a page of rows with the reporter is one statement
        session.execute(insert(AuditEntry), rows)
    session.info[_DONE].update(pending)
    pending.clear()


def search(
    actor: StaffUser,
    *,
    staff: str | None = None,
    report: str | None = None,
    action: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """The query of entries matching the filters, newest first (administrators only).
    ``staff`` is a username, ``report`` a report code; the dates are local days,
    inclusive. An unknown username or code matches nothing."""
    if actor.role != Role.ADMIN:
        raise Forbidden()
    query = select(AuditEntry).where(_in_scope(actor))
    if staff is not None:
        query = query.join(StaffUser, StaffUser.id == AuditEntry.staff_id).where(
            StaffUser.username == staff
        )
    if report is not None:
        query = query.join(Report, Report.id == AuditEntry.report_id).where(Report.code == report)
    if action is not None:
        query = query.where(AuditEntry.action == AuditAction(action).value)
    zone = local_tz()
    if date_from is not None:
        query = query.where(AuditEntry.at >= datetime.combine(date_from, time(), zone))
    if date_to is not None:
        end = datetime.combine(date_to + timedelta(days=1), time(), zone)
        query = query.where(AuditEntry.at < end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _in_scope(actor: StaffUser):
    """A province's administrator reads the entries of their province only: made by its
    staff, about its reports or its accounts; a national administrator every entry."""
    own = provinces.scope_of(actor)
    if own is None:
        return true()
    of_staff = select(StaffUser.id).where(StaffUser.province_id == own)
    of_reports = select(Report.id).where(Report.province_id == own)
    return or_(
        AuditEntry.staff_id.in_(of_staff),
        AuditEntry.report_id.in_(of_reports),
        AuditEntry.target_staff_id.in_(of_staff),
    )


def _only_audit_pending(session) -> bool:
    """Nothing but audit entries (or disclosures kept aside) waits to be committed."""
    if session.dirty or session.deleted:
        return False
    if not all(isinstance(obj, AuditEntry) for obj in session.new):
        return False
    return bool(session.new) or bool(session.info.get(_DISCLOSED))


def connect() -> None:
    """Subscribe to the timeline and to commits (at app init; twice is harmless)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from backend.signals import event_recorded

    event_recorded.connect(on_event_recorded, weak=False)  # blinker ignores a second connect
    if not event.contains(Session, "before_commit", _add_disclosures):
        event.listen(Session, "before_commit", _add_disclosures)


def begin(address: str | None) -> None:
    """A new request from ``address``: nothing disclosed yet."""
    db.session.info[_ADDRESS] = address
    db.session.info.pop(_DISCLOSED, None)
    db.session.info.pop(_DONE, None)


def commit_if_only_audit() -> None:
    """After a read: commit the entries it left, if they are all the session holds."""
    session = db.session()
    if _only_audit_pending(session):
        session.commit()
