"""SLA clocks through the services, at chosen instants (what a civil servant computes by hand)."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from backend.db import commit, db
from backend.domain.workflow import Status
from backend.errors import Conflict
from backend.models import Report, ReportEvent, StaffUser
from backend.services import intake, sla, sla_config, statistics, workflow
from backend.services.sla import ApologyAlreadyGiven
from backend.services.statistics import Period, Scope

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def unit_figures(department, start, end, now) -> dict:
    """A unit's figures over [start, end], as the scoreboard counts them."""
    return statistics.summary(Scope(department=department.code), Period(start, end), now)["figures"]


def user(name: str) -> StaffUser:
    return db.session.query(StaffUser).filter_by(username=name).one()


def clock(report: Report, kind: str):
    return next(c for c in reversed(report.clocks) if c.kind == kind and not c.superseded)


def events(report: Report, kind: str) -> list[ReportEvent]:
    return db.session.query(ReportEvent).filter_by(report_id=report.id, type=kind).all()


def test_friday_afternoon_before_tet(file_report):
    report = file_report(at(2026, 2, 13, 15))  # Friday; Tết holidays 16-20 February
    assert clock(report, "accept").due_at == at(2026, 2, 23, 15)  # 8 working hours
    assert clock(report, "handle").due_at == at(2026, 3, 13, 15)  # 15 working days


def test_urgent_report_before_giỗ_tổ(file_report):
    # Public order is urgent (4 working hours); Friday 24 April 2026, 15:00, then the
    # weekend and Monday 27 April (Giỗ Tổ observed): 2 h on Friday, 2 h on Tuesday.
    report = file_report(at(2026, 4, 24, 15), category="an-ninh")
    assert report.severity == "urgent"
    assert clock(report, "handle").due_at == at(2026, 4, 28, 9, 30)


def test_forwarding_restarts_the_clocks_for_the_new_unit(file_report):
    report = file_report(at(2026, 8, 28, 10))  # Friday before 31/8, 1/9 and 2/9
    first = clock(report, "handle")
    workflow.forward(user("coordinator"), report, at(2026, 9, 3, 10), "ubnd-ninh-kieu", None)
    commit()
    second = clock(report, "handle")
    assert first.superseded and second.department.code == "ubnd-ninh-kieu"
    assert second.started_at == at(2026, 9, 3, 10)
    assert sla.deadlines(report, at(2026, 9, 3, 10))["age_working_days"] == 1.0


def test_reminders_overdue_and_escalation_each_happen_once(file_report):
    report = file_report(at(2026, 11, 2, 8))  # Monday 08:00; due Monday 23 Nov 08:00
    handle = clock(report, "handle")
    assert handle.due_at == at(2026, 11, 23, 8)
    # Half of the accept clock (4 h) and nothing else at 12:30 (after lunch).
    assert sla.sweep(at(2026, 11, 2, 13, 30)).reminders == 1
    assert sla.sweep(at(2026, 11, 2, 13, 30)).reminders == 0
    workflow.accept(user("so-xd.officer"), report, at(2026, 11, 2, 14))
    commit()
    result = sla.sweep(at(2026, 11, 12, 9))  # past half of the handling time
    assert (result.reminders, result.overdue) == (1, 0)
    result = sla.sweep(at(2026, 11, 18, 9))  # past 80 %
    assert (result.reminders, result.overdue) == (1, 0)
    result = sla.sweep(at(2026, 11, 23, 9))
    assert (result.reminders, result.overdue) == (0, 1)
    assert sla.sweep(at(2026, 11, 23, 9)).as_dict() == sla.SweepResult().as_dict()
    db.session.expire_all()
    reminders = events(report, "sla_reminder")
    assert [e.data["fraction"] for e in reminders] == [0.5, 0.5, 0.8]
    assert [e.data["clock"] for e in reminders] == ["accept", "handle", "handle"]
    (overdue,) = events(report, "overdue")
    assert overdue.public and overdue.note == "Quá hạn xử lý."
    (escalated,) = events(report, "escalated")
    assert escalated.data["to"] == ["ioc"]  # Sở Xây dựng answers to the city directly
    # Monday 08:00 to Wednesday 08:00, Tuesday 24/11 being a holiday: one working day late.
    flag = sla.public_flag(report, at(2026, 11, 25, 8))
    assert flag["label"]["vi"] == "Quá hạn" and flag["working_days_late"] == 1.0


