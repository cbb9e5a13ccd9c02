"""Ratings through the service, at chosen instants: the window, the clock rated, reopening."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, insert, select

from backend.db import commit, db, rollback
from backend.domain.workflow import Action
from backend.errors import ValidationFailed
from backend.models import Rating, Report, ReportClock, ReportEvent, Resident, StaffUser
from backend.models.event import ActorKind
from backend.models.report import FollowerSource
from backend.seed import DEMO_SCORES, REOPENED, seed_demo
from backend.services import following, intake, ratings, workflow
from backend.services.photos import Upload
from backend.services.ratings import (
    REOPEN_NOTE,
    AlreadyRated,
    AlreadyReopened,
    NotFollower,
    NotReporter,
    NotResolved,
    RatingWindowClosed,
    ReopenNeedsUnsatisfiedRating,
)
from backend.services.timeline import record
from tests.conftest import NINH_KIEU, photo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FILED = datetime(2026, 11, 16, 9, 0, tzinfo=VN)  # a Monday
RESOLVED = datetime(2026, 11, 18, 10, 0, tzinfo=VN)
WEEK = 7


def person(uid: str) -> Resident:
    resident = Resident(firebase_uid=uid, phone=None)
    db.session.add(resident)
    commit()
    return resident


def officer() -> StaffUser:
    return db.session.query(StaffUser).filter_by(username="so-xd.officer").one()


def coordinator() -> StaffUser:
    return db.session.query(StaffUser).filter_by(username="coordinator").one()


@pytest.fixture
def reporter(city) -> Resident:
    return person("ratings-reporter")


@pytest.fixture
def file_report(reporter):
    def make(at: datetime = FILED) -> Report:
        report = intake.submit(
            reporter,
            intake.NewReport("giao-thong", "Ổ gà sâu giữa đường", NINH_KIEU[0], NINH_KIEU[1], None),
            [Upload("p.jpg", photo("Canon_40D.jpg"))],
            at,
            max_photos=6,
        )
        commit()
        assert report.department.code == "so-xd"
        return report

    return make


def resolve(report: Report, at: datetime = RESOLVED) -> Report:
    workflow.resolve(officer(), report, at, "Đã vá xong.", [], max_photos=6)
    commit()
    return report


@pytest.fixture
def resolved(file_report) -> Report:
    return resolve(file_report())


def rate(resident, report, at, score=4, comment=None, window=WEEK):
    ratings.rate(resident, report.code, at, score, comment, window_days=window)
    commit()


def handle_clocks(report: Report) -> list[ReportClock]:
    return [c for c in report.clocks if c.kind == "handle"]


def test_the_window_is_seven_calendar_days_from_the_resolution(reporter, file_report):
    early, late = resolve(file_report()), resolve(file_report())
    # Saturdays and holidays count: calendar days, not working days.
    rate(reporter, early, RESOLVED + timedelta(days=WEEK) - timedelta(seconds=1))
    with pytest.raises(RatingWindowClosed) as closed:
        ratings.rate(reporter, late.code, RESOLVED + timedelta(days=WEEK), 4, window_days=WEEK)
    assert closed.value.code == "rating_window_closed" and closed.value.status == 409
    assert "7 days" in closed.value.message_en
    # A longer configured window lets the same rating in.
    rate(reporter, late, RESOLVED + timedelta(days=WEEK), window=10)
    assert [r.score for r in ratings.ratings_of(early) + ratings.ratings_of(late)] == [4, 4]


def test_a_rating_belongs_to_the_handling_clock_the_resolution_completed(reporter, resolved):
    at = RESOLVED + timedelta(hours=3)
    comment = unicodedata.normalize("NFD", "  Đường đã phẳng  ")
    rate(reporter, resolved, at, 5, comment)
    [rating] = ratings.ratings_of(resolved)
    [handle] = handle_clocks(resolved)
    assert handle.completed_at == RESOLVED
    assert (rating.clock_id, rating.resident_id) == (handle.id, reporter.id)
    assert rating.kind == "reporter"
    assert (rating.score, rating.helped, rating.created_at) == (5, None, at)
    assert rating.comment == unicodedata.normalize("NFC", "Đường đã phẳng")
    assert not rating.unsatisfied and rating.reopened_at is None
    entry = db.session.scalars(
        select(ReportEvent).where(ReportEvent.report_id == resolved.id, ReportEvent.type == "rated")
    ).one()
    assert (entry.actor_kind, entry.actor_resident_id, entry.actor_staff_id) == (
        ActorKind.RESIDENT,
        reporter.id,
        None,
    )
    assert (entry.public, entry.data, entry.at) == (False, {"rating": 5}, at)
    assert entry.internal_note == rating.comment and entry.note is None


@pytest.mark.parametrize("score", [0, 6, True, "3", 2.5, None])
def test_scores_are_checked_by_the_service_too(reporter, resolved, score):
    with pytest.raises(ValidationFailed) as failed:
        ratings.rate(reporter, resolved.code, RESOLVED, score, window_days=WEEK)
    assert failed.value.fields == {"score": ["A whole number from 1 to 5."]}


def test_comments_and_reasons(reporter, resolved):
    at = RESOLVED + timedelta(hours=1)
    with pytest.raises(ValidationFailed) as long:
        ratings.rate(reporter, resolved.code, at, 2, "x" * 2001, window_days=WEEK)
    assert long.value.fields == {"comment": ["At most 2000 characters."]}
    rate(reporter, resolved, at, 2, " \n ")
    assert ratings.ratings_of(resolved)[0].comment is None
    with pytest.raises(ValidationFailed) as empty:
        ratings.reopen(reporter, resolved.code, at, "  ", window_days=WEEK)
    assert empty.value.fields == {"reason": ["Must not be empty."]}


def test_who_may_rate(reporter, resolved, file_report):
    stranger = person("ratings-stranger")
    with pytest.raises(NotReporter):
        ratings.rate(stranger, resolved.code, RESOLVED, 3, window_days=WEEK)
    with pytest.raises(NotReporter):
        ratings.reopen(stranger, resolved.code, RESOLVED, "Không ổn", window_days=WEEK)
    with pytest.raises(NotResolved):
        ratings.rate(reporter, file_report().code, RESOLVED, 3, window_days=WEEK)
    assert ratings.public_rating(resolved) is None


def test_reopening_returns_the_report_to_the_unit_with_new_clocks(reporter, resolved):
    rate(reporter, resolved, RESOLVED + timedelta(hours=1), 1, "Vẫn còn ổ gà")
    assert ratings.can_reopen(resolved, reporter.id, RESOLVED, window_days=WEEK)
    at = RESOLVED + timedelta(days=2)
    ratings.reopen(reporter, resolved.code, at, " Vẫn còn ổ gà, nước đọng ", window_days=WEEK)
    commit()
    report = db.session.get(Report, resolved.id)
    assert (report.status, report.department.code) == ("assigned", "so-xd")
    assert (report.assigned_at, report.accepted_at, report.resolved_at, report.closed_at) == (
        at,
        None,
        None,
        None,
    )
    assert report.response == "Đã vá xong."  # the old answer stays on the record
    old, new = handle_clocks(report)
    assert old.completed_at == RESOLVED and not old.superseded
    assert (new.started_at, new.completed_at, new.department.code) == (at, None, "so-xd")
    assert new.run_started_at == at and new.due_at is not None
    running = sorted(c.kind for c in report.clocks if c.open)
    assert running == ["accept", "handle"]
    [rating] = ratings.ratings_of(report)
    assert (rating.reopened_at, rating.reopen_reason) == (at, "Vẫn còn ổ gà, nước đọng")
    reopen = report.events[-1]
    assert (reopen.type, reopen.from_status, reopen.to_status) == ("reopen", "resolved", "assigned")
    assert (reopen.actor_kind, reopen.actor_resident_id) == (ActorKind.RESIDENT, reporter.id)
    assert (reopen.public, reopen.note, reopen.internal_note) == (
        True,
        REOPEN_NOTE,
        "Vẫn còn ổ gà, nước đọng",
    )
    assert reopen.department.code == "so-xd"
    assert ratings.public_rating(report) == {
        "score": 1,
        "unsatisfied": True,
        "reopened": True,
        "followers_helped": 0,
        "followers_not_helped": 0,
    }
    # Not resolved any more: nothing to rate or reopen until it is.
    assert not ratings.can_rate(report, reporter.id, at, window_days=WEEK)
    with pytest.raises(NotResolved):
        ratings.rate(reporter, report.code, at, 3, window_days=WEEK)
    with pytest.raises(AlreadyReopened):  # not "not resolved": the one reopening is used
        ratings.reopen(reporter, report.code, at, "Lần nữa", window_days=WEEK)
    assert new.continues_id == old.id  # the same case for the scoreboard

    # Resolved again: a new resolution, rated on its own clock; no second reopening.
    second = at + timedelta(days=1)
    resolve(report, second)
    assert ratings.mine(report, reporter.id) is None
    assert ratings.can_rate(report, reporter.id, second, window_days=WEEK)
    rate(reporter, report, second + timedelta(hours=1), 2)
    first_rating, second_rating = ratings.ratings_of(report)
    assert (first_rating.clock_id, second_rating.clock_id) == (old.id, handle_clocks(report)[1].id)
    assert not ratings.can_reopen(report, reporter.id, second, window_days=WEEK)
    with pytest.raises(AlreadyReopened):
        ratings.reopen(reporter, report.code, second, "Lần nữa", window_days=WEEK)
    with pytest.raises(AlreadyRated):
        ratings.rate(reporter, report.code, second, 5, window_days=WEEK)


def test_only_an_unsatisfied_rating_reopens(reporter, file_report):
    for score in (3, 4, 5):
        report = resolve(file_report())
        rate(reporter, report, RESOLVED, score)
        with pytest.raises(ReopenNeedsUnsatisfiedRating):
            ratings.reopen(reporter, report.code, RESOLVED, "Không ổn", window_days=WEEK)
    unrated = resolve(file_report())
    with pytest.raises(ReopenNeedsUnsatisfiedRating):
        ratings.reopen(reporter, unrated.code, RESOLVED, "Không ổn", window_days=WEEK)
    closed = resolve(file_report())
    workflow.close(coordinator(), closed, RESOLVED + timedelta(hours=1))
    commit()
    rate(reporter, closed, RESOLVED + timedelta(hours=2), 2)
    ratings.reopen(reporter, closed.code, RESOLVED + timedelta(hours=3), "Chưa", window_days=WEEK)
    commit()
    assert (closed.status, closed.closed_at) == ("assigned", None)


def test_a_reopening_on_the_timeline_counts_even_without_a_rating_row(reporter, resolved):
    # An earlier reopening recorded some other way (say, by an import): still only once.
    record(resolved, Action.REOPEN, RESOLVED + timedelta(hours=1), department=resolved.department)
    commit()
    again = resolve(resolved, RESOLVED + timedelta(days=1))
    rate(reporter, again, RESOLVED + timedelta(days=1, hours=1), 1)
    with pytest.raises(AlreadyReopened):
        ratings.reopen(reporter, again.code, RESOLVED + timedelta(days=2), "x", window_days=WEEK)
    assert ratings.public_rating(again)["reopened"] is True


def test_two_ratings_at_once_cannot_both_win(reporter, resolved):
    ratings.ratings_of(resolved)  # this request has looked: nothing rated yet
    # ... and meanwhile another request of the same resident rated the same resolution.
    [handle] = handle_clocks(resolved)
    db.session.execute(
        insert(Rating).values(
            report_id=resolved.id,
            clock_id=handle.id,
            resident_id=reporter.id,
            kind="reporter",
            score=5,
            created_at=RESOLVED,
        )
    )
    with pytest.raises(AlreadyRated):
        ratings.rate(reporter, resolved.code, RESOLVED, 1, window_days=WEEK)
    rollback()
    assert db.session.scalar(select(Rating.id)) is None


def test_followers(reporter, resolved):
    fan, critic, stranger = person("fan"), person("critic"), person("stranger")
    for follower in (fan, critic):
        following.add_follower(resolved, follower.id, FILED, source=FollowerSource.ME_TOO)
    commit()
    at = RESOLVED + timedelta(hours=5)
    with pytest.raises(NotFollower):
        ratings.feedback(stranger, resolved.code, at, True, window_days=WEEK)
    with pytest.raises(NotFollower):
        ratings.feedback(reporter, resolved.code, at, True, window_days=WEEK)
    with pytest.raises(ValidationFailed):
        ratings.feedback(fan, resolved.code, at, "yes", window_days=WEEK)
    ratings.feedback(fan, resolved.code, at, True, "Cảm ơn", window_days=WEEK)
    ratings.feedback(critic, resolved.code, at, False, window_days=WEEK)
    commit()
    with pytest.raises(AlreadyRated):
        ratings.feedback(fan, resolved.code, at, False, window_days=WEEK)
    with pytest.raises(RatingWindowClosed):
        ratings.feedback(critic, resolved.code, RESOLVED + timedelta(days=7), True, window_days=7)
    rows = ratings.ratings_of(resolved)
    assert [(r.kind, r.score, r.helped, r.comment) for r in rows] == [
        ("follower", None, True, "Cảm ơn"),
        ("follower", None, False, None),
    ]
    assert ratings.public_rating(resolved) == {
        "score": None,
        "unsatisfied": None,
        "reopened": False,
        "followers_helped": 1,
        "followers_not_helped": 1,
    }
    kinds = db.session.scalars(
        select(ReportEvent.data).where(ReportEvent.type == "follower_feedback")
    ).all()
    assert kinds == [{"helped": True}, {"helped": False}]


def test_ratings_of_a_page_of_reports_is_one_query(reporter, file_report):
    codes = []
    for score in (3, 4, 5):
        report = resolve(file_report())
        rate(reporter, report, RESOLVED, score)
        codes.append(report.code)
    db.session.remove()
    reports = db.session.scalars(select(Report).where(Report.code.in_(codes))).all()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        scores = [[r.score for r in ratings.ratings_of(report)] for report in reports]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert sorted(scores) == [[3], [4], [5]]
    assert len(statements) == 1 and "report_ratings" in statements[0]
    # A new rating is seen at once, before any commit (the cached list is dropped).
    fan = person("late-fan")
    following.add_follower(reports[0], fan.id, RESOLVED, source=FollowerSource.ME_TOO)
    ratings.feedback(fan, reports[0].code, RESOLVED, False, window_days=WEEK)
    assert [r.kind for r in ratings.ratings_of(reports[0])] == ["reporter", "follower"]


def test_the_demo_rates_its_resolutions(app, empty_db):
    seed_demo(reports=50, now=datetime(2026, 11, 20, 3, 0, tzinfo=VN))
    rows = db.session.scalars(select(Rating).order_by(Rating.id)).all()
    by_code: dict[str, list[Rating]] = {}
    for row in rows:
        by_code.setdefault(db.session.get(Report, row.report_id).code, []).append(row)
    expected = {f"PA-2026-{n + 1:06d}": score for n, score in DEMO_SCORES.items()}
    assert {code: found[0].score for code, found in by_code.items()} == expected
    assert {r.score for r in rows} == {1, 2, 3, 4, 5}
    reopened_code = f"PA-2026-{REOPENED + 1:06d}"
    assert [(r.score, r.reopened_at is not None) for r in by_code[reopened_code]] == [
        (1, True),
        (4, False),
    ]
    assert [code for code, found in by_code.items() if found[0].reopened_at] == [reopened_code]
    report = db.session.scalar(select(Report).where(Report.code == reopened_code))
    assert report.status == "resolved"
    cycle = ["resolve", "rated", "reopen", "resolve", "rated"]
    assert [e.type for e in report.events][-5:] == cycle
    for code, found in by_code.items():
        for rating in found:
            assert rating.kind == "reporter" and rating.clock.completed_at is not None
            assert rating.created_at - rating.clock.completed_at == timedelta(hours=1), code
