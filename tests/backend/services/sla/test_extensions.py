"""An extension is asked before the deadline it would move; once late, the apology is the path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend import tasks
from backend.db import commit, db
from backend.models import ExtensionRequest, StaffUser
from backend.services import sla, workflow
from tests.conftest import post_json
from tests.factories import working_day

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def user(name: str) -> StaffUser:
    return db.session.query(StaffUser).filter_by(username=name).one()


def test_asking_for_an_extension_on_an_overdue_report_is_409(client, staff, resident, submit):
    code = submit(resident()).get_json()["code"]
    officer = staff("so-xd.officer")
    tasks.sla_sweep(datetime.now(UTC) + timedelta(days=60))  # the job: found overdue
    late = post_json(
        client,
        officer,
        f"/staff/v1/reports/{code}/extensions",
        reason="Chờ vật tư",
        proposed_date=working_day(70),
    )
    assert late.status_code == 409, late.get_json()
    error = late.get_json()["error"]
    assert error["code"] == "extension_too_late"
    assert "xin lỗi" in error["message"]["vi"] and "apologise" in error["message"]["en"]
    # The apology is the path: it is offered, the extension is not.
    view = client.get(f"/staff/v1/reports/{code}", headers=officer).get_json()
    assert "apology" in view["allowed_actions"]
    apology = post_json(
        client,
        officer,
        f"/staff/v1/reports/{code}/apology",
        reason="Thiếu nhân lực",
        promised_date=working_day(5),
    )
    assert apology.status_code == 200, apology.get_json()


def test_past_the_deadline_it_is_too_late_even_before_the_sweep_noticed(file_report):
    report = file_report(at(2026, 11, 2, 8))  # due Monday 23/11 08:00
    with pytest.raises(sla.ExtensionTooLate):
        workflow.request_extension(
            user("so-xd.officer"), report, at(2026, 11, 23, 9), "Trễ", at(2026, 12, 4).date()
        )


def test_asked_in_time_decided_late_the_date_moves_but_the_apology_is_still_owed(file_report):
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    report = file_report(at(2026, 11, 2, 8))
    workflow.accept(officer, report, at(2026, 11, 2, 9))
    request = workflow.request_extension(
        officer, report, at(2026, 11, 20, 8), "Chờ nhà thầu.", at(2026, 12, 4).date()
    )
    commit()
    assert tasks.sla_sweep(at(2026, 11, 23, 9))["overdue"] == 1
    workflow.decide_extension(
        coordinator, report, at(2026, 11, 24, 8), request.id, approve=True, note=None
    )
    commit()
    assert request.in_time is False
    # Found overdue before the decision: the unit still owes the apology, reminded once.
    assert tasks.sla_sweep(at(2026, 11, 25, 10))["apology_reminders"] == 1
    workflow.apologise(officer, report, at(2026, 11, 25, 11), "Mưa lớn", at(2026, 12, 2).date())
    commit()
    db.session.expire_all()
    current = sla.deadlines(report, at(2026, 11, 26, 8))["clocks"]["handle"]["current"]
    assert (current["basis"], current["due_at"]) == ("promise", at(2026, 12, 2, 17))


def test_an_apology_cancels_a_request_still_waiting(file_report):
    officer = user("so-xd.officer")
    report = file_report(at(2026, 11, 2, 8))
    request = workflow.request_extension(
        officer, report, at(2026, 11, 20, 8), "Chờ nhà thầu.", at(2026, 12, 4).date()
    )
    commit()
    tasks.sla_sweep(at(2026, 11, 23, 9))
    workflow.apologise(officer, report, at(2026, 11, 23, 10), "Mưa lớn", at(2026, 12, 2).date())
    commit()
    assert db.session.get(ExtensionRequest, request.id).status == "cancelled"


def test_resolving_lets_a_pending_extension_request_lapse(file_report):
    officer, coordinator = user("so-xd.officer"), user("coordinator")
    report = file_report(at(2026, 11, 2, 8))
    workflow.accept(officer, report, at(2026, 11, 2, 9))
    workflow.request_extension(
        officer, report, at(2026, 11, 10, 8), "Chờ nhà thầu.", at(2026, 12, 4).date()
    )
    workflow.resolve(officer, report, at(2026, 11, 12, 8), "Đã xử lý.", [], max_photos=6)
    commit()
    (request,) = sla.extensions_of(report)
    assert request.status == "cancelled"  # nothing left to extend: off the coordinator's queue
    assert "decide-extension" not in [
        a.value for a in workflow.policy.allowed_actions(coordinator, report, at(2026, 11, 12, 9))
    ]