def test_escalation_reaches_the_supervising_unit(file_report, client, staff):
    report = file_report(at(2026, 11, 2, 8), category="chieu-sang")  # lighting company
    sla.sweep(at(2026, 11, 24, 8))
    commit()  # the sweep service does not commit; its job does
    db.session.expire_all()
    assert report.escalated_to_id == user("so-xd.officer").department_id
    # The supervising department can now read it, but not act on it.
    supervisor = staff("so-xd.officer")
    view = client.get(f"/staff/v1/reports/{report.code}", headers=supervisor).get_json()
    assert view["code"] == report.code and view["allowed_actions"] == []
    act = client.post(f"/staff/v1/reports/{report.code}/start", json={}, headers=supervisor)
    assert act.status_code == 403


def test_catching_up_after_downtime_marks_overdue_without_stale_reminders(file_report):
    report = file_report(at(2026, 11, 2, 8))
    result = sla.sweep(at(2026, 12, 1, 8))  # nothing ran for a month
    assert (result.reminders, result.overdue) == (0, 2)  # accept and handle both overdue
    assert events(report, "sla_reminder") == []


def test_apology_is_required_reminded_and_kept(file_report):
    report = file_report(at(2026, 11, 2, 8))
    officer = user("so-xd.officer")
    workflow.accept(officer, report, at(2026, 11, 2, 9))  # only the handling clock runs late
    commit()
    with pytest.raises(Conflict):  # not overdue yet
        workflow.apologise(officer, report, at(2026, 11, 3, 8), "x", at(2026, 11, 30).date())
    sla.sweep(at(2026, 11, 23, 9))
    # One working day (8 working hours) later, with no apology: the coordinator is reminded.
    assert sla.sweep(at(2026, 11, 25, 8)).apology_reminders == 1
    assert sla.sweep(at(2026, 11, 25, 9)).apology_reminders == 0
    workflow.apologise(
        officer, report, at(2026, 11, 25, 10), "Thiếu vật tư.", at(2026, 12, 4).date()
    )
    commit()
    (apology,) = events(report, "apology")
    assert apology.public and "Thiếu vật tư." in apology.note and "04/12/2026" in apology.note
    with pytest.raises(ApologyAlreadyGiven):
        workflow.apologise(
            officer, report, at(2026, 11, 26, 10), "Lần nữa", at(2026, 12, 10).date()
        )
    db.session.rollback()
    assert sla.sweep(at(2026, 12, 4, 16)).promises_missed == 0
    result = sla.sweep(at(2026, 12, 4, 17, 1))
    assert result.promises_missed == 1
    assert len(events(report, "escalated")) == 2
    assert sla.sweep(at(2026, 12, 7, 8)).as_dict() == sla.SweepResult().as_dict()


def test_waiting_for_the_resident_stops_the_clock(file_report):
    report = file_report(at(2026, 11, 2, 8))
    due = clock(report, "handle").due_at
    workflow.request_info(user("so-xd.officer"), report, at(2026, 11, 3, 8), "Địa chỉ cụ thể?")
    commit()
    assert clock(report, "handle").next_check_at is None
    assert sla.sweep(at(2026, 12, 31, 8)).overdue == 0  # nothing runs while waiting
    intake.provide_info(report.reporter, report.code, at(2026, 11, 6, 8), "Số 12 Hai Bà Trưng")
    commit()
    # Three working days waiting (Tue 3 to Fri 6, 08:00) move the deadline by three working
    # days, from Monday 23 to Friday 27 November (24/11 is a holiday in the library).
    assert clock(report, "handle").due_at == sla.working_calendar().add_days(due, 3)
    assert clock(report, "handle").due_at == at(2026, 11, 27, 8)


