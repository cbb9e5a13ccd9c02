"""Statistics through the services, at chosen instants, against figures computed by hand.

November 2026 at Sở Xây dựng (office hours 07:30-11:30, 13:00-17:00: 8 working hours a
day; 24/11 is a holiday; handling budget 15 working days):

=====  ===========  =============  =============================  ======  ==========
case   received     resolved       working days used              rating  counts as
=====  ===========  =============  =============================  ======  ==========
A      Mon 2/11 8h  Wed 4/11 8h    2.0                            5       on time
B      Mon 2/11 8h  Thu 5/11 8h    3.0                            1 + reopened  re-raised
C      Tue 3/11 8h  Mon 9/11 8h    4.0                            2       unsatisfied
D      Mon 2/11 8h  open on 2/12   (due 23/11 8h)                 -       overdue now
E      Mon 2/11 8h  Mon 30/11 10h  19.25                          -       late (overdue)
F      Mon 16/11 8h open on 2/12   (due 7/12)                     -       open in time
=====  ===========  =============  =============================  ======  ==========

G was filed on 2/11 too but forwarded to UBND Ninh Kiều on 4/11, in time: not Sở Xây
dựng's; it is overdue at UBND Ninh Kiều by 2/12 (due 26/11).
"""

from __future__ import annotations

from datetime import date

import pytest

from backend.db import commit, db
from backend.errors import ValidationFailed
from backend.models import Rating, Resident
from backend.services import statistics, workflow
from backend.services.statistics import Period, Scope
from tests.backend.services.test_sla import at, clock, user

NOW = at(2026, 12, 2, 9)
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def november(file_report):
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    reports = {
        "A": file_report(at(2026, 11, 2, 8)),
        "B": file_report(at(2026, 11, 2, 8)),
        "C": file_report(at(2026, 11, 3, 8)),
        "D": file_report(at(2026, 11, 2, 8)),
        "E": file_report(at(2026, 11, 2, 8)),
        "F": file_report(at(2026, 11, 16, 8)),
        "G": file_report(at(2026, 11, 2, 8)),
    }
    for name, when in (
        ("A", at(2026, 11, 4, 8)),
        ("B", at(2026, 11, 5, 8)),
        ("C", at(2026, 11, 9, 8)),
        ("E", at(2026, 11, 30, 10)),
    ):
        workflow.resolve(officer, reports[name], when, "Đã xử lý.", [], max_photos=6)
        commit()
    workflow.forward(coordinator, reports["G"], at(2026, 11, 4, 8), "ubnd-ninh-kieu", None)
    commit()
    reporter = db.session.query(Resident).filter_by(firebase_uid="sla-tester").one()
    for name, score, reopened in (("A", 5, None), ("B", 1, at(2026, 11, 6, 8)), ("C", 2, None)):
        report = reports[name]
        db.session.add(
            Rating(
                report_id=report.id,
                clock_id=clock(report, "handle").id,
                resident_id=reporter.id,
                kind="reporter",
                score=score,
                created_at=at(2026, 11, 6, 7),
                reopened_at=reopened,
            )
        )
    commit()
    return reports


def test_a_department_over_a_month(november):
    f = statistics.summary(Scope(department="so-xd"), NOVEMBER, NOW)["figures"]
    assert f == {
        "received": 6,
        "resolved": 4,
        "resolved_on_time": 3,
        "resolved_late_with_extension": 0,
        "resolved_late": 1,
        "handed_over_late": 0,
        "overdue_now": 1,
        "open_in_time": 1,
        "waiting_for_resident": 0,
        "on_time_rate": 0.5,
        "median_resolution_days": 3.5,  # (3 + 4) / 2
        "p90_resolution_days": 19.25,  # ceil(0.9 x 4) = 4th of [2, 3, 4, 19.25]
        "ratings": 3,
        "average_rating": 2.67,  # (5 + 1 + 2) / 3
        "unsatisfied": 1,  # C
        "reraised": 1,  # B
        "overdue": 2,  # D, E
        "satisfaction_rate": 0.3333,  # (6 - 1 - 1 - 2) / 6
        "timeliness_points": 11.11,  # 0.5 x 20 / 0.9
        "satisfaction_points": 6.67,  # 1/3 x 18 / 0.9
        "points": 17.78,
    }


def test_the_staff_desk_reads_the_same_figures(november):
    [desk] = statistics.staff_desk(user("so-xd.officer"), NOVEMBER, NOW)
    summary = statistics.summary(Scope(department="so-xd"), NOVEMBER, NOW)["figures"]
    assert {k: desk[k] for k in summary} == summary


