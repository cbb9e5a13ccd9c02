"""Statistics: one definition for the staff API, the public API, the portal and the exports.

Cases (see :mod:`backend.domain.scoring`) are the handling clocks started in a
period, read with the reporter's rating of the resolution that completed them.
A case belongs to the period in which the unit received it (its clock started),
to the unit whose clock it is, and to the administrative unit where the report
is located. The figures are computed from the cases by the pure
:func:`backend.domain.scoring.figures`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select

from backend.db import db
from backend.domain.calendar import WorkingCalendar
from backend.domain.scoring import Case, figures
from backend.domain.sla import ClockKind, Outcome, outcome
from backend.errors import NotFound, ValidationFailed
from backend.models import (
    AdminUnit,
    Department,
    DepartmentKind,
    Rating,
    Report,
    ReportClock,
    StaffUser,
)
from backend.models.rating import RaterKind
from backend.services import policy
from backend.services.queries import id_of, unit_and_descendants
from backend.services.sla import facts, working_calendar

#: The longest period one request may cover (monthly series, exports of figures).
MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Scope:
    """Whose cases: one handling unit, one administrative unit (with its wards), or all."""

    department: str | None = None
    admin_unit: str | None = None


@dataclass(frozen=True)
class Period:
    """Local calendar dates, both included."""

    start: date
    end: date

    def __post_init__(self):
        if self.start > self.end:
            raise ValidationFailed(
                "Ngày bắt đầu sau ngày kết thúc.",
                "The period starts after it ends.",
                code="invalid_period",
                fields={"from": ["'from' is after 'to'."]},
            )
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise ValidationFailed(
                "Khoảng thời gian tối đa 3 năm.",
                "The period may cover at most 3 years.",
                code="period_too_long",
                fields={"to": ["At most 3 years after 'from'."]},
            )

    @classmethod
    def chosen(cls, start: date | None, end: date | None, today: date) -> Period:
        """``from``/``to`` as given; by default the last 12 months (this one included)."""
        return cls(start or cls.last_months(today).start, end or today)

    @classmethod
    def last_months(cls, today: date, months: int = 12) -> Period:
        """The current month and the ``months - 1`` before it, up to today."""
        year, month = today.year, today.month - (months - 1)
        while month < 1:
            year, month = year - 1, month + 12
        return cls(date(year, month, 1), today)

    def months(self) -> list[tuple[date, date]]:
        """Calendar months overlapping the period, clipped to it."""
        spans, first = [], self.start.replace(day=1)
        while first <= self.end:
            following = (first + timedelta(days=32)).replace(day=1)
            spans.append((max(first, self.start), min(following - timedelta(days=1), self.end)))
            first = following
        return spans

    def bounds(self, cal: WorkingCalendar) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time(), cal.tz),
            datetime.combine(self.end + timedelta(days=1), time(), cal.tz),
        )

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class _Row:
    case: Case
    department_id: int
    admin_unit_id: int | None
    started_at: datetime


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
    """Handling clocks started in the period, and the reopenings that continue them."""
    begin, finish = period.bounds(cal)
    started = (
        (ReportClock.kind == ClockKind.HANDLE)
        & (ReportClock.started_at >= begin)
        & (ReportClock.started_at < finish)
    )
    first_ones = select(ReportClock.id).where(started, ReportClock.continues_id.is_(None))
    stmt = (
        select(
            ReportClock.id,
            ReportClock.continues_id,
            *_CLOCK_COLUMNS,
            Report.admin_unit_id,
            Rating.score,
            Rating.reopened_at,
        )
        .join(Report, Report.id == ReportClock.report_id)
        .outerjoin(
            Rating,
            (Rating.clock_id == ReportClock.id) & (Rating.kind == RaterKind.REPORTER),
        )
        .where(
            ReportClock.kind == ClockKind.HANDLE,
            started | ReportClock.continues_id.in_(first_ones),
        )
        .order_by(ReportClock.id)
    )
    if scope.department:
        department_id = id_of(Department, scope.department, "department")
        stmt = stmt.where(ReportClock.department_id == department_id)
    if scope.admin_unit:
        stmt = stmt.where(Report.admin_unit_id.in_(unit_and_descendants(scope.admin_unit)))
    return stmt


@dataclass(frozen=True)
class _Part:
    """One handling clock of a case (a reopened case has two)."""

    outcome: Outcome
    completed: bool
    used_days: float
    score: int | None
    reopened: bool


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


def _rows(scope: Scope, period: Period, now: datetime) -> list[_Row]:
    cal = working_calendar()
    width = len(_CLOCK_COLUMNS)
    cases: dict[int, tuple[_Clock, int | None, list[_Part]]] = {}
    root_of: dict[int, int] = {}  # clock -> the first clock of its case
    for row in db.session.execute(_statement(scope, period, cal)):
        clock_id, continues_id = row[0], row[1]
        clock = _Clock(*row[2 : 2 + width])
        admin_unit_id, score, reopened_at = row[2 + width :]
        clock_facts = facts(clock, now, cal)
        part = _Part(
            outcome(clock_facts),
            clock.completed_at is not None,
            cal.in_days(clock_facts.used),
            score,
            reopened_at is not None,
        )
        if continues_id is None:
            root_of[clock_id] = clock_id
            cases[clock_id] = (clock, admin_unit_id, [part])
        elif continues_id in root_of:  # else the case was received before the period
            root_of[clock_id] = root_of[continues_id]
            cases[root_of[clock_id]][2].append(part)
    rows = []
    for clock, admin_unit_id, parts in cases.values():
        if parts[0].outcome == Outcome.HANDED_OVER:
            continue  # forwarded or returned in time: never in this unit's remit
        rows.append(_Row(_case(parts), clock.department_id, admin_unit_id, clock.started_at))
    return rows


def _figures(rows: list[_Row]) -> dict:
    return figures(row.case for row in rows).as_dict()


def _grouped(rows: list[_Row], key: Callable[[_Row], Hashable]) -> dict[Hashable, list[_Row]]:
    groups: dict[Hashable, list[_Row]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return groups


def summary(scope: Scope, period: Period, now: datetime) -> dict:
    """The figures of one scope over one period."""
    return _summary(scope, period, _rows(scope, period, now))


def _summary(scope: Scope, period: Period, rows: list[_Row]) -> dict:
    return {
        "scope": {"department": scope.department, "admin_unit": scope.admin_unit},
        "period": period.as_dict(),
        "figures": _figures(rows),
    }


def monthly(scope: Scope, period: Period, now: datetime) -> list[dict]:
    """The figures month by month (cases by the month the unit received them)."""
    return _by_month(_rows(scope, period, now), period)


def _by_month(rows: list[_Row], period: Period) -> list[dict]:
    tz = working_calendar().tz
    by_month = _grouped(rows, lambda r: r.started_at.astimezone(tz).strftime("%Y-%m"))
    return [
        {
            "month": start.strftime("%Y-%m"),
            "period": Period(start, end).as_dict(),
            "figures": _figures(by_month.get(start.strftime("%Y-%m"), [])),
        }
        for start, end in period.months()
    ]


def handling_units() -> list[Department]:
    """The units that are scored: every active unit but the coordinator's office."""
    return list(
        db.session.scalars(
            select(Department)
            .where(Department.active.is_(True), Department.kind != DepartmentKind.COORDINATOR)
            .order_by(Department.name)
        )
    )