def test_extension_in_time_counts_as_late_with_extension(file_report):
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    on_time = file_report(at(2026, 11, 2, 8))
    extended = file_report(at(2026, 11, 2, 8))
    late = file_report(at(2026, 11, 2, 8))
    overdue = file_report(at(2026, 11, 2, 8))
    request = workflow.request_extension(
        officer, extended, at(2026, 11, 16, 8), "Chờ nhà thầu.", at(2026, 12, 4).date()
    )
    commit()
    workflow.decide_extension(
        coordinator, extended, at(2026, 11, 17, 8), request.id, approve=True, note="Đồng ý"
    )
    commit()
    assert clock(extended, "handle").due_at == at(2026, 12, 4, 17)
    for report, when in (
        (on_time, at(2026, 11, 20, 9)),
        (extended, at(2026, 12, 1, 9)),
        (late, at(2026, 11, 30, 9)),
    ):
        workflow.resolve(officer, report, when, "Đã xử lý.", [], max_photos=6)
        commit()
    figures = unit_figures(
        officer.department, at(2026, 11, 1).date(), at(2026, 11, 30).date(), at(2026, 12, 2, 9)
    )
    assert figures["received"] == 4
    assert (
        figures["resolved_on_time"],
        figures["resolved_late_with_extension"],
        figures["resolved_late"],
        figures["overdue_now"],
    ) == (1, 1, 1, 1)
    assert figures["on_time_rate"] == 0.25
    assert overdue.status == Status.ASSIGNED


def test_an_extension_approved_after_the_deadline_does_not_excuse_lateness(file_report):
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    report = file_report(at(2026, 11, 2, 8))
    request = workflow.request_extension(
        officer, report, at(2026, 11, 20, 8), "Mưa lớn.", at(2026, 12, 4).date()
    )
    commit()
    workflow.decide_extension(
        coordinator, report, at(2026, 11, 25, 8), request.id, approve=True, note=None
    )
    commit()
    workflow.resolve(officer, report, at(2026, 12, 1, 9), "Xong.", [], max_photos=6)
    commit()
    figures = unit_figures(
        officer.department, at(2026, 11, 1).date(), at(2026, 11, 30).date(), at(2026, 12, 2)
    )
    assert figures["resolved_late"] == 1 and figures["resolved_late_with_extension"] == 0


def test_policy_changes_apply_to_reports_assigned_after(file_report):
    before = file_report(at(2026, 11, 2, 8))
    sla_config.set_policy(
        user("admin"),
        {"severity": "normal", "accept_hours": 4, "handle_days": 10, "publish_days": 1},
        at(2026, 11, 2, 9),
    )
    commit()
    after = file_report(at(2026, 11, 2, 10))
    assert clock(before, "handle").due_at == at(2026, 11, 23, 8)
    assert clock(after, "handle").due_at == at(2026, 11, 16, 10)  # 10 working days
    assert clock(after, "accept").due_at == at(2026, 11, 2, 15, 30)


def test_concurrent_sweeps_send_each_reminder_once(app, file_report, committed):
    reports = [file_report(at(2026, 11, 2, 8)) for _ in range(5)]
    when = at(2026, 11, 12, 9)
    results = []

    errors = []

    def run():
        with app.app_context():
            try:
                from backend import tasks  # the job: batch by batch, each committed

                results.append(tasks.sla_sweep(when, batch=2))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    db.session.expire_all()
    for report in reports:
        sent = [(e.data["clock"], e.data["fraction"]) for e in events(report, "sla_reminder")]
        # Half the handling time is gone; the accept clock (8 h) ran out long ago, so it is
        # overdue without stale reminders. Three sweeps at once did each of these once.
        assert sent == [("handle", 0.5)], sent
        assert len(events(report, "overdue")) == 1


def test_rebuilding_status_still_works_with_sla_events(file_report):
    from backend.domain.workflow import replay

    report = file_report(at(2026, 11, 2, 8))
    sla.sweep(at(2026, 11, 24, 8))
    db.session.expire_all()
    state = replay((e.type, e.department_id) for e in report.events)
    assert state.status == report.status


def test_resolved_while_waiting_is_judged_on_the_units_own_time(file_report):
    officer = user("so-xd.officer")
    report = file_report(at(2026, 11, 2, 8))
    workflow.request_info(officer, report, at(2026, 11, 3, 8), "Số nhà?")
    commit()
    # Five weeks later, still waiting, the unit resolves: it used one working day of fifteen.
    workflow.resolve(officer, report, at(2026, 12, 8, 8), "Đã xử lý.", [], max_photos=6)
    commit()
    figures = unit_figures(
        officer.department, at(2026, 11, 1).date(), at(2026, 11, 30).date(), at(2026, 12, 9)
    )
    assert figures["resolved_on_time"] == 1 and figures["on_time_rate"] == 1.0


