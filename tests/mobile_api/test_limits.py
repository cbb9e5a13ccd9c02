"""Residents' abuse limits: sign-in per address; reports per resident, per address and a
daily cap; ratings and feedback, follows and devices per account (backend.limits)."""

from __future__ import annotations

import pytest

from backend import limits
from tests.conftest import id_token

ALICE, BINH = "+84901000011", "+84901000012"


@pytest.fixture
def limited(app):
    """Limits on, generous unless a test sets a family small."""
    app.config.update(RATELIMIT_ENABLED=True)
    limits.limiter.reset()
    yield app.config
    limits.limiter.reset()


def _refused(response, most: int = 60) -> int:
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert (error["status"], error["code"], error["fields"]) == (429, "too_many_requests", {})
    assert error["message"]["vi"] and error["message"]["en"]
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= most
    return seconds


def _report(client, headers, **environ):
    """A (bad) report: counted like any other, no photo to process."""
    return client.post(
        "/mobile/v1/reports",
        data={"description": "x"},
        headers=headers,
        content_type="multipart/form-data",
        environ_base=environ,
    )


def test_sign_in_per_address(client, city, limited):
    limited["LIMIT_SIGN_IN_ADDRESS"] = "2/minute"
    post = lambda phone, **env: client.post(  # noqa: E731
        "/mobile/v1/auth/firebase", json={"id_token": id_token(phone)}, environ_base=env
    )
    assert post(ALICE).status_code == 200
    assert post(BINH).status_code == 200
    _refused(post(ALICE))
    assert post(ALICE, REMOTE_ADDR="198.51.100.20").status_code == 200


def test_token_refreshes_per_address(client, city, limited):
    limited["LIMIT_REFRESH_ADDRESS"] = "2/minute"
    body = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token(ALICE)}).get_json()
    post = lambda token, **env: client.post(  # noqa: E731
        "/mobile/v1/auth/refresh", json={"refresh_token": token}, environ_base=env
    )
    second = post(body["refresh_token"])
    assert second.status_code == 200
    assert post("guessing-a-refresh-token").status_code == 401
    _refused(post(second.get_json()["refresh_token"]))
    elsewhere = post(second.get_json()["refresh_token"], REMOTE_ADDR="198.51.100.22")
    assert elsewhere.status_code == 200


def test_reports_per_resident(client, resident, submit, limited):
    limited["LIMIT_REPORTS_RESIDENT"] = "2/minute"
    alice, binh = resident(ALICE), resident(BINH)
    assert submit(alice).status_code == 201
    assert _report(client, alice).status_code == 422
    _refused(_report(client, alice))
    _refused(submit(alice))
    assert submit(binh).status_code == 201


def test_reports_per_address(client, resident, limited):
    limited["LIMIT_REPORTS_ADDRESS"] = "2/minute"
    alice, binh = resident(ALICE), resident(BINH)
    assert _report(client, alice).status_code == 422
    assert _report(client, binh).status_code == 422
    _refused(_report(client, binh))
    assert _report(client, binh, REMOTE_ADDR="198.51.100.21").status_code == 422


def test_the_daily_cap_per_resident(client, resident, limited):
    limited["REPORTS_DAILY_CAP"] = 2
    alice = resident(ALICE)
    for _ in range(2):
        assert _report(client, alice).status_code == 422
    assert _refused(_report(client, alice), most=86_400) > 3600  # tomorrow
    assert _report(client, resident(BINH)).status_code == 422


@pytest.mark.parametrize(
    ("family", "path", "body"),
    [
        ("LIMIT_RATINGS_RESIDENT", "/mobile/v1/reports/NOPE-0000/rating", {"score": 5}),
        ("LIMIT_RATINGS_RESIDENT", "/mobile/v1/reports/NOPE-0000/feedback", {"score": 5}),
        ("LIMIT_RATINGS_RESIDENT", "/mobile/v1/reports/NOPE-0000/reopen", {"reason": "x"}),
        ("LIMIT_FOLLOWS_RESIDENT", "/mobile/v1/reports/NOPE-0000/follow", None),
        ("LIMIT_DEVICES_ACCOUNT", "/mobile/v1/devices", {"token": "t" * 40, "platform": "android"}),
    ],
)
def test_per_resident_limits(client, resident, limited, family, path, body):
    limited[family] = "2/minute"
    alice = resident(ALICE)
    for _ in range(2):
        assert client.post(path, json=body, headers=alice).status_code != 429
    _refused(client.post(path, json=body, headers=alice))
    assert client.post(path, json=body, headers=resident(BINH)).status_code != 429


def test_staff_devices_per_account(client, staff, limited):
    limited["LIMIT_DEVICES_ACCOUNT"] = "1/minute"
    body = {"token": "s" * 40, "platform": "android"}
    assert client.post("/staff/v1/devices", json=body, headers=staff("admin")).status_code != 429
    _refused(client.post("/staff/v1/devices", json=body, headers=staff("admin")))
    other = client.post("/staff/v1/devices", json=body, headers=staff("so-xd.head"))
    assert other.status_code != 429
