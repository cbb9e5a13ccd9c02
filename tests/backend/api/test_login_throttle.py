"""Staff sign-in: a growing delay after repeated wrong passwords, then a lock that an
administrator lifts; the same answer whether or not the username exists."""

from __future__ import annotations

import pytest

from backend import limits
from tests.backend.console.conftest import csrf_token
from tests.factories import sign_in_staff

LOGIN = "/staff/v1/auth/login"


@pytest.fixture
def throttled(app):
    """Limits on: a delay from the 2nd consecutive failure, a 30-minute lock from the 4th."""
    app.config.update(
        RATELIMIT_ENABLED=True, LOGIN_DELAY_AFTER=2, LOGIN_LOCK_AFTER=4, LOGIN_LOCK_MINUTES=30
    )
    limits.limiter.reset()
    yield app
    limits.limiter.reset()


def _login(client, username, password="wrong-password"):
    return client.post(LOGIN, json={"username": username, "password": password})


def _wait_over(username):
    """As if the delay had passed (the test does not sleep minutes)."""
    limits.limiter.storage.clear(limits._block_key(username))


def _throttled(response) -> int:
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert error["code"] == "too_many_requests" and error["fields"] == {}
    assert error["message"]["vi"] and error["message"]["en"]
    return int(response.headers["Retry-After"])


@pytest.mark.parametrize("username", ["so-xd.officer", "nobody.here"])
def test_the_delay_grows_then_the_account_locks(client, city, throttled, username):
    assert _login(client, username).status_code == 401
    assert _login(client, username).status_code == 401  # 2nd failure: wait a minute
    assert 55 <= _throttled(_login(client, username, "demo")) <= 60
    _wait_over(username)
    assert _login(client, username).status_code == 401  # 3rd: two minutes
    assert 115 <= _throttled(_login(client, username)) <= 120
    _wait_over(username)
    assert _login(client, username).status_code == 401  # 4th: locked
    assert 1790 <= _throttled(_login(client, username, "demo")) <= 1800


def test_a_locked_unknown_username_answers_like_a_real_one(client, city, throttled):
    answers = []
    for username in ("so-xd.officer", "nobody.here"):
        for _ in range(2):
            _login(client, username)
        response = _login(client, username)
        answers.append((response.status_code, response.get_json()))
    assert answers[0] == answers[1]


def test_a_success_resets_the_count(client, city, throttled):
    assert _login(client, "so-xd.officer").status_code == 401
    sign_in_staff(client, "so-xd.officer")
    assert _login(client, "so-xd.officer").status_code == 401  # the first again
    sign_in_staff(client, "so-xd.officer")


def test_an_admin_lifts_the_lock(client, city, staff, throttled):
    admin = staff("admin")
    for _ in range(4):
        _login(client, "so-xd.officer")
    _throttled(_login(client, "so-xd.officer", "demo"))
    officer = staff("so-xd.head")
    assert client.delete("/staff/v1/staff/so-xd.officer/lock", headers=officer).status_code == 403
    lifted = client.delete("/staff/v1/staff/so-xd.officer/lock", headers=admin)
    assert lifted.status_code == 204
    sign_in_staff(client, "so-xd.officer")


def test_the_console_login_is_throttled_too(client, city, throttled):
    form = {"username": "so-xd.officer", "password": "wrong-password"}
    form["csrf_token"] = csrf_token(client)
    for _ in range(2):
        assert client.post("/console/login", data=form).status_code == 401
    page = client.post("/console/login", data=form, headers={"Accept": "text/html"})
    assert page.status_code == 429
    assert page.mimetype == "text/html" and 55 <= int(page.headers["Retry-After"]) <= 60
    # ... and the same account through the API
    _throttled(_login(client, "so-xd.officer", "demo"))


def test_logins_per_account_and_per_address(client, city, throttled):
    throttled.config.update(LIMIT_LOGIN_ACCOUNT="3/minute", LIMIT_LOGIN_ADDRESS="5/minute")
    for _ in range(3):
        sign_in_staff(client, "so-xd.officer")
    _throttled(_login(client, "so-xd.officer", "demo"))
    sign_in_staff(client, "so-xd.head")  # the address's 5th (the refused one counts)
    _throttled(_login(client, "admin", "demo"))
    other = {"REMOTE_ADDR": "203.0.113.9"}
    ok = client.post(LOGIN, json={"username": "admin", "password": "demo"}, environ_base=other)
    assert ok.status_code == 200
