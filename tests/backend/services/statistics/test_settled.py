"""Settled cases' figures are stored when their clocks stop, and the statistics read
from them are those of every case worked out one by one (backend.services.statistics.settled
and .tally)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select, update

from backend.db import commit, db
from backend.models import ReportClock
from backend.services import ratings, statistics, workflow
from backend.services.statistics import Period, Scope
from tests.backend.services.statistics.worked_out import worked_out_figures
from tests.backend.services.test_sla import at, user
from tests.backend.services.test_statistics import NOVEMBER, NOW, november  # noqa: F401

CITY = Scope(admin_unit="92")


def stored(report) -> dict:
    """The stored figures of the report's first handling clock (the case it opens)."""
    db.session.expire_all()
    row = db.session.execute(
        select(
            ReportClock.case_outcome,
            ReportClock.case_completed,
            ReportClock.case_days,
            ReportClock.case_score,
            ReportClock.case_deduction,
        )
        .where(
            ReportClock.report_id == report.id,
            ReportClock.kind == "handle",
            ReportClock.continues_id.is_(None),
        )
        .order_by(ReportClock.id)
    ).first()
    return dict(row._mapping)


def test_closed_cases_are_stored_open_ones_are_not(november):  # noqa: F811
    assert stored(november["A"]) == {
        "case_outcome": "on_time",
        "case_completed": True,
        "case_days": 2.0,
        "case_score": 5,
        "case_deduction": None,
    }
    assert stored(november["B"])["case_deduction"] == "reraised"
    assert stored(november["C"])["case_deduction"] == "unsatisfied"
    assert stored(november["E"])["case_outcome"] == "late"
    assert stored(november["E"])["case_deduction"] == "overdue"
    # Forwarded in time: never Sở Xây dựng's; the case at UBND Ninh Kiều is still open.
    assert stored(november["G"])["case_outcome"] == "handed_over"
    for name in ("D", "F"):  # open: worked out as of the moment they are asked
        assert stored(november[name])["case_outcome"] is None


def test_the_figures_are_those_of_every_case_worked_out(november):  # noqa: F811
    for scope in (Scope(department="so-xd"), CITY, Scope(department="ubnd-ninh-kieu")):
        assert statistics.summary(scope, NOVEMBER, NOW)["figures"] == worked_out_figures(
            scope, NOVEMBER, NOW
        )
    for name in ("month", "department", "admin_unit", "channel"):
        grouped = statistics.report(CITY, NOVEMBER, NOW, group=name)
        assert grouped["figures"] == worked_out_figures(CITY, NOVEMBER, NOW)


def test_without_stored_figures_the_same_figures(app, november):  # noqa: F811
    """A database from before the stored figures (or after a bulk load) counts the same,
    and ``flask statistics settle`` stores them again."""
    before = statistics.report(CITY, NOVEMBER, NOW, group="department")
    db.session.execute(update(ReportClock).values(case_outcome=None, case_days=None))
    commit()
    assert stored(november["A"])["case_outcome"] is None
    assert statistics.report(CITY, NOVEMBER, NOW, group="department") == before
    result = app.test_cli_runner().invoke(args=["statistics", "settle", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["cases"] >= 7
    assert stored(november["A"])["case_outcome"] == "on_time"
    assert statistics.report(CITY, NOVEMBER, NOW, group="department") == before


def test_a_reopened_case_is_open_again_then_stored_with_both_resolutions(file_report):
    officer = user("so-xd.officer")
    report = file_report(at(2026, 11, 2, 8))
    reporter = report.reporter
    workflow.resolve(officer, report, at(2026, 11, 4, 8), "Đã vá.", [], max_photos=6)
    commit()
    assert stored(report)["case_outcome"] == "on_time"
    ratings.rate(reporter, report.code, at(2026, 11, 5, 8), 1, "Vẫn còn ổ gà", window_days=7)
    commit()
    assert stored(report)["case_score"] == 1
    ratings.reopen(reporter, report.code, at(2026, 11, 5, 9), "Chưa vá xong", window_days=7)
    commit()
    assert stored(report)["case_outcome"] is None  # handled again: open
    figures = statistics.summary(Scope(department="so-xd"), NOVEMBER, NOW)["figures"]
    assert (figures["resolved"], figures["overdue_now"] + figures["open_in_time"]) == (0, 1)
    workflow.resolve(officer, report, at(2026, 11, 6, 9), "Đã vá lại.", [], max_photos=6)
    commit()
    assert stored(report) == {
        "case_outcome": "on_time",
        "case_completed": True,
        "case_days": 3.0,  # 2 + 1 working days
        "case_score": 1,
        "case_deduction": "reraised",
    }


def test_a_change_is_counted_before_its_commit(file_report):
    """A service that changes a case and reads the figures in one transaction sees it."""
    officer = user("so-xd.officer")
    report = file_report(at(2026, 11, 2, 8))
    workflow.resolve(officer, report, at(2026, 11, 4, 8), "Đã vá.", [], max_photos=6)
    commit()
    ratings.rate(report.reporter, report.code, at(2026, 11, 5, 8), 2, "Chưa ổn", window_days=7)
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    figures = statistics.summary(Scope(department="so-xd"), period, NOW)["figures"]
    assert (figures["ratings"], figures["unsatisfied"]) == (1, 1)
