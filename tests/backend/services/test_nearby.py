"""Duplicate suggestions at measured distances, and "me too" through the service."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from geopy.distance import distance, geodesic
from sqlalchemy import event

from backend.db import commit, db
from backend.errors import Conflict, NotFound
from backend.models import Category, Report, ReportFollower, Resident, StaffUser
from backend.services import following, intake, nearby, workflow
from backend.services.photos import Upload
from tests.conftest import NINH_KIEU, photo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=VN)
RADIUS, DAYS = 150, 30


def away(metres: float, bearing: float, start=NINH_KIEU) -> tuple[float, float]:
    point = distance(meters=metres).destination(start, bearing=bearing)
    return point.latitude, point.longitude


def person(uid: str) -> Resident:
    resident = Resident(firebase_uid=uid, phone=None)
    db.session.add(resident)
    commit()
    return resident


@pytest.fixture
def reporter(city) -> Resident:
    return person("nearby-reporter")


@pytest.fixture
def file_report(reporter):
    def make(
        where=NINH_KIEU, *, category: str = "giao-thong", at: datetime = NOW - timedelta(hours=1)
    ) -> Report:
        report = intake.submit(
            reporter,
            intake.NewReport(category, "Ổ gà sâu giữa đường", where[0], where[1], None),
            [Upload("p.jpg", photo("Canon_40D.jpg"))],
            at,
            max_photos=6,
        )
        commit()
        return report

    return make


def category_id(code: str = "giao-thong") -> int:
    return db.session.query(Category.id).filter_by(code=code).scalar()


def suggest(where=NINH_KIEU, category: str = "giao-thong", **kwargs) -> list[tuple[Report, float]]:
    kwargs = {"radius_m": RADIUS, "days": DAYS, **kwargs}
    return nearby.suggest(category_id(category), where[0], where[1], NOW, **kwargs)


def codes(found) -> list[str]:
    return [report.code for report, _ in found]


@contextmanager
def _selects():
    sent: list[str] = []

    def keep(_conn, _cursor, statement, *_args, **_kwargs):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def test_100_m_away_is_suggested_and_200_m_is_not(file_report):
    near = file_report(away(100, 30))
    file_report(away(200, 210))
    found = suggest()
    assert codes(found) == [near.code]
    assert found[0][1] == pytest.approx(100, abs=1)


def test_the_radius_is_the_configured_one(file_report):
    file_report(away(200, 90))
    assert codes(suggest()) == []
    assert len(suggest(radius_m=250)) == 1


def test_another_category_at_the_same_spot_is_not_suggested(file_report):
    file_report(away(20, 0), category="chieu-sang")
    assert codes(suggest()) == []
    assert len(suggest(category="chieu-sang")) == 1


def test_only_open_public_reports_are_suggested(file_report):
    still_open = file_report(away(10, 0))
    resolved, closed, duplicate = (file_report(away(20, b)) for b in (0, 90, 180))
    rejected = file_report(away(30, 0))
    held, refused, approved = (file_report(away(40, b)) for b in (0, 90, 180))
    resolved.status, closed.status = "resolved", "closed"
    duplicate.status, duplicate.duplicate_of = "duplicate", still_open
    coordinator = db.session.query(StaffUser).filter_by(username="coordinator").one()
    workflow.reject(coordinator, rejected, NOW - timedelta(minutes=30), "Không thuộc phạm vi.")
    held.moderation_status, refused.moderation_status = "pending", "rejected"
    approved.moderation_status = "approved"
    commit()
    assert codes(suggest()) == [still_open.code, approved.code]


def test_reports_older_than_the_configured_days_are_not_suggested(file_report):
    recent = file_report(away(50, 0), at=NOW - timedelta(days=DAYS - 1))
    file_report(away(60, 0), at=NOW - timedelta(days=DAYS + 1))
    assert codes(suggest()) == [recent.code]
    assert len(suggest(days=DAYS + 2)) == 2


def test_nearest_first_with_geodesic_distances(file_report):
    placed = {metres: file_report(away(metres, bearing)) for metres, bearing in
              [(120, 300), (40, 10), (145, 170), (80, 95), (5, 250)]}  # fmt: skip
    found = suggest()
    assert codes(found) == [placed[m].code for m in (5, 40, 80, 120, 145)]
    for (report, metres), placed_at in zip(found, (5, 40, 80, 120, 145), strict=True):
        assert metres == pytest.approx(geodesic(NINH_KIEU, (report.lat, report.lng)).meters, abs=1)
        assert metres == pytest.approx(placed_at, abs=1)
    assert codes(suggest(limit=2)) == [placed[5].code, placed[40].code]


def test_a_report_is_not_its_own_duplicate(file_report):
    report = file_report()
    other = file_report(away(30, 45))
    found = suggest(exclude_report_id=report.id)
    assert codes(found) == [other.code]


def test_around_several_reports_at_once_as_around_each_one(file_report):
    """``suggest_near`` (a page of the moderation queue): each report's own suggestions,
    itself excluded, in its category, nearest first, in the same queries for any number."""
    here, there = file_report(), file_report(away(130, 90))
    between = file_report(away(65, 90))
    lamp, lamp_near = (
        file_report(category="chieu-sang"),
        file_report(away(20, 0), category="chieu-sang"),
    )
    alone = file_report(away(1000, 0))
    kinds = {r.id: r for r in (here, there, between, lamp, lamp_near, alone)}
    with _selects() as two:
        nearby.suggest_near([here, lamp], NOW, radius_m=RADIUS, days=DAYS, limit=5)
    with _selects() as sent:
        found = nearby.suggest_near(list(kinds.values()), NOW, radius_m=RADIUS, days=DAYS, limit=5)
    assert len(sent) == len(two)  # one search and one load of the rows, for any number
    for report in kinds.values():
        one = nearby.suggest(
            report.category_id, report.lat, report.lng, NOW,
            radius_m=RADIUS, days=DAYS, limit=5, exclude_report_id=report.id,
        )  # fmt: skip
        assert codes(found[report.id]) == codes(one), report.code
        assert [m for _, m in found[report.id]] == pytest.approx([m for _, m in one])
    assert codes(found[here.id]) == [between.code, there.code]
    assert codes(found[lamp.id]) == [lamp_near.code] and found[alone.id] == []
    assert nearby.suggest_near([], NOW, radius_m=RADIUS, days=DAYS) == {}


@pytest.mark.parametrize("lat", [-80.0, -45.0, 0.0, 10.03, 21.0, 60.0, 85.0])
def test_the_prefilter_box_holds_the_whole_circle(lat):
    for radius in (1, 150, 5_000):
        box = nearby.bounding_box(lat, 105.8, radius)
        for bearing in range(0, 360, 5):
            p_lat, p_lng = away(radius, bearing, (lat, 105.8))
            assert box.min_lat <= p_lat <= box.max_lat
            assert box.min_lng <= p_lng <= box.max_lng


def test_me_too_counts_each_resident_once(file_report):
    report = file_report()
    neighbour, other = person("neighbour"), person("other")
    following.follow(neighbour, report.code, NOW)
    following.follow(neighbour, report.code.lower(), NOW)  # twice: harmless
    following.follow(other, report.code, NOW)
    commit()
    assert following.supporters(report) == 2
    following.unfollow(other, report.code)
    following.unfollow(other, report.code)  # twice: harmless
    commit()
    assert following.supporters(report) == 1
    assert db.session.get(ReportFollower, (report.id, neighbour.id)).source == "me_too"


def test_reporters_cannot_support_their_own_report(file_report, reporter):
    report = file_report()
    with pytest.raises(Conflict) as refused:
        following.follow(reporter, report.code, NOW)
    assert refused.value.code == "own_report"


def test_only_public_reports_can_be_followed(file_report):
    held = file_report()
    held.moderation_status = "pending"
    commit()
    for code in (held.code, "PA-2026-999999"):
        with pytest.raises(NotFound) as missing:
            following.follow(person(f"x-{code}"), code, NOW)
        assert missing.value.code == "report_not_found"


def test_concurrent_double_follow_records_one_supporter(app, file_report, committed):
    report = file_report()
    neighbour_id = person("twice").id
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def tap():
        with app.app_context():
            try:
                barrier.wait()
                following.follow(db.session.get(Resident, neighbour_id), report.code, NOW)
                commit()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert following.supporters(db.session.get(Report, report.id)) == 1
