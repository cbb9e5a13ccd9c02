"""Settled cases: each case's figures stored on the clock that opens it, once it stops.

A case whose clocks have all stopped (resolved, or handed over) no longer changes
with time, so the statistics need not work it out again on every request: its outcome,
completion, working days, the reporter's last score and its deduction are stored on
its first handling clock (``report_clocks.case_*``) and counted by the database
(:mod:`.tally`). They are computed by the same code as the open cases'
(:func:`backend.services.statistics.cases.cases_of`), so both agree by construction.

When: before each commit (and before the statistics read in the same transaction),
for every report one of whose handling clocks or ratings was added or changed in it.
The ORM session's events find those reports, whatever changed them (a view, a job, the
CLI). Settling recomputes from what the database holds, so a report settled twice, or
one whose transaction was rolled back, comes out right. NULL columns mean "work it
out": a case that reopens is set back to NULL, and a database from before migration
0027 is correct, only slower, until ``flask statistics settle`` has stored what is
already closed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, event, select, text, update
from sqlalchemy.orm import Session

from backend.db import db, utcnow
from backend.domain.scoring import deduction
from backend.domain.sla import ClockKind, Outcome
from backend.models import Rating, ReportClock
from backend.services.statistics.cases import CaseFile, cases_of, clock_rows

_PENDING = "phananh_unsettled_reports"
#: How many reports one statement reads (IN lists stay well under every driver's limit).
_CHUNK = 2000


def _values(file: CaseFile) -> dict:
    """The ``case_*`` columns of one case (all NULL while it is open)."""
    stored = {
        "case_outcome": None,
        "case_completed": None,
        "case_days": None,
        "case_score": None,
        "case_deduction": None,
    }
    if not file.settled:
        return stored
    if file.row is None:
        return {**stored, "case_outcome": Outcome.HANDED_OVER.value}
    case = file.row.case
    reason = deduction(case)
    return {
        "case_outcome": case.outcome.value,
        "case_completed": case.completed,
        "case_days": case.working_days,
        "case_score": case.score,
        "case_deduction": reason.value if reason else None,
    }


_NAMES = ("case_outcome", "case_completed", "case_days", "case_score", "case_deduction")

#: PostgreSQL: one UPDATE for a whole chunk, its values as arrays (six parameters, one
#: cached statement, not one UPDATE per case nor a VALUES list of thousands).
_BULK = text(
    """
    UPDATE report_clocks SET case_outcome = s.o, case_completed = s.c, case_days = s.d,
        case_score = s.s, case_deduction = s.r
    FROM unnest(CAST(:root_id AS integer[]), CAST(:case_outcome AS varchar[]),
                CAST(:case_completed AS boolean[]), CAST(:case_days AS float8[]),
                CAST(:case_score AS smallint[]), CAST(:case_deduction AS varchar[]))
        AS s(id, o, c, d, s, r)
    WHERE report_clocks.id = s.id
    """
)


def _store(connection, rows: list[dict]) -> None:
    """Write the cases' columns: on PostgreSQL one UPDATE for the lot (a backfill of a
    million cases in minutes); elsewhere one statement run for each case."""
    if connection.dialect.name == "postgresql":
        columns = ("root_id", *_NAMES)
        connection.execute(_BULK, {name: [row[name] for row in rows] for name in columns})
        return
    table = ReportClock.__table__
    each = (
        update(table)
        .where(table.c.id == bindparam("root_id"))
        .values({name: bindparam(name) for name in _NAMES})
    )
    connection.execute(each, rows)


def _lock(connection, report_ids: list[int]) -> None:
    """PostgreSQL: lock the first clocks of these reports' cases (the rows settling writes),
    in id order, before their cases are read. Two transactions settling one report at once
    (a rating and a follower's answer, a request and ``flask statistics settle``) then run
    one after the other, and the second reads what the first committed (READ COMMITTED: a
    statement sees what was committed before it started); otherwise it would write the
    figures it read before the first committed over the first's. SQLite has one writer."""
    if connection.dialect.name != "postgresql":
        return
    connection.execute(
        select(ReportClock.id)
        .where(
            ReportClock.report_id.in_(report_ids),
            ReportClock.kind == ClockKind.HANDLE,
            ReportClock.continues_id.is_(None),
        )
        .order_by(ReportClock.id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: what the UPDATE takes
    )


def settle(report_ids: Iterable[int], session: Session | None = None) -> int:
    """Store (or clear) the figures of every case of these reports; how many cases."""
    ids = sorted(set(report_ids))
    connection = (session or db.session()).connection()
    done = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        _lock(connection, chunk)
        rows = connection.execute(
            clock_rows(ReportClock.report_id.in_(chunk)).order_by(ReportClock.id)
        )
        found = [{"root_id": f.root_id, **_values(f)} for f in cases_of(rows, utcnow())]
        for part in range(0, len(found), _CHUNK):
            # On the connection, not through the ORM: these columns are a projection that
            # no object holds (the response cache's ORM hooks need not see it either).
            _store(connection, found[part : part + _CHUNK])
        done += len(found)
    return done


def settle_pending(session: Session | None = None) -> None:
    """Store the figures of the cases this transaction changed (before reading them)."""
    session = session or db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()  # what is pending reaches the database (and _after_flush)
    pending = session.info.pop(_PENDING, None)
    if pending:
        settle(pending, session)


def settle_batch(after_id: int, limit: int) -> tuple[int, int] | None:
    """Store the figures of the cases of up to ``limit`` reports with an id above
    ``after_id`` (the backfill): the last report id done and how many cases, None when
    there are no more."""
    ids = list(
        db.session.scalars(
            select(ReportClock.report_id)
            .where(ReportClock.kind == ClockKind.HANDLE, ReportClock.report_id > after_id)
            .group_by(ReportClock.report_id)
            .order_by(ReportClock.report_id)
            .limit(limit)
        )
    )
    if not ids:
        return None
    return ids[-1], settle(ids)


def _after_flush(session: Session, _context) -> None:
    touched = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if (isinstance(obj, ReportClock) and obj.kind == ClockKind.HANDLE) or isinstance(
            obj, Rating
        ):
            touched.add(obj.report_id)
    touched.discard(None)


def _before_commit(session: Session) -> None:
    settle_pending(session)


def listen() -> None:
    """Register the session hooks (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
