"""The access policy: what a view lists is exactly what the services then accept.

Every role (the handling unit, a supervising unit reading an escalated case, another
unit, the coordinator, a moderator, an administrator) meets a report in every status,
every moderation state and the clock states that change what may be done (accepted,
waiting for the resident, overdue, apologised, an extension pending). For each pair the
test asks the policy for ``allowed_actions`` and then tries every action through the
service the API calls (inside a savepoint rolled back after each try): an action is
accepted if and only if it was listed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.db import db, utcnow
from backend.domain.workflow import Status
from backend.errors import DomainError
from backend.models import Category, Department, Report, ReportEvent, Resident, StaffUser
from backend.models.event import ActorKind
from backend.models.sla import ExtensionRequest
from backend.services import policy, sla, workflow
from backend.services.policy import StaffAction

MODERATION = (None, "pending", "approved", "rejected")
#: Clock states that matter for what may be done, on the statuses a unit works in.
VARIANTS = (
    "plain",
    "accepted",
    "waiting",
    "past_deadline",  # the due date has passed, the sweep has not noticed yet
    "overdue",
    "apologised",
    "extension_pending",
)
ROLES = ("unit", "head", "supervisor", "other_unit", "coordinator", "moderator", "admin")


def _user(username: str) -> StaffUser:
    return db.session.query(StaffUser).filter_by(username=username).one()


def _unit(code: str) -> Department:
    return db.session.query(Department).filter_by(code=code).one()


@pytest.fixture
def world(city):
    resident = Resident(firebase_uid="policy-matrix", phone="+84900000077")
    db.session.add(resident)
    db.session.flush()
    original = _report(resident, Status.ASSIGNED, None, "plain")
    return {"resident": resident, "original": original}


def _report(resident, status: Status, moderation: str | None, variant: str) -> Report:
    now = utcnow()
    lighting = _unit("chieu-sang")  # supervised by Sở Xây dựng
    report = Report(
        code=f"PA-TEST-{id(object())}"[:32],
        category=db.session.query(Category).filter_by(code="chieu-sang").one(),
        description="Đèn đường tắt cả tuần nay",
        search_text="den duong tat",
        lat=10.03,
        lng=105.78,
        status=Status.NEW.value,
        severity="normal",
        reporter=resident,
        created_at=now - timedelta(days=30),
        moderation_status=moderation,
        province_id=lighting.province_id,  # TP Cần Thơ's, as intake would set it
    )
    report.events.append(
        ReportEvent(
            at=report.created_at,
            type="submit",
            actor_kind=ActorKind.RESIDENT,
            to_status="new",
        )
    )
    db.session.add(report)
    db.session.flush()
    report.code = f"PA-2099-{report.id:06d}"
    if status != Status.NEW:
        report.department = lighting
        report.assigned_at = now - timedelta(hours=2)
        if status in (Status.ASSIGNED, Status.IN_PROGRESS):
            sla.start_clocks(report, lighting, now - timedelta(hours=2))
        if status == Status.RETURNED:
            report.department = _unit("ioc")
    report.status = status.value
    if status == Status.IN_PROGRESS or variant == "accepted":
        report.accepted_at = now - timedelta(hours=1)
    if variant == "waiting":
        report.waiting_since = now - timedelta(days=1)
    handle = next((c for c in report.clocks if c.open and c.kind == "handle"), None)
    if handle is not None and variant == "past_deadline":
        handle.due_at = now - timedelta(minutes=5)
        handle.budget_seconds = handle.original_budget_seconds = 3600
    if handle is not None and variant in ("overdue", "apologised"):
        handle.due_at = handle.overdue_at = now - timedelta(minutes=5)
        report.escalated_to_id = _unit("so-xd").id
        if variant == "apologised":
            handle.apology_at = now - timedelta(days=1)
            handle.promised_due_at = now + timedelta(days=5)
    if handle is not None and variant == "extension_pending":
        report.extension_requests.append(
            ExtensionRequest(
                report_id=report.id,
                clock=handle,
                requested_by=_user("chieu-sang.officer"),
                reason="Chờ vật tư",
                proposed_due_at=now + timedelta(days=60),
                created_at=now,
            )
        )
    db.session.flush()
    return report


def _actor(role: str) -> StaffUser:
    return _user(
        {
            "unit": "chieu-sang.officer",
            "head": "chieu-sang.head",
            "supervisor": "so-xd.officer",
            "other_unit": "cap-thoat-nuoc.officer",
            "coordinator": "coordinator",
            "moderator": "moderator",
            "admin": "admin",
        }[role]
    )


def _try(action: StaffAction, staff: StaffUser, report: Report, original: Report) -> bool:
    """Run the action's service with valid input; True if it was accepted."""
    now = utcnow()
    cal = sla.working_calendar()
    later = cal.add(now, timedelta(hours=8 * 20)).date()  # 20 working days ahead
    while not cal.is_working_day(later):
        later += timedelta(days=1)
    target = "do-thi" if report.department_id != _unit("do-thi").id else "so-xd"
    calls = {
        StaffAction.ACCEPT: lambda: workflow.accept(staff, report, now),
        StaffAction.START: lambda: workflow.start(staff, report, now, "Bắt đầu"),
        StaffAction.UPDATE: lambda: workflow.post_update(staff, report, now, "Đang làm"),
        StaffAction.RESOLVE: lambda: workflow.resolve(
            staff, report, now, "Đã thay bóng đèn", [], max_photos=6
        ),
        StaffAction.RETURN: lambda: workflow.return_to_coordinator(staff, report, now, "Sai"),
        StaffAction.FORWARD: lambda: workflow.forward(staff, report, now, target, None),
        StaffAction.REJECT: lambda: workflow.reject(staff, report, now, "Không thuộc phạm vi"),
        StaffAction.DUPLICATE: lambda: workflow.mark_duplicate(staff, report, now, original.code),
        StaffAction.CLOSE: lambda: workflow.close(staff, report, now),
        StaffAction.REQUEST_INFO: lambda: workflow.request_info(staff, report, now, "Ở đâu?"),
        StaffAction.REQUEST_EXTENSION: lambda: workflow.request_extension(
            staff, report, now, "Chờ vật tư", later
        ),
        StaffAction.DECIDE_EXTENSION: lambda: workflow.decide_extension(
            staff,
            report,
            now,
            policy.pending_extension(report).id if policy.pending_extension(report) else 0,
            approve=True,
            note=None,
        ),
        StaffAction.APOLOGISE: lambda: workflow.apologise(
            staff, report, now, "Mưa lớn kéo dài", later
        ),
        StaffAction.ASSIGN_OFFICER: lambda: workflow.assign_officer(
            staff, report, now, "chieu-sang.officer"
        ),
    }
    savepoint = db.session.begin_nested()
    try:
        calls[action]()
        db.session.flush()
        return True
    except DomainError as error:
        _try.last_error = error
        return False
    finally:
        savepoint.rollback()


