"""Every case of a period worked out one by one from its clocks, ignoring the stored
figures: what the statistics must equal, whatever they read."""

from __future__ import annotations

from datetime import datetime

from backend.db import db
from backend.domain.scoring import figures
from backend.models import ReportClock
from backend.services.sla import working_calendar
from backend.services.statistics import Period, Scope
from backend.services.statistics.cases import CaseRow, cases_of, clock_rows, scoped


def worked_out(scope: Scope, period: Period, now: datetime) -> list[CaseRow]:
    begin, finish = period.bounds(working_calendar())
    started = (ReportClock.started_at >= begin) & (ReportClock.started_at < finish)
    continued = ReportClock.continues_id.is_not(None)
    stmt = scoped(clock_rows(started | continued), scope).order_by(ReportClock.id)
    rows = [r for r in db.session.execute(stmt) if r[1] is not None or started_in(r, begin, finish)]
    return [f.row for f in cases_of(rows, now) if f.row is not None]


def started_in(row, begin, finish) -> bool:
    return begin <= row[3] < finish  # the clock's started_at


def worked_out_figures(scope: Scope, period: Period, now: datetime) -> dict:
    return figures(row.case for row in worked_out(scope, period, now)).as_dict()
