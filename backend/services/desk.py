"""The named queues of the staff desks and the coordinator's triage, and their counts.

One definition for every channel: the console's tabs (``/console/desk``,
``/console/triage``) and the staff API's ``GET /staff/v1/reports?queue=`` list the same
reports for the same queue, because both go through :func:`condition` (applied by
``queries.staff_reports``) on top of the access policy's ``readable`` set.

Each queue is a SQL condition on a report and its open handling clock. The conditions
are written once, over :class:`Facts` (what a queue reads of a report): as expressions on
``Report`` for a list, and as the columns of one subquery for :func:`counts`, which
counts every queue in a single grouped query (each clock subquery evaluated once a row).

For the staff of a handling unit the working queues (to accept, in progress, deadlines,
waiting, rating) are the reports their unit handles; reports escalated to their unit as
the supervising unit (which the policy lets them read, never act on) have their own
queue, :attr:`Queue.ESCALATED`, and appear in "all open". Returned reports go back to
the coordinator's unit: a handling unit no longer reads them, so units have no
"returned" tab. "Due today" and "due this week" are calendar days in the deployment's
local time (``TIMEZONE``), on the handling clock's current due date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select, true

from backend.db import db
from backend.domain.sla import ClockKind
from backend.domain.vocabulary import ModerationStatus
from backend.domain.workflow import OPEN_STATUSES, Status
from backend.models import Department, ExtensionRequest, RaterKind, Rating, Report, ReportClock
from backend.models.department import DepartmentKind
from backend.models.sla import ExtensionStatus
from backend.services import policy, queries
from backend.services.queries import DeskFilter, ReportFilter

#: Page size of the console's queues.
PAGE_SIZE = 20


class Queue(StrEnum):
    """A named queue (``?queue=`` on the desk, the triage page and the staff API)."""

    TO_ACCEPT = "to_accept"  # given to the unit, not accepted yet
    IN_PROGRESS = "in_progress"  # accepted (or started), not waiting for the resident
    OVERDUE = "overdue"  # past the handling clock's current due date
    DUE_TODAY = "due_today"  # due later today (local time), clock running
    DUE_THIS_WEEK = "due_this_week"  # due from now to Sunday midnight (local), running
    WAITING = "waiting"  # waiting for the resident to answer a question
    RETURNED = "returned"  # returned by its unit, waiting for the coordinator
    AWAITING_RATING = "awaiting_rating"  # resolved, not rated yet, rating window open
    ESCALATED = "escalated"  # open and escalated (to the reader's unit, for a unit)
    OPEN = "open"  # every open report
    ALL = "all"  # everything the reader may read
    # The coordinator's triage:
    UNROUTED = "unrouted"  # new, nobody could route it (with the coordinator)
    OVERDUE_OR_ESCALATED = "overdue_or_escalated"  # overdue, or escalated and open
    EXTENSION_PENDING = "extension_pending"  # an extension request waits for a decision
    NO_APOLOGY = "no_apology"  # overdue and the unit has not apologised yet
    AWAITING_CLOSURE = "awaiting_closure"  # resolved, for the coordinator to close


#: The desk's tabs, in order (units see fewer: :func:`desk_queues`).
DESK_QUEUES = (
    Queue.TO_ACCEPT,
    Queue.IN_PROGRESS,
    Queue.OVERDUE,
    Queue.DUE_TODAY,
    Queue.DUE_THIS_WEEK,
    Queue.WAITING,
    Queue.RETURNED,
    Queue.AWAITING_RATING,
    Queue.ESCALATED,
    Queue.OPEN,
    Queue.ALL,
)
#: The coordinator's triage tabs, in order.
TRIAGE_QUEUES = (
    Queue.UNROUTED,
    Queue.RETURNED,
    Queue.OVERDUE_OR_ESCALATED,
    Queue.EXTENSION_PENDING,
    Queue.NO_APOLOGY,
    Queue.AWAITING_CLOSURE,
)

_OPEN = [s.value for s in OPEN_STATUSES]


@dataclass(frozen=True)
class Facts:
    """What the queues read of a report: its columns and its open handling clock's."""

    status: ColumnElement
    accepted_at: ColumnElement
    waiting_since: ColumnElement
    resolved_at: ColumnElement
    department_id: ColumnElement
    escalated_to_id: ColumnElement
    moderation_status: ColumnElement
    due: ColumnElement  # the open handling clock's current due date
    overdue_at: ColumnElement  # ... when the sweep found it overdue
    apology_at: ColumnElement  # ... when the unit apologised
    extension_pending: ColumnElement
    reporter_rated: ColumnElement  # the reporter rated the current resolution

    @classmethod
    def of_report(cls) -> Facts:
        latest_resolution = (
            select(func.max(ReportClock.id))
            .where(
                ReportClock.report_id == Report.id,
                ReportClock.kind == ClockKind.HANDLE.value,
                ReportClock.completed_at.is_not(None),
                ReportClock.superseded.is_(False),
            )
            .correlate(Report)
            .scalar_subquery()
        )
        return cls(
            status=Report.status,
            accepted_at=Report.accepted_at,
            waiting_since=Report.waiting_since,
            resolved_at=Report.resolved_at,
            department_id=Report.department_id,
            escalated_to_id=Report.escalated_to_id,
            moderation_status=Report.moderation_status,
            due=queries._handle_due(),
            overdue_at=queries._handle_due(ReportClock.overdue_at),
            apology_at=queries._handle_due(ReportClock.apology_at),
            extension_pending=exists()
            .where(
                ExtensionRequest.report_id == Report.id,
                ExtensionRequest.status == ExtensionStatus.PENDING.value,
            )
            .correlate(Report),
            reporter_rated=exists()
            .where(
                Rating.report_id == Report.id,
                Rating.kind == RaterKind.REPORTER.value,
                Rating.clock_id == latest_resolution,
            )
            .correlate(Report),
        )

    def labelled(self) -> list[ColumnElement]:
        return [getattr(self, name).label(name) for name in self.__dataclass_fields__]

    @classmethod
    def of_row(cls, subquery) -> Facts:
        return cls(**{name: subquery.c[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class _Context:
    staff: object
    now: datetime
    tz: ZoneInfo
    rating_window: timedelta

    def own(self, f: Facts) -> ColumnElement[bool]:
        """Handled by the reader's unit (a unit's working queues); anyone else: all."""
        if policy.is_unit_staff(self.staff):
            return f.department_id == self.staff.department_id
        return true()

    def escalated(self, f: Facts) -> ColumnElement[bool]:
        if policy.is_unit_staff(self.staff):
            return and_(
                f.escalated_to_id == self.staff.department_id,
                or_(f.department_id.is_(None), f.department_id != self.staff.department_id),
            )
        return f.escalated_to_id.is_not(None)

    def local_midnight(self, days: int) -> datetime:
        today = self.now.astimezone(self.tz).date()
        return datetime.combine(today + timedelta(days=days), time(), self.tz)


def _overdue(f: Facts, ctx: _Context) -> ColumnElement[bool]:
    return queries.overdue_condition(ctx.now, f.due, f.overdue_at, f.waiting_since)


def _due_before(f: Facts, ctx: _Context, end: datetime) -> ColumnElement[bool]:
    return and_(ctx.own(f), f.waiting_since.is_(None), f.due > ctx.now, f.due < end)


def _unrouted(f: Facts) -> ColumnElement[bool]:
    coordinator = select(Department.id).where(Department.kind == DepartmentKind.COORDINATOR.value)
    return and_(
        f.status == Status.NEW.value,
        or_(f.department_id.is_(None), f.department_id.in_(coordinator)),
        # Held for moderation: the moderation queue's, not routing's.
        or_(
            f.moderation_status.is_(None),
            f.moderation_status != ModerationStatus.PENDING.value,
        ),
    )


def _condition(queue: Queue, f: Facts, ctx: _Context) -> ColumnElement[bool]:
    own = ctx.own(f)
    if queue == Queue.TO_ACCEPT:
        return and_(own, f.status == Status.ASSIGNED.value, f.accepted_at.is_(None))
    if queue == Queue.IN_PROGRESS:
        accepted = and_(f.status == Status.ASSIGNED.value, f.accepted_at.is_not(None))
        working = or_(f.status == Status.IN_PROGRESS.value, accepted)
        return and_(own, working, f.waiting_since.is_(None))
    if queue == Queue.OVERDUE:
        return and_(own, _overdue(f, ctx))
    if queue == Queue.DUE_TODAY:
        return _due_before(f, ctx, ctx.local_midnight(1))
    if queue == Queue.DUE_THIS_WEEK:
        monday = 7 - ctx.now.astimezone(ctx.tz).weekday()
        return _due_before(f, ctx, ctx.local_midnight(monday))
    if queue == Queue.WAITING:
        return and_(own, f.waiting_since.is_not(None), f.status.in_(_OPEN))
    if queue == Queue.RETURNED:
        return and_(own, f.status == Status.RETURNED.value)
    if queue == Queue.AWAITING_RATING:
        return and_(
            own,
            f.status == Status.RESOLVED.value,
            f.resolved_at > ctx.now - ctx.rating_window,
            ~f.reporter_rated,
        )
    if queue == Queue.ESCALATED:
        return and_(ctx.escalated(f), f.status.in_(_OPEN))
    if queue == Queue.OPEN:
        return f.status.in_(_OPEN)
    if queue == Queue.ALL:
        return true()
    if queue == Queue.UNROUTED:
        return and_(own, _unrouted(f))
    if queue == Queue.OVERDUE_OR_ESCALATED:
        escalated = and_(f.escalated_to_id.is_not(None), f.status.in_(_OPEN))
        return and_(own, or_(_overdue(f, ctx), escalated))
    if queue == Queue.EXTENSION_PENDING:
        return and_(own, f.extension_pending)
    if queue == Queue.NO_APOLOGY:
        return and_(own, _overdue(f, ctx), f.apology_at.is_(None))
    if queue == Queue.AWAITING_CLOSURE:
        return and_(own, f.status == Status.RESOLVED.value)
    return false()


def _context(staff, now: datetime, tz: ZoneInfo | None) -> _Context:
    from backend.localtime import local_tz

    days = current_app.config["RATING_WINDOW_DAYS"]
    return _Context(staff, now, tz or local_tz(), timedelta(days=days))


def condition(
    queue: Queue | str, staff, now: datetime, tz: ZoneInfo | None = None
) -> ColumnElement[bool]:
    """The queue as a condition on ``Report`` (the caller adds ``policy.readable``)."""
    return _condition(Queue(queue), Facts.of_report(), _context(staff, now, tz))


def counts(
    staff,
    now: datetime,
    flt: ReportFilter | None = None,
    desk: DeskFilter | None = None,
    *,
    queues: tuple[Queue, ...] = tuple(Queue),
    tz: ZoneInfo | None = None,
) -> dict[Queue, int]:
    """How many of the reports ``staff`` may read (and the filters let through) each
    queue holds, in one query."""
    ctx = _context(staff, now, tz)
    desk = replace(desk or DeskFilter(), queue=None)
    base = queries.staff_select(staff, flt or ReportFilter(), ctx.tz, now, desk)
    rows = base.with_only_columns(*Facts.of_report().labelled()).order_by(None).subquery()
    f = Facts.of_row(rows)
    sums = [func.coalesce(func.sum(case((_condition(q, f, ctx), 1), else_=0)), 0) for q in queues]
    found = db.session.execute(select(*sums).select_from(rows)).one()
    return {q: int(n) for q, n in zip(queues, found, strict=True)}


def supervises(staff) -> bool:
    """A unit that supervises another (cases overdue there are escalated to it)."""
    if not policy.is_unit_staff(staff) or staff.department_id is None:
        return False
    return bool(
        db.session.scalar(select(exists().where(Department.supervisor_id == staff.department_id)))
    )


def desk_queues(staff, found: dict[Queue, int] | None = None) -> tuple[Queue, ...]:
    """The desk's tabs for ``staff``: a unit has no "returned" tab (returned reports are
    the coordinator's, the unit no longer reads them), and an "escalated to us" tab only
    when it supervises another unit (or something was escalated to it). Roles without a
    handling unit (the coordinator's office, moderators, administrators) have no "escalated
    to us" tab either: nothing is escalated to them as a unit (the coordinator's triage has
    "overdue and escalated")."""
    if not policy.is_unit_staff(staff):
        return tuple(q for q in DESK_QUEUES if q != Queue.ESCALATED)
    show_escalated = supervises(staff) or bool(found and found.get(Queue.ESCALATED))
    return tuple(
        q for q in DESK_QUEUES if q != Queue.RETURNED and (q != Queue.ESCALATED or show_escalated)
    )


def pending_extensions(report_ids: list[int]) -> dict[int, ExtensionRequest]:
    """The extension request waiting for a decision on each of these reports (at most one
    waits at a time), by report id: one query for a page of the triage."""
    if not report_ids:
        return {}
    found = db.session.scalars(
        select(ExtensionRequest)
        .where(
            ExtensionRequest.report_id.in_(report_ids),
            ExtensionRequest.status == ExtensionStatus.PENDING.value,
        )
        .order_by(ExtensionRequest.id)
    )
    return {request.report_id: request for request in found}