def _rank_key(entry: dict):
    f = entry["figures"]
    return (f["received"] == 0, -(f["points"] or 0), -(f["on_time_rate"] or 0), -f["received"])


def scoreboard(period: Period, now: datetime, *, admin_unit: str | None = None) -> list[dict]:
    """Handling units ranked by their points (timeliness + satisfaction), best first.

    Units with no case in the period come last, unranked.
    """
    return _ranked(_rows(Scope(admin_unit=admin_unit), period, now))


def _ranked(rows: list[_Row]) -> list[dict]:
    by_unit = _grouped(rows, lambda r: r.department_id)
    entries = [
        {
            "department": {"code": unit.code, "name": unit.name, "kind": unit.kind},
            "figures": _figures(by_unit.get(unit.id, [])),
        }
        for unit in handling_units()
    ]
    entries.sort(key=_rank_key)
    # Competition ranking: units with the same points share a rank (1, 1, 3).
    rank, previous = 0, None
    for position, entry in enumerate(entries, start=1):
        points = entry["figures"]["points"]
        if points is None:
            entry["rank"] = None
            continue
        if points != previous:
            rank, previous = position, points
        entry["rank"] = rank
    return entries


def by_admin_unit(
    period: Period, now: datetime, *, parent: str | None = None, department: str | None = None
) -> list[dict]:
    """The figures per administrative unit directly under ``parent`` (default: the top units).

    A case counts for the child unit that contains the report's location.
    """
    return _by_place(_rows(Scope(department=department, admin_unit=parent), period, now), parent)


