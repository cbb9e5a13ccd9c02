"""Giving a report to a named officer of its unit: who may, to whom, what each audience
sees of it, and that it ends when the report leaves the unit."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.db import commit, db, utcnow
from backend.domain.system_notes import render
from backend.domain.vocabulary import EventKind
from backend.localtime import local_tz
from backend.models import Department, Report, ReportEvent, Resident, StaffUser
from backend.services import intake, officers, policy, queries, read_model, workflow
from backend.services.photos import Upload
from backend.services.policy import Audience, StaffAction
from backend.services.timeline import InvalidTransitionError
from tests.factories import NINH_KIEU, new_resident, photo


def _file_report(resident, now, category: str = "giao-thong") -> Report:
    """A report filed through intake at ``now``, committed (its photo jobs left queued: the
    report stays in this session, with a real RQ worker too)."""
    report = intake.submit(
        resident,
        intake.NewReport(category, "Ổ gà lớn giữa đường", *NINH_KIEU, None),
        [Upload("p.jpg", photo("Canon_40D.jpg"))],
        now,
        max_photos=6,
    )
    commit()
    return report


def _user(username: str) -> StaffUser:
    return db.session.query(StaffUser).filter_by(username=username).one()


def _entries(report: Report) -> list[ReportEvent]:
    return (
        db.session.query(ReportEvent)
        .filter_by(report_id=report.id, type=EventKind.OFFICER_ASSIGNED.value)
        .order_by(ReportEvent.id)
        .all()
    )


@pytest.fixture
def report(city):
    """A pothole at Ninh Kiều: routed to Sở Xây dựng (so-xd), assigned."""
    reporter = new_resident("assignment-reporter", "+84900000311")
    filed = _file_report(reporter, utcnow() - timedelta(hours=2))
    assert filed.department.code == "so-xd" and filed.status == "assigned"
    return filed


def _assign(staff: str, report: Report, officer: str | None) -> Report:
    workflow.assign_officer(_user(staff), report, utcnow(), officer)
    commit()
    db.session.refresh(report)
    return report


def test_the_head_gives_a_report_to_an_officer_internally(report):
    _assign("so-xd.head", report, "so-xd.officer2")
    assert report.assignee.username == "so-xd.officer2"
    (entry,) = _entries(report)
    assert entry.public is False and entry.actor_staff.username == "so-xd.head"
    assert entry.data == {
        "officer": {"username": "so-xd.officer2", "full_name": "Đỗ Văn Long"},
        "previous": None,
    }
    assert entry.from_status == entry.to_status == "assigned"


def _timeline_types(view) -> list[str]:
    return [e.type for e in view.timeline]


def test_the_unit_and_oversight_see_it_the_public_and_residents_never(report):
    _assign("so-xd.head", report, "so-xd.officer2")
    now = utcnow()
    for username in ("so-xd.officer", "so-xd.head", "coordinator", "admin", "moderator"):
        view = read_model.build(_user(username), report, now)
        assert view.assignee == {"username": "so-xd.officer2", "full_name": "Đỗ Văn Long"}
        entry = next(e for e in view.timeline if e.type == EventKind.OFFICER_ASSIGNED)
        assert entry.public is False
        assert entry.system_note == {
            "vi": "Giao cán bộ Đỗ Văn Long xử lý.",
            "en": "Given to Đỗ Văn Long to handle.",
        }
        assert entry.actor == {"username": "so-xd.head", "name": "Trần Minh Tâm"}
    follower = Resident(firebase_uid="assignment-follower", phone="+84900000312")
    db.session.add(follower)
    db.session.flush()
    for actor, audience in (
        (None, Audience.PUBLIC),
        (report.reporter, Audience.REPORTER),
        (follower, Audience.FOLLOWER),
    ):
        view = read_model.build(actor, report, now)
        assert view.audience == audience
        assert EventKind.OFFICER_ASSIGNED not in _timeline_types(view)
        assert view.assignee is None


def test_a_supervising_unit_reading_an_escalated_case_does_not_see_who_works_it(city):
    # A case of Chiếu sáng, overdue and escalated to its supervisor, Sở Xây dựng:
    reporter = new_resident("assignment-lighting", "+84900000317")
    report = _file_report(reporter, utcnow(), category="chieu-sang")
    assert report.department.code == "chieu-sang"
    _assign("chieu-sang.head", report, "chieu-sang.officer")
    report.escalated_to_id = db.session.query(Department).filter_by(code="so-xd").one().id
    commit()
    supervisor = _user("so-xd.officer")
    assert policy.supervises(supervisor, report)
    view = read_model.build(supervisor, report, utcnow())
    assert view.assignee is None
    assert EventKind.OFFICER_ASSIGNED not in _timeline_types(view)
    assert StaffAction.ASSIGN_OFFICER.value not in view.allowed_actions


def test_an_officer_assigns_only_where_the_deployment_says_so(report, app):
    officer = _user("so-xd.officer")
    assert StaffAction.ASSIGN_OFFICER not in policy.allowed_actions(officer, report, utcnow())
    with pytest.raises(policy.ActionNotAllowed):
        workflow.assign_officer(officer, report, utcnow(), "so-xd.officer")
    app.config["ASSIGN_BY_ANY_OFFICER"] = True
    assert StaffAction.ASSIGN_OFFICER in policy.allowed_actions(officer, report, utcnow())
    _assign("so-xd.officer", report, "so-xd.officer")  # taking it oneself
    assert report.assignee.username == "so-xd.officer"


def test_moderators_never_assign_the_coordinator_and_admin_do(report):
    with pytest.raises(policy.ActionNotAllowed):
        workflow.assign_officer(_user("moderator"), report, utcnow(), "so-xd.officer")
    _assign("coordinator", report, "so-xd.officer")
    _assign("admin", report, "so-xd.officer2")
    assert [e.actor_staff.username for e in _entries(report)] == ["coordinator", "admin"]


@pytest.mark.parametrize(
    "target",
    ["chieu-sang.officer", "chieu-sang.head", "coordinator", "moderator", "nobody", "inactive"],
)
def test_only_an_active_officer_of_the_reports_unit_may_be_given_it(report, target):
    if target == "inactive":
        _user("so-xd.officer2").active = False
        commit()
        target = "so-xd.officer2"
    with pytest.raises(officers.InvalidAssignee) as refused:
        workflow.assign_officer(_user("so-xd.head"), report, utcnow(), target)
    error = refused.value
    assert (error.status, error.code) == (422, "invalid_assignee")
    assert error.message_vi and error.message_en and error.message_vi != error.message_en
    assert set(error.fields) == {"officer"}
    db.session.rollback()
    assert _entries(report) == [] and report.assignee_id is None


def test_reassigning_unassigning_and_a_repeat_that_changes_nothing(report):
    _assign("so-xd.head", report, "so-xd.officer")
    _assign("so-xd.head", report, "so-xd.officer")  # the same again: a retry
    assert len(_entries(report)) == 1
    version = report.version
    _assign("so-xd.head", report, "so-xd.officer2")
    assert report.version == version + 1  # two heads at once: one loses (concurrent_update)
    _assign("so-xd.head", report, None)
    _assign("so-xd.head", report, None)
    assert report.assignee_id is None
    assert [(e.data["officer"], e.data["previous"]) for e in _entries(report)] == [
        ({"username": "so-xd.officer", "full_name": "Võ Thị Hạnh"}, None),
        (
            {"username": "so-xd.officer2", "full_name": "Đỗ Văn Long"},
            {"username": "so-xd.officer", "full_name": "Võ Thị Hạnh"},
        ),
        (None, {"username": "so-xd.officer2", "full_name": "Đỗ Văn Long"}),
    ]
    unassigned = read_model.build(_user("so-xd.head"), report, utcnow()).timeline[-1]
    assert unassigned.system_note["en"] == "No longer given to Đỗ Văn Long."


def test_in_progress_and_waiting_for_the_resident_still_assignable(report):
    workflow.start(_user("so-xd.officer"), report, utcnow(), None)
    workflow.request_info(_user("so-xd.officer"), report, utcnow(), "Số nhà bao nhiêu?")
    commit()
    _assign("so-xd.head", report, "so-xd.officer2")
    assert report.status == "in_progress" and report.assignee.username == "so-xd.officer2"


def test_not_once_resolved_nor_while_held_for_moderation(report, city):
    workflow.resolve(_user("so-xd.officer"), report, utcnow(), "Đã vá.", [], max_photos=6)
    commit()
    with pytest.raises(InvalidTransitionError) as refused:
        workflow.assign_officer(_user("so-xd.head"), report, utcnow(), "so-xd.officer")
    assert refused.value.status == 409
    held = _file_report(new_resident("assignment-held", "+84900000313"), utcnow())
    held.moderation_status = "pending"
    commit()
    with pytest.raises(policy.InModeration):
        workflow.assign_officer(_user("coordinator"), held, utcnow(), "so-xd.officer")


@pytest.mark.parametrize("leave", ["forward", "return", "reject", "duplicate"])
def test_the_assignee_is_cleared_when_the_report_leaves_the_unit(report, leave):
    original = _file_report(new_resident("assignment-original", "+84900000314"), utcnow())
    _assign("so-xd.head", report, "so-xd.officer")
    coordinator, now = _user("coordinator"), utcnow()
    if leave == "forward":
        workflow.forward(coordinator, report, now, "chieu-sang", None)
    elif leave == "return":
        workflow.return_to_coordinator(_user("so-xd.officer"), report, now, "Không thuộc")
    elif leave == "reject":
        workflow.reject(coordinator, report, now, "Không thuộc phạm vi")
    else:
        workflow.mark_duplicate(coordinator, report, now, original.code)
    commit()
    db.session.refresh(report)
    assert report.assignee_id is None


def test_the_assignee_stays_through_the_units_own_work(report):
    _assign("so-xd.head", report, "so-xd.officer")
    officer = _user("so-xd.officer")
    workflow.accept(officer, report, utcnow())
    workflow.start(officer, report, utcnow(), None)
    workflow.post_update(officer, report, utcnow(), "Đang vá")
    workflow.resolve(officer, report, utcnow(), "Đã vá.", [], max_photos=6)
    commit()
    db.session.refresh(report)
    assert report.assignee.username == "so-xd.officer"


def test_the_desk_filters_by_assignee(report, city):
    other = _file_report(new_resident("assignment-other", "+84900000315"), utcnow())
    third = _file_report(new_resident("assignment-third", "+84900000316"), utcnow())
    _assign("so-xd.head", report, "so-xd.officer")
    _assign("so-xd.head", other, "so-xd.officer2")

    def desk(staff: str, assignee: str) -> set[str]:
        page = queries.staff_reports(
            _user(staff),
            queries.ReportFilter(),
            1,
            100,
            local_tz(),
            utcnow(),
            queries.DeskFilter(assignee=assignee),
        )
        return {r.code for r in page.items}

    assert desk("so-xd.officer", "me") == {report.code}
    assert desk("so-xd.officer2", "me") == {other.code}
    assert desk("so-xd.head", "me") == set()
    assert third.code in desk("so-xd.head", "none")
    assert not {report.code, other.code} & desk("so-xd.head", "none")
    assert desk("coordinator", "so-xd.officer2") == {other.code}
    assert desk("chieu-sang.officer", "so-xd.officer2") == set()  # not their desk
    assert desk("coordinator", "no-such-user") == set()


def test_the_units_officers_for_the_form(report):
    _assign("so-xd.head", report, "so-xd.officer2")
    listed = officers.unit_officers(_user("so-xd.officer"), "so-xd")
    assert [(o.username, o.role, o.open_reports) for o in listed] == [
        ("so-xd.head", "department_head", 0),
        ("so-xd.officer2", "department_officer", 1),  # Đỗ Văn Long before Võ Thị Hạnh
        ("so-xd.officer", "department_officer", 0),
    ]
    assert officers.unit_officers(_user("admin"), "so-xd")[0].full_name == "Trần Minh Tâm"
    _user("so-xd.officer").active = False
    commit()
    assert "so-xd.officer" not in {
        o.username for o in officers.unit_officers(_user("coordinator"), " so-xd ")
    }
    for staff, code in (
        ("chieu-sang.officer", "so-xd"),  # another unit's
        ("moderator", "so-xd"),
        ("coordinator", "ioc"),  # the coordinator's office has no officers to give to
        ("coordinator", "no-such-unit"),
    ):
        with pytest.raises(officers.UnknownUnit):
            officers.unit_officers(_user(staff), code)


def test_the_system_note_in_both_languages():
    person = {"username": "a.b", "full_name": "Nguyễn Văn A"}
    nobody_named = {"username": "a.c", "full_name": ""}
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    assert render("officer_assigned", {"officer": person}, "vi", tz) == (
        "Giao cán bộ Nguyễn Văn A xử lý."
    )
    assert render("officer_assigned", {"officer": nobody_named}, "en", tz) == (
        "Given to a.c to handle."
    )
    unassigned = {"officer": None, "previous": person}
    assert render("officer_assigned", unassigned, "vi", tz) == (
        "Không còn giao cho cán bộ Nguyễn Văn A."
    )
    assert render("officer_assigned", {}, "en", tz) is None  # an entry without its data
