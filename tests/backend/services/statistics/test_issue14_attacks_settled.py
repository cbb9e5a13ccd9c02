"""Issue 14 seen by a hostile tester, the settled cases' stored figures: whatever residents
and staff do to a rated case afterwards (a second rating refused, the reporter's account
deleted, a reopening and a resolution again; a resolved report cannot be refused, an open
one refused ends its clocks),
the statistics equal every case worked out one by one."""

from __future__ import annotations

from datetime import date

import pytest

from backend.db import commit, db
from backend.services import ratings, statistics, workflow
from backend.services.statistics import Period, Scope
from backend.services.timeline import InvalidTransitionError
from tests.backend.services.statistics.worked_out import worked_out_figures
from tests.backend.services.test_sla import at, user

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))
NOW = at(2026, 11, 27, 10)
SCOPES = (Scope(department="so-xd"), Scope(admin_unit="92"), Scope())


def _same() -> None:
    for scope in SCOPES:
        assert statistics.summary(scope, PERIOD, NOW)["figures"] == worked_out_figures(
            scope, PERIOD, NOW
        ), scope
        for group in ("month", "department", "channel"):
            grouped = statistics.report(scope, PERIOD, NOW, group=group)
            assert grouped["figures"] == worked_out_figures(scope, PERIOD, NOW), (scope, group)


@pytest.fixture
def rated(file_report):
    """A case resolved on time and rated 2 (unsatisfied) by its reporter."""
    officer = user("so-xd.officer")
    report = file_report(at(2026, 11, 2, 8))
    workflow.resolve(officer, report, at(2026, 11, 4, 8), "Đã vá.", [], max_photos=6)
    commit()
    ratings.rate(report.reporter, report.code, at(2026, 11, 5, 8), 2, "Chưa ổn", window_days=7)
    commit()
    _same()
    return report


def test_a_second_rating_is_refused_and_changes_nothing(rated):
    before = statistics.summary(SCOPES[0], PERIOD, NOW)["figures"]
    with pytest.raises(Exception):  # noqa: B017 (AlreadyRated, whatever its class)
        ratings.rate(rated.reporter, rated.code, at(2026, 11, 5, 9), 5, "Ổn", window_days=7)
    db.session.rollback()
    assert statistics.summary(SCOPES[0], PERIOD, NOW)["figures"] == before
    _same()


def test_the_reporters_account_deleted_keeps_the_figures(rated):
    before = statistics.summary(SCOPES[0], PERIOD, NOW)["figures"]
    reporter = rated.reporter
    reporter.phone, reporter.display_name, reporter.deleted_at = None, None, NOW
    commit()
    assert statistics.summary(SCOPES[0], PERIOD, NOW)["figures"] == before
    _same()


def test_reopened_and_resolved_again_then_refused_by_a_moderator(rated):
    officer = user("so-xd.officer")
    ratings.reopen(rated.reporter, rated.code, at(2026, 11, 5, 9), "Chưa vá xong", window_days=7)
    commit()
    _same()
    workflow.resolve(officer, rated, at(2026, 11, 9, 9), "Đã vá lại.", [], max_photos=6)
    commit()
    _same()
    with pytest.raises(InvalidTransitionError):  # a resolved report is never refused
        workflow.reject(user("moderator"), rated, at(2026, 11, 10, 9), "Spam", moderating=True)
    db.session.rollback()
    _same()


def test_an_open_case_refused_is_stored_as_the_others_count_it(file_report, rated):
    report = file_report(at(2026, 11, 3, 8))
    commit()
    _same()
    workflow.reject(user("coordinator"), report, at(2026, 11, 3, 10), "Không thuộc phạm vi")
    commit()
    _same()
