"""The abuse limits' settings and the one answer every limit gives (backend.limits)."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from backend import limits
from backend.config import LIMITS, ConfigError, Settings, flask_config
from tests.factories import sign_in_resident, sign_in_staff


def test_every_limit_has_its_setting_and_a_default(tmp_path):
    config = flask_config(Settings.from_env({}), str(tmp_path))
    assert config["RATELIMIT_ENABLED"] is True and config["PROXY_FIX_HOPS"] == 0
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    for name, default in LIMITS.items():
        assert config[name] == default
    custom = Settings.from_env(
        {"LIMIT_REPORTS_RESIDENT": "2/minute;9/day", "REDIS_URL": "redis://r/3"}
    )
    custom.validate()
    config = flask_config(custom, str(tmp_path))
    assert config["LIMIT_REPORTS_RESIDENT"] == "2/minute;9/day"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://r/3"


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"LIMIT_LOGIN_ACCOUNT": "ten a minute"}, "LIMIT_LOGIN_ACCOUNT"),
        ({"LIMIT_SIGN_IN_ADDRESS": "5/fortnight"}, "LIMIT_SIGN_IN_ADDRESS"),
        ({"RATELIMIT_ENABLED": "maybe"}, "RATELIMIT_ENABLED"),
        ({"PROXY_FIX_HOPS": "-1"}, "PROXY_FIX_HOPS"),
        ({"REPORTS_DAILY_CAP": "0"}, "REPORTS_DAILY_CAP"),
        ({"LOGIN_DELAY_AFTER": "12", "LOGIN_LOCK_AFTER": "10"}, "LOGIN_DELAY_AFTER"),
        ({"LOGIN_LOCK_MINUTES": "0"}, "LOGIN_LOCK_MINUTES"),
    ],
)
def test_bad_limit_settings_are_refused_at_start(env, name):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env(env).validate()


def test_the_test_app_is_not_throttled(app):
    assert app.config["RATELIMIT_ENABLED"] is False


def test_a_spent_limit_answers_429_in_the_envelope_with_retry_after(app, client, city):
    app.config.update(RATELIMIT_ENABLED=True, LIMIT_SIGN_IN_ADDRESS="1/minute")
    limits.limiter.reset()
    try:
        with app.test_request_context(
            "/mobile/v1/auth/firebase", environ_base={"REMOTE_ADDR": "198.51.100.7"}
        ):
            limits.hit(limits.SIGN_IN_ADDRESS, limits.address())
            with pytest.raises(Exception) as raised:
                limits.hit(limits.SIGN_IN_ADDRESS, limits.address())
            limits.hit(limits.SIGN_IN_ADDRESS, "another key")  # counted apart
            response = app.handle_user_exception(raised.value)
        assert response.status_code == 429
        assert response.get_json() == {
            "error": {
                "status": 429,
                "code": "too_many_requests",
                "message": response.get_json()["error"]["message"],
                "fields": {},
            }
        }
        assert set(response.get_json()["error"]["message"]) == {"vi", "en"}
        assert 1 <= int(response.headers["Retry-After"]) <= 60
    finally:
        limits.limiter.reset()


def test_proxy_fix_only_when_configured(monkeypatch):
    monkeypatch.setattr(limits.limiter, "init_app", lambda app: None)  # keep the app's storage
    for hops, wrapped in ((0, False), (1, True)):
        app = Flask("t")
        app.config.update(PROXY_FIX_HOPS=hops, RATELIMIT_STORAGE_URI="memory://")
        limits.init_app(app)
        assert isinstance(app.wsgi_app, ProxyFix) is wrapped

        @app.get("/ip")
        def ip():
            return limits.address()

        seen = app.test_client().get(
            "/ip",
            headers={"X-Forwarded-For": "203.0.113.5"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        )
        assert seen.get_data(as_text=True) == ("203.0.113.5" if hops else "10.0.0.1")


def test_limits_let_requests_through_while_the_storage_is_down(app, client, city, monkeypatch):
    """Redis unreachable: not limited (logged), rather than every sign-in refused or a 500."""
    app.config.update(RATELIMIT_ENABLED=True, LIMIT_SIGN_IN_ADDRESS="1/minute")

    def down(*args, **kwargs):
        raise ConnectionError("storage down")

    monkeypatch.setattr(limits.limiter.limiter, "hit", down)
    monkeypatch.setattr(limits.limiter.storage, "get", down)
    monkeypatch.setattr(limits.limiter.storage, "incr", down)
    for _ in range(2):
        assert sign_in_resident(client).get("Authorization")
    bad = client.post("/staff/v1/auth/login", json={"username": "admin", "password": "x"})
    assert bad.status_code == 401
    sign_in_staff(client, "admin")
