"""Configuration never fails open: emulator sign-in only when asked for, production
refuses weak secret keys."""

from __future__ import annotations

import secrets

import pytest

from backend.config import ConfigError, Settings, flask_config

PRODUCTION = {
    "APP_ENV": "production",
    "DATABASE_URL": "postgresql://db/x",
    "REDIS_URL": "redis://cache:6379/0",
}
STRONG = secrets.token_urlsafe(48)


def test_emulator_sign_in_is_never_a_default(tmp_path):
    for env in ({}, {"APP_ENV": "development"}, {"APP_ENV": "DEVELOPMENT", "SECRET_KEY": "x"}):
        settings = Settings.from_env(env)
        settings.validate()
        assert settings.auth_emulator_host is None, env
        assert flask_config(settings, tmp_path)["FIREBASE_AUTH_EMULATOR_HOST"] is None


def test_emulator_sign_in_when_the_operator_sets_it(tmp_path):
    settings = Settings.from_env({"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"})
    settings.validate()
    assert flask_config(settings, tmp_path)["FIREBASE_AUTH_EMULATOR_HOST"] == "127.0.0.1:9099"
    with pytest.raises(ConfigError, match="unsigned"):
        Settings.from_env(
            {**PRODUCTION, "SECRET_KEY": STRONG, "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}
        ).validate()


@pytest.mark.parametrize(
    "key",
    [
        "changeme",
        "CHANGE-ME",
        "secret",
        "Secret_Key",
        "dev",
        "test",
        "...",  # the README's production example
        "demo",
        "s",
        "x" * 64,
        "ab" * 32,
        "0123456789" * 4,
        "changeme" * 5,
        "secret-secret-secret-secret-secret-secret",
        "correct horse battery staple",  # 28 characters
        "1111111122222222333333334444444455555555",
    ],
)
def test_production_refuses_a_weak_secret_key(key):
    with pytest.raises(ConfigError, match="SECRET_KEY") as raised:
        Settings.from_env({**PRODUCTION, "SECRET_KEY": key}).validate()
    message = str(raised.value)
    assert "token_urlsafe" in message  # says how to make a good one
    assert key not in message or len(key) < 8  # never echoes a real key back


def test_production_accepts_a_generated_secret_key():
    for key in (STRONG, secrets.token_hex(16), secrets.token_urlsafe(24)):
        Settings.from_env({**PRODUCTION, "SECRET_KEY": key}).validate()
    with pytest.raises(ConfigError, match="at least 32"):
        Settings.from_env({**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(16)}).validate()


def test_weak_keys_are_fine_outside_production():
    Settings.from_env({"SECRET_KEY": "dev"}).validate()


@pytest.mark.parametrize(
    "name, value",
    [
        ("REQUEST_TIME_BUDGET_SECONDS", "0"),
        ("REQUEST_TIME_BUDGET_SECONDS", "601"),
        ("RESIDENT_ACCESS_MINUTES", "1"),
        ("RESIDENT_ACCESS_MINUTES", "2000"),
        ("RESIDENT_REFRESH_DAYS", "0"),
        ("RESIDENT_REFRESH_DAYS", "soon"),
    ],
)
def test_token_lifetimes_and_the_time_budget_out_of_range_refuse_to_start(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value}).validate()


def test_the_time_budget_becomes_the_statement_timeout(tmp_path):
    settings = Settings.from_env(
        {"DATABASE_URL": "postgresql://db/x", "REQUEST_TIME_BUDGET_SECONDS": "7"}
    )
    options = flask_config(settings, str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"]["options"] == "-c statement_timeout=7000"
    assert options["pool_pre_ping"] is True
