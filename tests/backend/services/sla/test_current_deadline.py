"""One current due date per clock, with its history under it (extension, apology, promise).

Filed Monday 2 November 2026 08:00: due Monday 23 November 08:00 (15 working days).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from backend.db import commit, db
from backend.models import StaffUser
from backend.services import sla, statistics, workflow
from backend.services.statistics import Period, Scope

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def user(name: str) -> StaffUser:
    return db.session.query(StaffUser).filter_by(username=name).one()


def handle_view(report, now) -> tuple[dict, dict]:
    db.session.expire_all()  # as a new request reads it
    view = sla.deadlines(report, now)
    return view, view["clocks"]["handle"]


def events(clock_view: dict) -> list[str]:
    return [h["event"] for h in clock_view["history"]]


def extended_then_apologised(file_report):
    """Extended in time to Friday 27/11, missed anyway, apology promising Friday 4/12."""
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    report = file_report(at(2026, 11, 2, 8))
    request = workflow.request_extension(
        officer, report, at(2026, 11, 16, 8), "Chờ nhà thầu.", at(2026, 11, 27).date()
    )
    commit()
    workflow.decide_extension(
        coordinator, report, at(2026, 11, 17, 8), request.id, approve=True, note=None
    )
    commit()
    sla.sweep(at(2026, 11, 30, 9))
    commit()
    workflow.apologise(officer, report, at(2026, 11, 30, 10), "Mưa lớn", at(2026, 12, 4).date())
    commit()
    return report


def test_after_an_extension_and_an_apology_one_current_date_late_not_overdue(file_report):
    report = extended_then_apologised(file_report)
    view, handle = handle_view(report, at(2026, 12, 1, 9))
    current = handle["current"]
    assert current["due_at"] == at(2026, 12, 4, 17)  # the promised date, nothing else
    assert (current["state"], current["basis"]) == ("late", "promise")
    assert current["working_hours_left"] == 30.5  # Tue 09:00 to Fri 17:00 in office hours
    assert current["working_days_late"] is None
    assert view["overdue"] is False
    flag = sla.public_flag(report, at(2026, 12, 1, 9))  # the board: late, promised for 04/12
    assert (flag["state"], flag["promised_due_at"]) == ("late", at(2026, 12, 4, 17))
    assert events(handle) == ["original", "extension", "overdue", "apology"]
    original, extension, overdue, apology = handle["history"]
    assert original["due_at"] == at(2026, 11, 23, 8)
    assert extension["due_at"] == at(2026, 11, 27, 17) and extension["in_time"] is True
    assert extension["at"] == at(2026, 11, 17, 8)
    assert overdue["at"] == at(2026, 11, 27, 17)
    assert apology["due_at"] == at(2026, 12, 4, 17)


def test_once_the_promised_date_passes_it_is_overdue_again(file_report):
    report = extended_then_apologised(file_report)
    sla.sweep(at(2026, 12, 7, 9))  # promise_missed
    commit()
    view, handle = handle_view(report, at(2026, 12, 8, 17))
    current = handle["current"]
    assert (current["state"], current["basis"]) == ("overdue", "promise")
    assert current["due_at"] == at(2026, 12, 4, 17)
    assert current["working_days_late"] == 2.0  # Monday 7 and Tuesday 8 December
    assert view["overdue"] is True
    assert sla.public_flag(report, at(2026, 12, 8, 17))["working_days_late"] == 2.0
    assert events(handle)[-1] == "promise_missed"


def test_an_extension_approved_after_the_overdue_finding_moves_the_due_date(file_report):
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    report = file_report(at(2026, 11, 2, 8))
    request = workflow.request_extension(
        officer, report, at(2026, 11, 20, 8), "Mưa lớn.", at(2026, 12, 4).date()
    )
    commit()
    sla.sweep(at(2026, 11, 23, 9))  # the deadline passed before the coordinator decided
    commit()
    workflow.decide_extension(
        coordinator, report, at(2026, 11, 25, 8), request.id, approve=True, note=None
    )
    commit()
    view, handle = handle_view(report, at(2026, 11, 26, 8))
    assert handle["due_at"] == at(2026, 12, 4, 17)  # no longer the missed 23/11
    current = handle["current"]
    assert current["due_at"] == at(2026, 12, 4, 17)
    assert (current["state"], current["basis"]) == ("late", "extension")  # not excused
    assert view["overdue"] is False
    assert events(handle) == ["original", "overdue", "extension"]
    assert handle["history"][2]["in_time"] is False
    # The figures count it exactly as before: late, not "late with approved extension".
    workflow.resolve(officer, report, at(2026, 12, 1, 9), "Xong.", [], max_photos=6)
    commit()
    figures = statistics.summary(
        Scope(department="so-xd"),
        Period(at(2026, 11, 1).date(), at(2026, 11, 30).date()),
        at(2026, 12, 2),
    )["figures"]
    assert figures["resolved_late"] == 1 and figures["resolved_late_with_extension"] == 0
    _view, handle = handle_view(report, at(2026, 12, 2))
    assert handle["current"]["state"] == handle["status"] == "late"


def test_within_an_extension_approved_in_time_it_is_late_with_extension(file_report):
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    report = file_report(at(2026, 11, 2, 8))
    request = workflow.request_extension(
        officer, report, at(2026, 11, 16, 8), "Chờ nhà thầu.", at(2026, 12, 4).date()
    )
    commit()
    workflow.decide_extension(
        coordinator, report, at(2026, 11, 17, 8), request.id, approve=True, note=None
    )
    commit()
    _view, handle = handle_view(report, at(2026, 11, 18, 8))
    assert (handle["current"]["state"], handle["current"]["basis"]) == ("running", "extension")
    view, handle = handle_view(report, at(2026, 11, 26, 8))  # past 23/11, within 4/12
    current = handle["current"]
    assert (current["state"], current["due_at"]) == ("late_with_extension", at(2026, 12, 4, 17))
    assert current["working_hours_left"] == 55.5 and view["overdue"] is False
    workflow.resolve(officer, report, at(2026, 12, 1, 9), "Xong.", [], max_photos=6)
    commit()
    _view, handle = handle_view(report, at(2026, 12, 2))
    assert handle["current"]["state"] == handle["status"] == "late_with_extension"


def test_the_board_row_says_late_with_the_promised_date(file_report):
    from backend.services import read_model

    report = extended_then_apologised(file_report)
    row = read_model.row(report, at(2026, 12, 1, 9))
    assert (row.overdue, row.late, row.promised_due_at) == (False, True, at(2026, 12, 4, 17))
    missed = read_model.row(report, at(2026, 12, 8, 17))  # the promised date has passed
    assert (missed.overdue, missed.late, missed.working_days_late) == (True, True, 2.0)
