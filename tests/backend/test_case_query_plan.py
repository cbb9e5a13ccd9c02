"""The statistics' case query reads a month through indexes at 300,000 clocks (PostgreSQL only).

``cases.open_case_rows`` reads the (open) handling clocks started in a period and the clocks that
continue them after a reopening (what the public statistics, the operations board and
its trends count). These tests fill two years of reports with their handling clocks
(three years, a third rated, one in 25 reopened ten days later), ANALYZE, run the real service
while recording the SQL it sends, and EXPLAIN ANALYZE that exact SQL: for the last 30
days no Seq Scan on report_clocks or reports (the clocks not settled are read through
ix_report_clocks_unsettled: with nothing settled, all of them) (the approach of
tests/backend/test_board_query_plan.py). The rows are also compared with those of the
former single query (``started OR continues_id IN (...)``), including reopenings that
cross the period's edges.

Run alone with ``-s`` to see the plan and the measured time::

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/phananh_plan \\
    REDIS_URL=redis://127.0.0.1:6379/11 \\
    python -m pytest -q -s tests/backend/test_case_query_plan.py
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, text

from backend.db import commit, db
from backend.domain.sla import ClockKind
from backend.localtime import local_date
from backend.models import (
    Category,
    Department,
    DepartmentKind,
    Rating,
    Report,
    ReportClock,
    Resident,
)
from backend.models.rating import RaterKind
from backend.services.sla import working_calendar
from backend.services.statistics import Period, Scope
from backend.services.statistics.cases import _CLOCK_COLUMNS, _statement, open_case_rows
from backend.services.statistics.settled import settle_batch
from backend.services.statistics.tally import DEPARTMENT, WHOLE, figures_by, with_month

pytestmark = pytest.mark.postgres

REPORTS = 100_000
#: Three years of reports: a month is about 3% of them.
DAYS = 1095
#: A resident's description, its public copy and the search text are a few hundred
#: characters: a report row is as wide as a real one (what a sequential scan reads).
TEXT = "Ổ gà sâu trước nhà số 12, xe máy đi qua rất nguy hiểm, đã nhiều lần té ngã. " * 4
RUNS = 5
DAY = 8 * 3600

_REPORTS = f"""
INSERT INTO reports (code, category_id, description, public_description, search_text, lat, lng,
    location_source, admin_unit_id, department_id, status, severity, reporter_id,
    created_at, updated_at, assigned_at, resolved_at, version)
SELECT 'PC-' || lpad(g::text, 7, '0'), :category, :text || g, :text || g,
       'pc ' || g || ' ' || :text, 10.0, 105.75, 'device',
       (:units)[1 + g % cardinality(:units)],
       (:departments)[1 + (g / 7) % cardinality(:departments)],
       CASE WHEN g % 10 = 0 THEN 'assigned' ELSE 'resolved' END, 'normal', :reporter,
       created, created, created,
       CASE WHEN g % 10 <> 0 THEN created + (g % 20) * interval '1 day' END, 1
FROM generate_series(1, {REPORTS}) AS g,
     -- Three years of reports, filed (and their clocks started) in the order of their id
     -- as in real life: a month's clocks are next to each other in the table.
     LATERAL (SELECT :now - make_interval(secs => ({REPORTS} - g)
                                                  * ({DAYS} * 86400.0 / {REPORTS}))) AS t(created)
"""
#: Each report's clocks: accepting, handling and publishing (the same start).
_CLOCKS = """
INSERT INTO report_clocks (report_id, department_id, kind, budget_seconds,
    original_budget_seconds, started_at, run_started_at, consumed_seconds, due_at,
    completed_at, extension_in_time, superseded, reminders_sent, version)
SELECT r.id, r.department_id, k.kind, :budget, :budget, r.assigned_at,
       CASE WHEN r.resolved_at IS NULL THEN r.assigned_at END,
       CASE WHEN r.resolved_at IS NULL THEN 0 ELSE (r.id % 20) * 3600 END,
       r.assigned_at + (r.id % 30) * interval '1 day', r.resolved_at, false, false, 0, 1
