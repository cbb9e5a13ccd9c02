"""The figures of a scope and period, grouped by a key: settled cases counted by the
database, open ones worked out as of now, added up.

A settled case's figures are stored (:mod:`.settled`), so the database counts them
with one GROUP BY (the tallies) and gives their resolution times' median and 90th
percentile (PostgreSQL's ``percentile_cont``/``percentile_disc``, which are the
definitions of :mod:`backend.domain.scoring`; elsewhere the times are read and the
same Python functions apply). The open cases, whose outcome depends on the moment,
are read and worked out as before (:func:`.cases.open_case_rows`), with the closed
cases whose figures are not stored yet (a database before ``flask statistics settle``):
when there are such, the resolution times are all read and counted in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select

from backend.db import db
from backend.domain.scoring import Deduction, Tally, figures_of, median, percentile
from backend.domain.sla import ClockKind, Outcome
from backend.models import Report, ReportClock
from backend.services.sla import working_calendar
from backend.services.statistics.cases import CaseRow, open_case_rows, scoped
from backend.services.statistics.period import Period, Scope
from backend.services.statistics.settled import settle_pending


@dataclass(frozen=True)
class Key:
    """What the figures are grouped by: SQL expressions over a settled case's clock (and
    its report when ``on_report``), and the same key of an open case's row (a tuple)."""

    columns: Sequence
    of: Callable[[CaseRow], tuple]
    on_report: bool = False


WHOLE = Key((), lambda row: ())
DEPARTMENT = Key((ReportClock.department_id,), lambda row: (row.department_id,))
CHANNEL = Key((Report.channel,), lambda row: (row.channel,), on_report=True)
PROVINCE = Key((Report.province_id,), lambda row: (row.province_id,), on_report=True)


def month_key(period: Period) -> Key:
    """The local month ('YYYY-MM') in which the unit received the case."""
    tz = working_calendar().tz
    months = [(start.strftime("%Y-%m"), Period(start, end)) for start, end in period.months()]
    cal = working_calendar()
    column = case(
        *((ReportClock.started_at < span.bounds(cal)[1], name) for name, span in months),
        else_=None,
    )
    return Key((column,), lambda row: (row.started_at.astimezone(tz).strftime("%Y-%m"),))


def place_key(child_of: dict[int, Hashable]) -> Key:
    """The child unit (of a parent) that contains the report: ``child_of`` maps each
    administrative unit id under the parent to its child's id."""
    members: dict[Hashable, list[int]] = defaultdict(list)
    for unit_id, child in child_of.items():
        members[child].append(unit_id)
    if not members:
        return Key((Report.admin_unit_id.is_(None),), lambda row: (None,), on_report=True)
    column = case(
        *((Report.admin_unit_id.in_(ids), child) for child, ids in members.items()),
        else_=None,
    )
    return Key((column,), lambda row: (child_of.get(row.admin_unit_id),), on_report=True)


def with_month(key: Key, period: Period) -> Key:
    """``key`` and the month together (a unit's months, say)."""
    month = month_key(period)
    return Key(
        (*key.columns, *month.columns),
        lambda row: key.of(row) + month.of(row),
        on_report=key.on_report,
    )


def _settled(scope: Scope, period: Period, key: Key) -> Select:
    """The settled cases' first clocks in the period and scope (ix_report_clocks_settled;
    the reports joined only when the scope or the key needs them)."""
    begin, finish = period.bounds(working_calendar())
    stmt = select().select_from(ReportClock)
    if key.on_report or scope.admin_unit or scope.province is not None:
        stmt = stmt.join(Report, Report.id == ReportClock.report_id)
    stmt = stmt.where(
        ReportClock.kind == ClockKind.HANDLE,
        ReportClock.continues_id.is_(None),
        ReportClock.started_at >= begin,
        ReportClock.started_at < finish,
        ReportClock.case_outcome.is_not(None),
        ReportClock.case_outcome != Outcome.HANDED_OVER.value,
    )
    return scoped(stmt, scope)


def _tallies(scope: Scope, period: Period, key: Key) -> dict[tuple, Tally]:
    n = len(key.columns)
    stmt = (
        _settled(scope, period, key)
        .add_columns(
            *key.columns,
            ReportClock.case_outcome,
            ReportClock.case_completed,
            ReportClock.case_deduction,
            func.count(),
            func.count(ReportClock.case_score),
            func.coalesce(func.sum(ReportClock.case_score), 0),
        )
        .group_by(
            *key.columns,
            ReportClock.case_outcome,
            ReportClock.case_completed,
            ReportClock.case_deduction,
        )
    )
    tallies: dict[tuple, Tally] = defaultdict(Tally)
    for row in db.session.execute(stmt):
        outcome, completed, reason, count, ratings, score_total = row[n:]
        tallies[tuple(row[:n])].count(
            Outcome(outcome),
            bool(completed),
            Deduction(reason) if reason else None,
            ratings=ratings,
            score_total=int(score_total),
            count=count,
        )
    return tallies


def _times(
    scope: Scope, period: Period, key: Key, more: dict[tuple, list[float]]
) -> dict[tuple, tuple]:
    """The resolution times per key, (median, 90th percentile), of the settled cases and
    of ``more`` (cases resolved whose figures are not stored yet)."""
    n = len(key.columns)
    days = ReportClock.case_days
    base = _settled(scope, period, key).where(
        ReportClock.case_completed.is_(True), days.is_not(None)
    )
    if not more and db.session.get_bind().dialect.name == "postgresql":
        stmt = base.add_columns(
            *key.columns,
            func.percentile_cont(0.5).within_group(days),
            func.percentile_disc(0.9).within_group(days),
        ).group_by(*key.columns)
        return {tuple(row[:n]): (row[n], row[n + 1]) for row in db.session.execute(stmt)}
    found: dict[tuple, list[float]] = defaultdict(list, {k: list(v) for k, v in more.items()})
    for row in db.session.execute(base.add_columns(*key.columns, days)):
        found[tuple(row[:n])].append(row[n])
    return {k: (median(v), percentile(v, 0.9)) for k, v in found.items()}


class Grouped(dict):
    """Figures (as dicts) by key; a key with no case has the figures of none."""

    def __missing__(self, key):
        return figures_of(Tally(), None, None).as_dict()


def figures_by(scope: Scope, period: Period, now: datetime, key: Key = WHOLE) -> Grouped:
    """The figures of the scope's cases received in the period, as of ``now``, by key
    (a tuple of the key's values; ``()`` for the whole)."""
    settle_pending()
    tallies = _tallies(scope, period, key)
    resolved: dict[tuple, list[float]] = defaultdict(list)
    for row in open_case_rows(scope, period, now):
        tallies[key.of(row)].add(row.case)
        if row.case.completed and row.case.working_days is not None:
            resolved[key.of(row)].append(row.case.working_days)  # closed, not stored yet
    times = _times(scope, period, key, resolved)
    return Grouped(
        {k: figures_of(t, *times.get(k, (None, None))).as_dict() for k, t in tallies.items()}
    )