def test_scoreboard_ranks_units_by_points(november):
    board = statistics.scoreboard(NOVEMBER, NOW)
    ranked = [(e["rank"], e["department"]["code"], e["figures"]["points"]) for e in board]
    # Sở Xây dựng 11.11 + 6.67; UBND Ninh Kiều's only case is overdue: 0 + 0.
    assert ranked[:2] == [(1, "so-xd", 17.78), (2, "ubnd-ninh-kieu", 0.0)]
    assert all(rank is None and points is None for rank, _, points in ranked[2:])
    assert {e["department"]["code"] for e in board} >= {"chieu-sang", "ca-tp"}
    assert "ioc" not in {e["department"]["code"] for e in board}  # the coordinator


def test_months_and_places(november):
    months = statistics.monthly(
        Scope(department="so-xd"), Period(date(2026, 10, 15), date(2026, 12, 2)), NOW
    )
    assert [(m["month"], m["figures"]["received"]) for m in months] == [
        ("2026-10", 0),
        ("2026-11", 6),
        ("2026-12", 0),
    ]
    assert months[0]["period"] == {"from": "2026-10-15", "to": "2026-10-31"}
    city = statistics.summary(Scope(admin_unit="92"), NOVEMBER, NOW)["figures"]
    assert city["received"] == 7 and city["overdue_now"] == 2  # with UBND Ninh Kiều's G
    # Hậu Giang's old code leads to the merged city, with the same figures.
    assert statistics.summary(Scope(admin_unit="93"), NOVEMBER, NOW)["figures"] == city
    wards = statistics.by_admin_unit(NOVEMBER, NOW, parent="92")
    counted = {w["admin_unit"]["code"]: w["figures"]["received"] for w in wards}
    assert sum(counted.values()) == 7 and len([c for c in counted.values() if c]) == 1
    assert (
        statistics.summary(Scope(admin_unit="92-vi-thanh"), NOVEMBER, NOW)["figures"]["received"]
        == 0
    )


def test_bad_scopes_and_periods_are_refused(november):
    with pytest.raises(ValidationFailed) as unknown:
        statistics.summary(Scope(department="khong-co"), NOVEMBER, NOW)
    assert unknown.value.code == "unknown_department"
    with pytest.raises(ValidationFailed) as backwards:
        Period(date(2026, 12, 1), date(2026, 11, 1))
    assert backwards.value.code == "invalid_period"
    with pytest.raises(ValidationFailed):
        Period(date(2020, 1, 1), date(2026, 1, 1))


def test_a_reopened_case_counts_once(file_report):
    """Resolved on time (2 working days), rated 1, reopened, resolved again in 1 working day
    and rated 4: one case of the unit, on time, 3 working days, re-raised, latest rating 4."""
    from backend.services import ratings

    officer = user("so-xd.officer")
    report = file_report(at(2026, 11, 2, 8))
    reporter = report.reporter
    workflow.resolve(officer, report, at(2026, 11, 4, 8), "Đã vá.", [], max_photos=6)
    commit()
    ratings.rate(reporter, report.code, at(2026, 11, 5, 8), 1, "Vẫn còn ổ gà", window_days=7)
    ratings.reopen(reporter, report.code, at(2026, 11, 5, 9), "Chưa vá xong", window_days=7)
    commit()
    assert report.status == "assigned" and clock(report, "handle").continues_id is not None
    workflow.resolve(officer, report, at(2026, 11, 6, 9), "Đã vá lại.", [], max_photos=6)
    commit()
    ratings.rate(reporter, report.code, at(2026, 11, 6, 10), 4, None, window_days=7)
    commit()
    f = statistics.summary(Scope(department="so-xd"), NOVEMBER, NOW)["figures"]
    assert (f["received"], f["resolved"], f["resolved_on_time"]) == (1, 1, 1)
    assert f["median_resolution_days"] == 3.0  # 2 + 1
    assert (f["ratings"], f["average_rating"]) == (1, 4.0)
    assert (f["reraised"], f["unsatisfied"], f["satisfaction_rate"]) == (1, 0, 0.0)
    # Counted in the month it was first received, even when the redo falls in the next one.
    december = statistics.summary(
        Scope(department="so-xd"), Period(date(2026, 12, 1), date(2026, 12, 31)), NOW
    )
    assert december["figures"]["received"] == 0
