"""The live board: the period's figures (the public statistics' own) and the queues now.

Every figure the public statistics or the Decision 766 scoreboard also publish is read
from :func:`backend.services.statistics.report` (one read of the period's cases, the
summary and the units ranked); the queues are :func:`backend.services.desk.counts`,
restricted to open reports (every one of these queues holds open reports only, so the
count equals the desk's or the triage's list behind it, and the query reads the open
reports by ``ix_reports_status_created`` instead of every report ever filed).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import func, select, true

from backend.db import db
from backend.domain.text import N_
from backend.domain.workflow import OPEN_STATUSES, Action
from backend.errors import Forbidden
from backend.localtime import local_date, local_tz
from backend.models import Department, Report, ReportEvent
from backend.models.event import ActorKind
from backend.services import desk, policy, statistics
from backend.services.desk import Queue
from backend.services.queries import ReportFilter
from backend.services.sla import working_calendar
from backend.services.statistics import Period, Scope

#: The live queues the board counts (each one the desk's or the triage's tab).
BOARD_QUEUES = (
    Queue.UNROUTED,
    Queue.TO_ACCEPT,
    Queue.IN_PROGRESS,
    Queue.OVERDUE,
    Queue.OVERDUE_OR_ESCALATED,
    Queue.ESCALATED,
    Queue.EXTENSION_PENDING,
    Queue.NO_APOLOGY,
)
#: Only open reports are in these queues: the filter the counts run under.
OPEN_ONLY = ReportFilter(status=sorted(s.value for s in OPEN_STATUSES))


def board_queues() -> tuple[Queue, ...]:
    return BOARD_QUEUES


class OperationsForbidden(Forbidden):
    code = "operations_forbidden"
    message = N_("Only the coordinator's office and administrators see the operations view.")


def require_watcher(staff) -> None:
    if not policy.watches_operations(staff):
        raise OperationsForbidden()


def _routing(period: Period, province: int | None = None) -> dict:
    """Reports given to a unit in the period: by a routing rule (the ``assign`` entry the
    system records at intake, with ``data.rule``) or by a person (an ``assign`` or
    ``forward`` by staff). Read by ``ix_report_events_type_at``."""
    begin, finish = period.bounds(working_calendar())
    stmt = select(ReportEvent.actor_kind, func.count()).where(
        ReportEvent.type.in_([Action.ASSIGN.value, Action.FORWARD.value]),
        ReportEvent.at >= begin,
        ReportEvent.at < finish,
    )
    if province is not None:
        stmt = stmt.join(Report, Report.id == ReportEvent.report_id).where(
            Report.province_id == province
        )
    rows = db.session.execute(stmt.group_by(ReportEvent.actor_kind)).all()
    found = dict(rows)
    return {
        "automatic": int(found.get(ActorKind.SYSTEM.value, 0)),
        "by_hand": int(found.get(ActorKind.STAFF.value, 0)),
    }


def _overdue_by_unit(staff, now: datetime, province: int | None = None) -> list[dict]:
    """Open reports overdue now, per handling unit, the most first (the desk's "overdue"
    queue, filtered by the unit)."""
    counted = func.count().label("n")
    stmt = (
        select(Department.code, Department.name, counted)
        .select_from(Report)
        .join(Department, Department.id == Report.department_id)
        .where(
            policy.readable(staff),
            Report.status.in_(OPEN_ONLY.status),
            desk.condition(Queue.OVERDUE, staff, now),
            (Report.province_id == province) if province is not None else true(),
        )
        .group_by(Department.code, Department.name)
        .order_by(counted.desc(), Department.code)
    )
    return [
        {"department": {"code": code, "name": name}, "overdue": int(n)}
        for code, name, n in db.session.execute(stmt)
    ]


def board_province(staff, requested: str | None = None) -> int | None:
    """The province whose board ``staff`` reads: a province's staff always their own
    (asking for another one is refused 403), national staff the one ``requested`` (slug
    or code; unknown: 404) or every province (None)."""
    require_watcher(staff)
    return policy.managed_province(staff, requested)


def board(staff, period: Period, now: datetime, province: str | None = None) -> dict:
    """The board of ``period`` (local dates) as of ``now``: the period's figures, the units
    ranked, how reports were routed, and the live queues (now, whatever the period), of
    the province :func:`board_province` gives (None: every province)."""
    target = board_province(staff, province)
    stats = statistics.report(Scope(province=target), period, now, group="department")
    flt = OPEN_ONLY
    if target is not None:
        flt = replace(OPEN_ONLY, province=statistics.province_of(target).code)
    queues = desk.counts(staff, now, flt, queues=BOARD_QUEUES, tz=local_tz())
    return {
        "period": stats["period"],
        "today": period.start == period.end == local_date(now),
        "as_of": now.isoformat(),
        "figures": stats["figures"],
        "units": stats["by_department"],
        "routing": _routing(period, target),
        "queues": {queue.value: count for queue, count in queues.items()},
        "overdue_by_unit": _overdue_by_unit(staff, now, target),
    }


__all__ = [
    "BOARD_QUEUES",
    "OperationsForbidden",
    "board",
    "board_period",
    "board_province",
    "board_queues",
    "require_watcher",
]


def board_period(start: date | None, end: date | None, today: date) -> Period:
    """The board's period: by default today; ``from`` alone up to today; ``to`` alone
    that day (refused like the statistics' when reversed or longer than 3 years)."""
    if start is None and end is None:
        return Period(today, today)
    return Period(start or end, end or today)