FROM reports r, (VALUES ('accept'), ('handle'), ('publish')) AS k(kind)
WHERE r.code LIKE 'PC-%'
ORDER BY r.id, k.kind
"""
#: One in 25 resolved cases reopened: a clock continuing it, started ten days later.
_REOPENED = """
INSERT INTO report_clocks (report_id, department_id, kind, budget_seconds,
    original_budget_seconds, started_at, run_started_at, consumed_seconds, due_at,
    completed_at, extension_in_time, superseded, reminders_sent, continues_id, version)
SELECT c.report_id, c.department_id, 'handle', :budget, :budget,
       c.started_at + interval '10 days', NULL, 7200, c.started_at + interval '20 days',
       c.started_at + interval '11 days', false, false, 0, c.id, 1
FROM report_clocks c JOIN reports r ON r.id = c.report_id
WHERE r.code LIKE 'PC-%' AND c.kind = 'handle' AND c.completed_at IS NOT NULL
  AND c.report_id % 25 = 1
"""
_RATINGS = """
INSERT INTO report_ratings (report_id, clock_id, resident_id, kind, score, created_at,
    reopened_at)
SELECT c.report_id, c.id, :reporter, 'reporter', 1 + c.report_id % 5, c.completed_at,
       CASE WHEN c.continues_id IS NULL AND c.report_id % 25 = 1 THEN c.completed_at END
FROM report_clocks c JOIN reports r ON r.id = c.report_id
WHERE r.code LIKE 'PC-%' AND c.kind = 'handle' AND c.completed_at IS NOT NULL
  AND (c.report_id % 3 = 0 OR c.report_id % 25 = 1)