def _states():
    for status in Status:
        for moderation in MODERATION:
            yield status, moderation, "plain"
    for status in (Status.ASSIGNED, Status.IN_PROGRESS):
        for variant in VARIANTS[1:]:
            yield status, None, variant


@pytest.mark.parametrize("status", list(Status), ids=str)
def test_allowed_actions_are_exactly_what_the_services_accept(world, status):
    mismatches = []
    for state_status, moderation, variant in _states():
        if state_status != status:
            continue
        report = _report(world["resident"], status, moderation, variant)
        for role in ROLES:
            staff = _actor(role)
            if not policy.may_read(staff, report):
                # Only units are kept out, and only of what is neither theirs nor escalated.
                assert role in ("unit", "head", "supervisor", "other_unit")
                assert staff.department_id not in (report.department_id, report.escalated_to_id)
                continue
            listed = set(policy.allowed_actions(staff, report, utcnow()))
            for action in StaffAction:
                accepted = _try(action, staff, report, world["original"])
                db.session.refresh(report)
                if accepted != (action in listed):
                    why = None if accepted else getattr(_try, "last_error", None)
                    mismatches.append((moderation, variant, role, action.value, accepted, why))
    assert mismatches == [], "\n".join(map(str, mismatches))


def test_with_assign_by_any_officer_the_units_officers_assign_too(world, app):
    """The deployment's choice: any officer of the unit gives its reports to an officer,
    still only while open on the unit; other units and supervisors never."""
    app.config["ASSIGN_BY_ANY_OFFICER"] = True
    for status in Status:
        for variant in (
            ("plain", "waiting", "overdue") if status in policy.ASSIGNABLE_STATUSES else ("plain",)
        ):
            report = _report(world["resident"], status, None, variant)
            for role in ("unit", "supervisor", "moderator"):
                staff = _actor(role)
                if not policy.may_read(staff, report):
                    continue
                listed = StaffAction.ASSIGN_OFFICER in policy.allowed_actions(
                    staff, report, utcnow()
                )
                accepted = _try(StaffAction.ASSIGN_OFFICER, staff, report, world["original"])
                db.session.refresh(report)
                assert listed == accepted, (status, variant, role)
                expected = role == "unit" and status in policy.ASSIGNABLE_STATUSES
                assert accepted == expected, (status, variant, role)


def test_a_held_report_lists_nothing_and_refuses_forwarding(world):
    held = _report(world["resident"], Status.NEW, "pending", "plain")
    coordinator = _actor("coordinator")
    assert policy.allowed_actions(coordinator, held, utcnow()) == []
    with pytest.raises(policy.InModeration):
        workflow.forward(coordinator, held, utcnow(), "so-xd", None)
    # The moderation queue's own decisions still go through.
    workflow.reject(coordinator, held, utcnow(), "Spam", moderating=True)
    assert held.status == "rejected"


def test_an_escalated_case_is_on_the_supervising_units_desk_read_only(world, client, staff):
    from backend.localtime import local_tz
    from backend.services import queries

    report = _report(world["resident"], Status.IN_PROGRESS, None, "overdue")
    db.session.commit()
    supervisor = _actor("supervisor")
    desk = queries.staff_reports(supervisor, queries.ReportFilter(), 1, 100, local_tz(), utcnow())
    assert report.code in [r.code for r in desk.items]
    headers = staff("so-xd.officer")
    listed = client.get("/staff/v1/reports?page_size=100", headers=headers).get_json()
    row = next(item for item in listed["items"] if item["code"] == report.code)
    assert row["escalated_to"]["code"] == "so-xd" and row["allowed_actions"] == []
    other = client.get(f"/staff/v1/reports/{report.code}", headers=staff("do-thi.officer"))
    assert other.status_code == 404
