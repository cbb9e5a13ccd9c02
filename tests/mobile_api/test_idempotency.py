"""``Idempotency-Key`` on the residents' POSTs: a retry gets the first answer, never a copy."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.api import idempotency as api_idempotency
from backend.db import db, utcnow
from backend.models import IdempotencyKey, Photo, Rating, Report, Resident
from backend.services import idempotency
from notifications.models import Notification
from tests import factories

ALICE, BINH = "+84901000001", "+84901000002"
KEY = "7f0c3c1e-6b2a-4c55-9f57-2d4f0d1e9a01"


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _counts() -> tuple[int, int, int, int]:
    return _count(Report), _count(Photo), _count(Notification), _count(Rating)


def send(client, headers, key=KEY, **kwargs):
    return factories.submit_report(
        client, {**headers, "Idempotency-Key": key} if key else headers, **kwargs
    )


def test_a_retry_gets_the_first_answer_and_creates_nothing(client, resident):
    alice = resident(ALICE)
    first = send(client, alice)
    assert first.status_code == 201, first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    before = _counts()
    again = send(client, alice)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    assert _counts() == before
    assert before[0] == 1


def test_the_same_key_with_another_body_is_refused(client, resident):
    alice = resident(ALICE)
    assert send(client, alice).status_code == 201
    other = send(client, alice, description="Cây đổ chắn ngang đường")
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert other.get_json()["error"]["message"]["vi"] != other.get_json()["error"]["message"]["en"]
    assert _count(Report) == 1


@pytest.mark.parametrize("key", ["", "x" * 129, "khóa", "tab\there", "nul\x7f"])
def test_a_malformed_key_is_a_422_envelope(client, resident, key):
    response = client.post(
        "/mobile/v1/reports/NOPE/follow", headers={**resident(ALICE), "Idempotency-Key": key}
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_idempotency_key"
    assert error["message"]["vi"] != error["message"]["en"]


def test_another_residents_same_key_is_independent(client, resident):
    first = send(client, resident(ALICE))
    second = send(client, resident(BINH))
    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert first.get_json()["code"] != second.get_json()["code"]
    assert _count(Report) == 2


def test_the_key_expires_after_a_day(client, resident, monkeypatch):
    alice = resident(ALICE)
    assert send(client, alice).status_code == 201
    later = utcnow() + timedelta(hours=24, seconds=1)
    monkeypatch.setattr(api_idempotency, "utcnow", lambda: later)
    again = send(client, alice)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert _count(Report) == 2


def test_a_failed_request_releases_its_key(client, resident):
    alice = resident(ALICE)
    refused = send(client, alice, category="no-such-category")
    assert refused.status_code == 422
    assert _count(IdempotencyKey) == 0
    assert send(client, alice).status_code == 201


def test_a_key_still_being_processed_is_a_409(client, resident):
    alice = resident(ALICE)
    path = "/mobile/v1/reports/NOPE/follow"
    # A claim another worker holds right now, for exactly this request.
    db.session.add(
        IdempotencyKey(
            resident_id=db.session.scalar(select(Resident.id).where(Resident.phone == ALICE)),
            key=idempotency.explicit_key(KEY),
            fingerprint=idempotency.fingerprint("POST", path, [("body", b"")]),
            claim_token="x" * 32,
            claimed_at=utcnow(),
            expires_at=utcnow() + timedelta(days=1),
        )
    )
    db.session.commit()
    response = client.post(path, headers={**alice, "Idempotency-Key": KEY})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "idempotency_in_progress"


def test_a_byte_identical_resubmission_without_a_key_answers_the_first_report(
    app, client, resident
):
    app.config["DUPLICATE_SUBMISSION_SECONDS"] = 120
    alice = resident(ALICE)
    first = send(client, alice, key=None)
    again = send(client, alice, key=None)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["code"] == first.get_json()["code"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(Report) == 1
    # Anything else is a new report, and so is the same one after the window.
    assert send(client, alice, key=None, description="Một ổ gà khác").status_code == 201
    assert _count(Report) == 2


def test_rating_follow_and_feedback_retries_do_nothing_twice(client, resident, staff):
    alice, binh = resident(ALICE), resident(BINH)
    code = send(client, alice, key=None).get_json()["code"]
    followed = [
        client.post(f"/mobile/v1/reports/{code}/follow", headers={**binh, "Idempotency-Key": "f1"})
        for _ in range(2)
    ]
    assert [r.status_code for r in followed] == [200, 200]
    assert followed[1].headers["Idempotent-Replayed"] == "true"
    resolved = client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={"response": "Đã vá xong ổ gà."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert resolved.status_code == 200, resolved.get_json()
    factories.run_jobs()
    before = _counts()
    rated = [
        client.post(
            f"/mobile/v1/reports/{code}/rating",
            json={"score": 5},
            headers={**alice, "Idempotency-Key": "r1"},
        )
        for _ in range(2)
    ]
    factories.run_jobs()
    assert [r.status_code for r in rated] == [201, 201]
    assert rated[1].get_data() == rated[0].get_data()
    assert _count(Rating) == before[3] + 1
    notifications = _count(Notification)
    again = client.post(
        f"/mobile/v1/reports/{code}/rating",
        json={"score": 5},
        headers={**alice, "Idempotency-Key": "r1"},
    )
    factories.run_jobs()
    assert again.status_code == 201
    assert _count(Notification) == notifications


def test_the_header_is_documented_on_every_creating_post(client):
    spec = client.get("/openapi.json").get_json()
    for path in (
        "/mobile/v1/reports",
        "/mobile/v1/reports/{code}/follow",
        "/mobile/v1/reports/{code}/rating",
        "/mobile/v1/reports/{code}/feedback",
        "/mobile/v1/reports/{code}/reopen",
        "/mobile/v1/reports/{code}/info",
    ):
        names = [p["name"] for p in spec["paths"][path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path


def _at_once(app, headers, key, count: int = 4) -> list[tuple[int, dict, bool]]:
    """``count`` threads send the same report at the same moment."""
    barrier = threading.Barrier(count)
    answers: list = []

    def post():
        own = app.test_client()
        with app.app_context():
            barrier.wait()
            response = send(own, headers, key=key, run=False)
            replayed = response.headers.get("Idempotent-Replayed") == "true"
            answers.append((response.status_code, response.get_json(), replayed))

    threads = [threading.Thread(target=post) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _one_report_for(answers) -> None:
    fresh = [a for a in answers if a[0] == 201 and not a[2]]
    assert len(fresh) == 1, answers
    for status, body, _replayed in answers:
        if status == 201:
            assert body["code"] == fresh[0][1]["code"]
        else:
            assert (status, body["error"]["code"]) == (409, "idempotency_in_progress")
    db.session.remove()
    assert _count(Report) == 1
    assert _count(Photo) == 1


@pytest.mark.committed
def test_the_same_key_from_several_threads_at_once_files_one_report(app, committed):
    alice = factories.sign_in_resident(app.test_client(), ALICE)
    _one_report_for(_at_once(app, alice, KEY))
    assert _count(IdempotencyKey) == 1


@pytest.mark.committed
def test_the_same_report_without_a_key_from_several_threads_files_one(app, committed):
    app.config["DUPLICATE_SUBMISSION_SECONDS"] = 120
    alice = factories.sign_in_resident(app.test_client(), ALICE)
    _one_report_for(_at_once(app, alice, None))
