"""Rotating SECRET_KEY: tokens and console sessions signed with the old key keep working
while it is listed in SECRET_KEY_FALLBACKS, and stop once it is dropped."""

from __future__ import annotations

import secrets

import pytest

from backend.config import ConfigError, Settings
from tests.backend.console.conftest import console_sign_in
from tests.factories import sign_in_staff


@pytest.fixture
def rotate(app):
    def to(new_key: str, *fallbacks: str) -> None:
        app.config["SECRET_KEY"] = new_key
        app.config["SECRET_KEY_FALLBACKS"] = list(fallbacks)

    return to


def test_an_api_token_survives_a_rotation_while_its_key_is_a_fallback(client, city, app, rotate):
    old = app.config["SECRET_KEY"]
    headers = sign_in_staff(client, "coordinator")
    rotate(secrets.token_urlsafe(48), old)
    assert client.get("/staff/v1/me", headers=headers).status_code == 200
    fresh = sign_in_staff(client, "coordinator")  # signed with the new key
    rotate(app.config["SECRET_KEY"])  # the old key dropped
    assert client.get("/staff/v1/me", headers=headers).status_code == 401
    assert client.get("/staff/v1/me", headers=fresh).status_code == 200


def test_a_console_session_survives_a_rotation_while_its_key_is_a_fallback(
    client, city, app, rotate
):
    old = app.config["SECRET_KEY"]
    assert console_sign_in(client, "coordinator").status_code == 302
    signed_with_old = client.get_cookie("phananh_console").value
    rotate(secrets.token_urlsafe(48), old)
    assert client.get("/console/account").status_code == 200
    # Each answer signs the cookie again, with the new key: the session lives on.
    assert client.get_cookie("phananh_console").value != signed_with_old
    rotate(app.config["SECRET_KEY"])  # the old key dropped
    assert client.get("/console/account").status_code == 200
    stale = app.test_client()
    stale.set_cookie("phananh_console", signed_with_old)  # not seen since the rotation
    assert stale.get("/console/account").status_code == 302  # back to sign-in


def test_production_refuses_a_weak_or_repeated_fallback():
    strong = secrets.token_urlsafe(48)
    base = {
        "APP_ENV": "production",
        "SECRET_KEY": strong,
        "DATABASE_URL": "postgresql://x/y",
        "REDIS_URL": "redis://cache:6379/0",
    }
    with pytest.raises(ConfigError, match="SECRET_KEY_FALLBACKS key 1"):
        Settings.from_env({**base, "SECRET_KEY_FALLBACKS": "changeme"}).validate()
    with pytest.raises(ConfigError, match="repeats"):
        Settings.from_env({**base, "SECRET_KEY_FALLBACKS": strong}).validate()
    Settings.from_env({**base, "SECRET_KEY_FALLBACKS": secrets.token_urlsafe(48)}).validate()