def _by_place(rows: list[_Row], parent: str | None) -> list[dict]:
    units = _children(parent)
    parents = dict(db.session.execute(select(AdminUnit.id, AdminUnit.parent_id)).all())
    by_id = {unit.id: unit for unit in units}

    def child_of(unit_id: int | None) -> AdminUnit | None:
        while unit_id is not None and unit_id not in by_id:
            unit_id = parents.get(unit_id)
        return by_id.get(unit_id)

    groups = _grouped(rows, lambda r: child_of(r.admin_unit_id))
    return [
        {
            "admin_unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
            "figures": _figures(groups.get(unit, [])),
        }
        for unit in units
    ]


def _children(parent: str | None) -> list[AdminUnit]:
    if parent is None:
        stmt = select(AdminUnit).where(AdminUnit.parent_id.is_(None))
    else:
        # By current or legacy code; unknown codes are refused the same way everywhere.
        stmt = select(AdminUnit).where(AdminUnit.parent_id == unit_and_descendants(parent)[0])
    return list(db.session.scalars(stmt.order_by(AdminUnit.name)))


def staff_desk(
    staff: StaffUser, period: Period, now: datetime, *, department: str | None = None
) -> list[dict]:
    """Each unit's figures for the staff desk, by unit code; a unit's own staff see only theirs."""
    wanted = policy.stats_units(staff)  # a unit's own staff read only their unit's figures
    if wanted is None and department:
        id_of(Department, department, "department")  # unknown codes: 422 unknown_department
        wanted = {department}
    entries = [
        {
            "department": {"code": e["department"]["code"], "name": e["department"]["name"]},
            **period.as_dict(),
            **e["figures"],
        }
        for e in scoreboard(period, now)
        if wanted is None or e["department"]["code"] in wanted
    ]
    return sorted(entries, key=lambda e: e["department"]["code"])


class DepartmentNotFound(NotFound):
    code = "department_not_found"
    message_vi = "Không tìm thấy đơn vị xử lý."
    message_en = "No such handling unit."


def handling_unit(code: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None or not department.active or department.is_coordinator:
        raise DepartmentNotFound()
    return department


def department_page(code: str, period: Period, now: datetime) -> dict:
    """A unit's figures over the period and month by month (its public page)."""
    department = handling_unit(code)
    scope = Scope(department=department.code)
    rows = _rows(scope, period, now)
    return {
        "department": department,
        **_summary(scope, period, rows),
        "by_month": _by_month(rows, period),
    }


def report(scope: Scope, period: Period, now: datetime, *, group: str | None = None) -> dict:
    """The figures of a scope, optionally with the same figures by month, unit or place.

    The cases are read once; the groups are the same cases counted by another key.
    """
    rows = _rows(scope, period, now)
    result = _summary(scope, period, rows)
    if group == "month":
        result["by_month"] = _by_month(rows, period)
    elif group == "department":
        result["by_department"] = [
            e
            for e in _ranked(rows)
            if scope.department is None or e["department"]["code"] == scope.department
        ]
    elif group == "admin_unit":
        result["by_admin_unit"] = _by_place(rows, scope.admin_unit)
    return result