def test_days_late_survive_a_pause(file_report):
    officer = user("so-xd.officer")
    report = file_report(at(2026, 11, 2, 8))
    sla.sweep(at(2026, 11, 27, 8))  # three working days late (24/11 is a holiday)
    view = sla.clock_view(clock(report, "handle"), at(2026, 11, 27, 8), sla.working_calendar())
    assert view["status"] == "overdue" and view["working_days_late"] == 3.0
    workflow.request_info(officer, report, at(2026, 11, 27, 8), "?")
    commit()
    intake.provide_info(report.reporter, report.code, at(2026, 12, 1, 8), "Đây.")
    commit()
    view = sla.clock_view(clock(report, "handle"), at(2026, 12, 1, 8), sla.working_calendar())
    assert view["status"] == "overdue" and view["working_days_late"] == 3.0
    assert clock(report, "handle").due_at == at(2026, 11, 23, 8)  # the missed deadline stays


def test_handing_over_late_counts_against_the_first_unit(file_report):
    coordinator = user("coordinator")
    in_time = file_report(at(2026, 11, 2, 8))
    too_late = file_report(at(2026, 11, 2, 8))
    workflow.forward(coordinator, in_time, at(2026, 11, 4, 8), "ubnd-ninh-kieu", None)
    sla.sweep(at(2026, 11, 25, 8))
    workflow.forward(coordinator, too_late, at(2026, 11, 25, 9), "ubnd-ninh-kieu", None)
    commit()
    figures = unit_figures(
        user("so-xd.officer").department,
        at(2026, 11, 1).date(),
        at(2026, 11, 30).date(),
        at(2026, 11, 26),
    )
    # It was late when it left: counted against the first unit, though not resolved by it.
    assert figures["received"] == 1 and figures["handed_over_late"] == 1
    assert figures["resolved"] == figures["resolved_late"] == 0
    assert figures["on_time_rate"] == 0.0 and figures["overdue"] == 1


def test_forwarding_cancels_a_pending_extension(file_report):
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    report = file_report(at(2026, 11, 2, 8))
    request = workflow.request_extension(
        officer, report, at(2026, 11, 10, 8), "Chờ.", at(2026, 12, 10).date()
    )
    commit()
    workflow.forward(coordinator, report, at(2026, 11, 11, 8), "ubnd-ninh-kieu", None)
    commit()
    assert request.status == "cancelled"
    ward = user("ubnd-ninh-kieu.officer")
    workflow.request_extension(
        ward, report, at(2026, 11, 12, 8), "Cần thêm thời gian.", at(2026, 12, 31).date()
    )
    commit()
    with pytest.raises(Conflict):
        workflow.decide_extension(
            coordinator, report, at(2026, 11, 12, 9), request.id, approve=True, note=None
        )


def test_a_new_day_off_moves_open_deadlines(file_report):
    report = file_report(at(2026, 11, 2, 8))
    assert clock(report, "handle").due_at == at(2026, 11, 23, 8)
    sla_config.set_exception(at(2026, 11, 20).date(), "day_off", "Nghỉ bù", at(2026, 11, 3))
    commit()
    assert clock(report, "handle").due_at == at(2026, 11, 25, 8)  # Friday off, 24/11 too
    sla_config.delete_exception(at(2026, 11, 20).date())
    commit()
    assert clock(report, "handle").due_at == at(2026, 11, 23, 8)


def test_every_running_clock_is_watched(file_report):
    officer = user("so-xd.officer")
    reports = [file_report(at(2026, 11, 2, 8)) for _ in range(3)]
    workflow.accept(officer, reports[0], at(2026, 11, 2, 9))
    workflow.request_info(officer, reports[1], at(2026, 11, 2, 9), "?")
    commit()
    intake.provide_info(reports[1].reporter, reports[1].code, at(2026, 11, 3, 9), "!")
    commit()
    sla.sweep(at(2026, 11, 12, 9))
    for report in reports:
        for c in report.clocks:
            running = c.open and c.run_started_at is not None
            if running and c.overdue_at is None:
                assert c.next_check_at is not None and c.next_check_at > at(2026, 11, 12, 9)
