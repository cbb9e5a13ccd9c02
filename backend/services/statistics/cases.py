"""The cases of a scope and period, read from the database in one query.

A case is one report in one unit's remit: the unit's handling clock (and the clock
that continues it after a reopening), read with the reporter's rating of the
resolution that completed it. A case belongs to the period in which the unit
received it (its clock started), to the unit whose clock it is, and to the
administrative unit where the report is located.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, union_all

from backend.db import db
from backend.domain.calendar import WorkingCalendar
from backend.domain.scoring import Case
from backend.domain.sla import ClockKind, Outcome, outcome
from backend.models import AdminUnit, Department, Rating, Report, ReportClock
from backend.models.rating import RaterKind
from backend.services import province_ref
from backend.services.province_ref import ProvinceNotFound
from backend.services.queries import id_of, unit_and_descendants
from backend.services.sla import facts, working_calendar
from backend.services.statistics.period import Period, Scope


def province_of(value: str | int) -> AdminUnit:
    """A hosted province by its id, slug or code; else 404 ``province_not_found``."""
    if isinstance(value, int):
        found = db.session.get(AdminUnit, value)
        if found is None or found.parent_id is not None or not found.hosted:
            raise ProvinceNotFound()
        return found
    return province_ref.find(value)


@dataclass(frozen=True)
class CaseRow:
    """One case, with what it is grouped by."""

    case: Case
    department_id: int
    admin_unit_id: int | None
    started_at: datetime
    #: How the report came in (backend.domain.channels.Channel).
    channel: str = "app"
    #: The province the report was filed in (its clocks run on its calendar).
    province_id: int | None = None


#: What a case needs of its clock: read as plain columns (no ORM objects), so that a
#: year of a province's reports is counted in a fraction of the time.
_CLOCK_COLUMNS = (
    ReportClock.department_id,
    ReportClock.started_at,
    ReportClock.run_started_at,
    ReportClock.consumed_seconds,
    ReportClock.original_budget_seconds,
    ReportClock.budget_seconds,
    ReportClock.extension_in_time,
    ReportClock.completed_at,
    ReportClock.superseded,
    ReportClock.overdue_at,
)


@dataclass(frozen=True)
class _Clock:
    """The columns of :data:`_CLOCK_COLUMNS`, read by :func:`backend.services.sla.facts`."""

    department_id: int
    started_at: datetime
    run_started_at: datetime | None
    consumed_seconds: int
    original_budget_seconds: int
    budget_seconds: int
    extension_in_time: bool
    completed_at: datetime | None
    superseded: bool
    overdue_at: datetime | None

    @property
    def open(self) -> bool:
        return self.completed_at is None and not self.superseded


def _statement(scope: Scope, period: Period, cal: WorkingCalendar) -> Select:
    """The open cases' handling clocks started in the period, and the reopenings that
    continue them (settled cases are counted from their stored figures: :mod:`.tally`).

    Two parts joined by UNION ALL, each one an indexed read: the clocks started in the
    period and not settled (ix_report_clocks_unsettled), and the clocks that continue one
    of the period's first clocks but started outside it (ix_report_clocks_continues). A single
    ``started OR continues_id IN (...)`` condition made PostgreSQL read every clock, report
    and rating. ``started_at`` is never NULL, so the second part's ``NOT started`` keeps
    each clock in exactly one part: the same rows as the OR, in the same order.
    """
    begin, finish = period.bounds(cal)
    in_period = (ReportClock.started_at >= begin) & (ReportClock.started_at < finish)
    unsettled = ReportClock.case_outcome.is_(None)
    first_ones = select(ReportClock.id).where(
        ReportClock.kind == ClockKind.HANDLE,
        in_period,
        ReportClock.continues_id.is_(None),
        unsettled,
    )
    parts = union_all(
        # A reopening's clock never holds figures (its case's first clock does): NULL too.
        _part(scope, in_period & unsettled),
        _part(scope, ReportClock.continues_id.in_(first_ones) & ~in_period),
    ).subquery("cases")
    return select(*parts.c).order_by(parts.c.id)


def scoped(stmt: Select, scope: Scope) -> Select:
    """``stmt`` (over handling clocks joined to their reports) limited to the scope."""
    if scope.department:
        department_id = id_of(Department, scope.department, "department")
        stmt = stmt.where(ReportClock.department_id == department_id)
    if scope.admin_unit:
        stmt = stmt.where(Report.admin_unit_id.in_(unit_and_descendants(scope.admin_unit)))
    if scope.province is not None:
        stmt = stmt.where(Report.province_id == province_of(scope.province).id)
    return stmt


def clock_rows(condition) -> Select:
    """The handling clocks meeting ``condition``, with their report's place, channel and
    province and the reporter's rating of each (the rows :func:`cases_of` reads)."""
    return (
        select(
            ReportClock.id,
            ReportClock.continues_id,
            *_CLOCK_COLUMNS,
            Report.admin_unit_id,
            Report.channel,
            Report.province_id,
            Rating.score,
            Rating.reopened_at,
        )
        .join(Report, Report.id == ReportClock.report_id)
        .outerjoin(
            Rating,
            (Rating.clock_id == ReportClock.id) & (Rating.kind == RaterKind.REPORTER),
        )
        .where(ReportClock.kind == ClockKind.HANDLE, condition)
    )