"""


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _describe(plan: dict, depth: int = 0) -> str:
    parts = [plan["Node Type"]]
    if "Index Name" in plan:
        parts.append(f"using {plan['Index Name']}")
    if "Relation Name" in plan:
        parts.append(f"on {plan['Relation Name']}")
    if "Actual Rows" in plan:
        parts.append(f"(rows={plan['Actual Rows']}, loops={plan.get('Actual Loops', 1)})")
    line = "  " * depth + " ".join(parts)
    return "\n".join([line, *(_describe(child, depth + 1) for child in plan.get("Plans", []))])


def _explain(statement: str, parameters) -> tuple[dict, float]:
    """The plan of the last of RUNS executions and their median execution time (ms)."""
    times, plan = [], None
    with db.engine.connect() as conn:
        for _ in range(RUNS):
            result = conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
            ).scalar_one()
            times.append(result[0]["Execution Time"])
            plan = result[0]["Plan"]
    return plan, statistics.median(times)


def _case_statement(period: Period, now: datetime) -> tuple[str, dict]:
    """The case query ``open_case_rows`` sends for ``period``, with its parameters."""
    sent: list[tuple[str, dict]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        open_case_rows(Scope(), period, now)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    found = [(s, p) for s, p in sent if "FROM report_clocks" in s and "report_ratings" in s]
    assert len(found) == 1, sent
    return found[0]


def _former_rows(period: Period) -> list[tuple]:
    """The rows of the former single query: ``started OR continues_id IN (first ones)``."""
    begin, finish = period.bounds(working_calendar())
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
        .where(
            ReportClock.kind == ClockKind.HANDLE,
            started | ReportClock.continues_id.in_(first_ones),
        )
        .order_by(ReportClock.id)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


@pytest.fixture
def clocks_300k(city, committed):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    reporter = Resident(firebase_uid="case-plan-reporter", phone="+84900000001")
    db.session.add(reporter)
    commit()
    departments = list(
        db.session.scalars(
            select(Department.id)
            .where(Department.kind != DepartmentKind.COORDINATOR)
            .order_by(Department.id)
        )
    )
    units = [d.areas[0].id for d in db.session.scalars(select(Department)) if d.areas]
    category = db.session.scalar(select(Category.id).order_by(Category.id))
    assert departments and units and category
    now = datetime.now(UTC)
    params = {
        "category": category,
        "units": units,
        "departments": departments,
        "reporter": reporter.id,
        "now": now,
        "budget": 15 * DAY,
        "text": TEXT,
    }
    with db.engine.begin() as conn:
        # 100,000 reports with their search index (pg_trgm): longer than the app's
        # per-request statement budget on a loaded machine.
        conn.execute(text("SET LOCAL statement_timeout = 0"))
        for statement in (_REPORTS, _CLOCKS, _REOPENED, _RATINGS):
            conn.execute(text(statement), params)
        conn.execute(text("ANALYZE reports"))
        conn.execute(text("ANALYZE report_clocks"))
        conn.execute(text("ANALYZE report_ratings"))
    return now


def test_a_month_of_cases_is_read_through_indexes(clocks_300k):
    now = clocks_300k
    clocks = db.session.scalar(text("SELECT count(*) FROM report_clocks"))
    assert clocks > 300_000
    today = local_date(now)
    month = Period(today - timedelta(days=29), today)
    statement, parameters = _case_statement(month, now)
    plan, ms = _explain(statement, parameters)
    described = _describe(plan)
    print(f"\ncase query, last 30 days, at {clocks} clocks: {ms:.2f} ms (median of {RUNS})")
    print(described)
    nodes = list(_nodes(plan))
    seq = [
        n["Relation Name"]
        for n in nodes
        if n["Node Type"] == "Seq Scan" and n["Relation Name"] in ("report_clocks", "reports")
    ]
    assert not seq, f"sequential scan of {seq}\n{described}"
    indexes = {n.get("Index Name") for n in nodes}
    assert "ix_report_clocks_unsettled" in indexes, described  # the open ones (0028)
    assert "ix_report_clocks_continues" in indexes, described


def test_the_cases_are_those_of_the_former_single_query(clocks_300k):
    """The same clocks, reports and ratings in the same order, for periods whose edges
    cut reopenings (started before and continued in, started in and continued after)."""
    now = clocks_300k
    today = local_date(now)
    cal = working_calendar()
    for period in (
        Period(today - timedelta(days=29), today),
        Period(today - timedelta(days=100), today - timedelta(days=60)),
        Period.last_months(today, 6),
    ):
        former = _former_rows(period)
        finish = period.bounds(cal)[1]
        roots = {row[0] for row in former if row[1] is None}
        continued = [row for row in former if row[1] is not None]
        assert any(row[3] >= finish for row in continued)  # continued after the period
        assert any(row[1] not in roots for row in continued)  # received before it
        assert any(row[15] is not None for row in former)  # rated (its score)
        rows = [tuple(row) for row in db.session.execute(_statement(Scope(), period, cal))]
        assert rows == former, period
        assert open_case_rows(Scope(), period, now)


def test_stored_figures_give_the_figures_worked_out_case_by_case(clocks_300k):
    """The bulk rows have no stored figures: every case is worked out in Python. Once
    ``settle`` has stored the closed ones, the database counts those (GROUP BY and
    PostgreSQL's percentiles): every figure, whole, by unit and by unit and month, is
    the same, and a year of cases is counted faster."""
    import time

    now = clocks_300k
    year = Period.last_months(local_date(now), 12)
    keys = (WHOLE, DEPARTMENT, with_month(DEPARTMENT, year))
    started = time.perf_counter()
    worked_out = [dict(figures_by(Scope(), year, now, key)) for key in keys]
    slow = time.perf_counter() - started
    after = 0
    while (done := settle_batch(after, 20_000)) is not None:
        after = done[0]
    commit()
    stored = db.session.scalar(select(func.count()).where(ReportClock.case_outcome.is_not(None)))
    assert stored > 50_000
    started = time.perf_counter()
    counted = [dict(figures_by(Scope(), year, now, key)) for key in keys]
    fast = time.perf_counter() - started
    print(f"\na year's figures, 3 groupings: worked out {slow:.2f} s, stored {fast:.2f} s")
    assert worked_out[0][()]["received"] > 20_000
    for before, after_settling in zip(worked_out, counted, strict=True):
        assert before == after_settling
    assert fast < slow
