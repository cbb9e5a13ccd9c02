"""What each audience reads of a report, through the real endpoints."""

from __future__ import annotations

from backend.db import db
from backend.models import Report
from tests.conftest import post_json


def test_a_unit_cannot_link_a_reporters_reports(client, staff, resident, submit):
    headers = resident()
    code = submit(headers).get_json()["code"]
    moderator = staff("moderator")
    for action in ("lock-reporter", "unlock-reporter"):
        answer = post_json(
            client, moderator, f"/moderation/v1/reports/{code}/{action}", reason="Thử khóa"
        )
        assert answer.status_code == 200, answer.get_json()
    oversight = client.get(f"/staff/v1/reports/{code}", headers=staff("coordinator")).get_json()
    locks = [e for e in oversight["timeline"] if e["type"].startswith("reporter_")]
    assert [e["data"]["resident_id"] for e in locks] == [oversight["reporter"]["id"]] * 2
    unit = client.get(f"/staff/v1/reports/{code}", headers=staff("so-xd.officer"))
    assert unit.status_code == 200
    body = unit.get_json()
    assert "reporter" not in body and "resident_id" not in unit.get_data(as_text=True)
    assert not [e for e in body["timeline"] if e["type"].startswith("reporter_")]


def test_booleans_are_booleans(client, resident, submit):
    headers = resident()
    submitted = submit(headers).get_json()
    assert submitted["mine"] is True and submitted["following"] is True
    mine = client.get(f"/mobile/v1/reports/{submitted['code']}", headers=headers).get_json()
    assert mine["mine"] is True and mine["can_rate"] is False
    row = client.get("/public/v1/reports").get_json()["items"][0]
    assert row["overdue"] is False and row["working_days_late"] is None


def test_a_resident_lists_the_reports_they_follow(client, resident, submit):
    alice, binh = resident("+84901000001"), resident("+84901000002")
    first = submit(alice).get_json()["code"]
    second = submit(alice, description="Đèn đường hỏng ở hẻm 12").get_json()["code"]
    submit(binh, description="Rác thải đổ trộm bên bờ kè")  # Binh's own: never listed
    assert client.get("/mobile/v1/reports/following", headers=binh).get_json()["items"] == []
    for code in (first, second):
        assert client.post(f"/mobile/v1/reports/{code}/follow", headers=binh).status_code == 200
    listed = client.get("/mobile/v1/reports/following", headers=binh).get_json()
    assert [r["code"] for r in listed["items"]] == [second, first]  # latest followed first
    assert listed["total"] == 2 and all(r["following"] is True for r in listed["items"])
    assert "reporter" not in listed["items"][0]
    client.delete(f"/mobile/v1/reports/{first}/follow", headers=binh)
    listed = client.get("/mobile/v1/reports/following", headers=binh).get_json()
    assert [r["code"] for r in listed["items"]] == [second]
    assert client.get("/mobile/v1/reports/following").status_code == 401


def test_a_failure_while_answering_a_submission_commits_nothing(
    client, resident, submit, monkeypatch
):
    """The answer is written before the commit: if anything fails there, no report exists,
    so the app's retry files it once."""
    from backend.services import nearby

    headers = resident()
    before = db.session.query(Report).count()

    def broken(*_args, **_kwargs):
        raise RuntimeError("suggestions are down")

    monkeypatch.setattr(nearby, "similar", broken)
    failed = submit(headers)
    assert failed.status_code == 500
    assert failed.get_json()["error"]["code"] == "internal_error"
    db.session.rollback()
    assert db.session.query(Report).count() == before
    monkeypatch.undo()
    assert submit(headers).status_code == 201
    assert db.session.query(Report).count() == before + 1


def test_a_unit_reads_only_the_public_side_of_what_happened_before_it(
    client, staff, resident, submit
):
    headers = resident()
    code = submit(headers).get_json()["code"]  # routed to Sở Xây dựng
    first = staff("so-xd.officer")
    asked = post_json(
        client, first, f"/staff/v1/reports/{code}/request-info", question="Số nhà của bác?"
    )
    assert asked.status_code == 200
    answered = post_json(
        client, headers, f"/mobile/v1/reports/{code}/info", text="Nhà tôi số 5, gọi 0912345678"
    )
    assert answered.status_code == 200, answered.get_json()
    returned = post_json(client, first, f"/staff/v1/reports/{code}/return", reason="Của phường")
    assert returned.status_code == 200
    forwarded = post_json(
        client, staff("coordinator"), f"/staff/v1/reports/{code}/forward", department="do-thi"
    )
    assert forwarded.status_code == 200, forwarded.get_json()
    second = client.get(f"/staff/v1/reports/{code}", headers=staff("do-thi.officer"))
    body = second.get_json()
    kinds = [e["type"] for e in body["timeline"]]
    assert "request_info" not in kinds and "provide_info" not in kinds
    assert "0912345678" not in second.get_data(as_text=True)
    assert "Của phường" not in second.get_data(as_text=True)  # the first unit's reason
    assert kinds[-1] == "forward" and body["timeline"][-1]["internal_note"] is None


def test_one_instant_reads_the_same_in_every_answer(client, resident, submit):
    """The submission's answer (written before the commit, from the calendar's local times)
    and a later read give the deadlines in the same form."""
    headers = resident()
    submitted = submit(headers).get_json()
    read = client.get(f"/mobile/v1/reports/{submitted['code']}", headers=headers).get_json()
    due = submitted["deadlines"]["clocks"]["handle"]["due_at"]
    assert due == read["deadlines"]["clocks"]["handle"]["due_at"]
    assert due.endswith("+00:00")


def test_remembered_masking_answers_as_the_masking_itself():
    from backend.domain.privacy import mask_personal_data
    from backend.services.read_model import _masked

    for text in (None, "", "Gọi 0901 234 567 hoặc a.b@example.com", "không có gì"):
        assert _masked(text) == mask_personal_data(text)
        assert _masked(text) == mask_personal_data(text)  # the remembered answer