def _part(scope: Scope, condition) -> Select:
    return scoped(clock_rows(condition), scope)


@dataclass(frozen=True)
class _Part:
    """One handling clock of a case (a reopened case has two)."""

    outcome: Outcome
    completed: bool
    used_days: float
    score: int | None
    reopened: bool
    stopped: bool  # completed or handed over, not running


#: Of two resolutions of one case, the worse one counts.
_WORSE = {Outcome.ON_TIME: 0, Outcome.LATE_WITH_EXTENSION: 1, Outcome.LATE: 2}


def _case(parts: list[_Part]) -> Case:
    """A case from its clocks: after a reopening, the case is where its last clock is."""
    last = parts[-1]
    state = last.outcome
    if last.completed:
        state = max((p.outcome for p in parts if p.completed), key=lambda o: _WORSE.get(o, 0))
    scores = [p.score for p in parts if p.score is not None]
    return Case(
        outcome=state,
        completed=last.completed,
        working_days=sum(p.used_days for p in parts) if last.completed else None,
        score=scores[-1] if scores else None,
        reraised=any(p.reopened for p in parts),
    )


@dataclass(frozen=True)
class CaseFile:
    """A case as read: the clock that opens it, its report's facts, and its clocks."""

    root_id: int
    row: CaseRow | None  # None: forwarded or returned in time (never in the unit's remit)
    settled: bool  # every clock of the case has stopped: it will not change any more


def cases_of(rows, now: datetime) -> list[CaseFile]:
    """The cases of :func:`clock_rows`' rows (ordered by clock id), as of ``now``; each
    case's working time counted on its province's calendar. A continuing clock whose
    first clock is not among the rows belongs to a case received elsewhen: left out."""
    calendars: dict[int | None, WorkingCalendar] = {None: working_calendar()}
    width = len(_CLOCK_COLUMNS)
    cases: dict[int, tuple[_Clock, int | None, str, int | None, list[_Part]]] = {}
    root_of: dict[int, int] = {}  # clock -> the first clock of its case
    for row in rows:
        clock_id, continues_id = row[0], row[1]
        clock = _Clock(*row[2 : 2 + width])
        admin_unit_id, channel, province_id, score, reopened_at = row[2 + width :]
        own = calendars.get(province_id)
        if own is None:
            own = calendars[province_id] = working_calendar(province_id)
        clock_facts = facts(clock, now, own)
        part = _Part(
            outcome(clock_facts),
            clock.completed_at is not None,
            own.in_days(clock_facts.used),
            score,
            reopened_at is not None,
            not clock.open and clock.run_started_at is None,
        )
        if continues_id is None:
            root_of[clock_id] = clock_id
            cases[clock_id] = (clock, admin_unit_id, channel, province_id, [part])
        elif continues_id in root_of:
            root_of[clock_id] = root_of[continues_id]
            cases[root_of[clock_id]][4].append(part)
    files = []
    for root_id, (clock, admin_unit_id, channel, province_id, parts) in cases.items():
        row = None
        if parts[0].outcome != Outcome.HANDED_OVER:
            row = CaseRow(
                _case(parts),
                clock.department_id,
                admin_unit_id,
                clock.started_at,
                channel,
                province_id,
            )
        files.append(CaseFile(root_id, row, all(p.stopped for p in parts)))
    return files


def open_case_rows(scope: Scope, period: Period, now: datetime) -> list[CaseRow]:
    """The cases received in the period within the scope that are not settled yet (or
    whose figures are not stored yet), as of ``now``."""
    rows = db.session.execute(_statement(scope, period, working_calendar()))
    return [file.row for file in cases_of(rows, now) if file.row is not None]
