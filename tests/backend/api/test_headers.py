"""Every answer carries nosniff, a frame policy and a referrer policy; production adds HSTS
(backend.security). The portal's and the console's own policies are kept, not replaced."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from backend.config import ConfigError, Settings, flask_config

_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
REFERRER_POLICIES = {"same-origin", "strict-origin-when-cross-origin"}


def _url(rule) -> str:
    return _ARGUMENT.sub(lambda m: "1" if m.group(1) == "int" else "PA-2026-000001", rule.rule)


def assert_secured(response, where: str = "") -> None:
    headers = response.headers
    where = f"{where} -> {response.status_code}"
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, where
    assert headers.get("Referrer-Policy") in REFERRER_POLICIES, where


@pytest.fixture
def signed_in(resident, staff, submit):
    submit()  # PA-...-000001 exists, so URL variables name something real where they can
    return resident(), staff("admin")


def test_every_route_and_method_answers_with_the_headers(app, client, signed_in):
    resident_headers, admin_headers = signed_in
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/mobile/"):
            headers = resident_headers
        elif rule.rule.startswith(("/staff/", "/moderation/")):
            headers = admin_headers
        else:
            headers = {}
        for method in sorted(rule.methods):
            response = client.open(_url(rule), method=method, headers=headers)
            assert_secured(response, f"{method} {rule.rule}")
            assert "Strict-Transport-Security" not in response.headers  # development
            checked += 1
    assert checked > 100


def test_docs_media_health_and_every_kind_of_error(client, submit, resident):
    headers = resident()
    code = submit(headers).get_json()["code"]
    report = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert report["photos"][0]["display_url"], report["photos"]
    media = client.get(urlsplit(report["photos"][0]["display_url"]).path)
    assert media.status_code == 200
    assert_secured(media, "media")
    for path in (
        "/openapi.json",
        "/docs",
        "/docs/assets/swagger-ui-bundle.js",
        "/healthz",
        "/",
        "/console/login",
        "/no/such/page",
        "/mobile/v1/no-such-thing",
        "/mobile/v1/reports/mine",  # 401 in the envelope
    ):
        assert_secured(client.get(path), path)
    not_allowed = client.delete("/healthz")
    assert not_allowed.status_code == 405
    assert_secured(not_allowed, "405")
    invalid = client.post("/staff/v1/auth/login", json={"username": 1})
    assert invalid.status_code == 422
    assert_secured(invalid, "422")
    too_large = client.post(
        "/staff/v1/auth/login", data="x" * (70 * 1024), content_type="application/json"
    )
    assert too_large.status_code == 413
    assert too_large.get_json()["error"]["code"] == "payload_too_large"
    assert_secured(too_large, "413")


def test_the_portal_and_the_console_keep_their_own_policy(client):
    for path in ("/", "/console/login"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy, path
        assert "script-src 'self'" in policy, path
        assert policy.count("frame-ancestors") == 1, path
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_elsewhere_the_policy_only_forbids_framing(client):
    # Swagger UI runs its own inline script: a policy for /docs must not restrict it.
    for path in ("/docs", "/openapi.json", "/healthz"):
        assert client.get(path).headers["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_production_sends_hsts_on_every_answer(app, client):
    app.config["APP_ENV"] = "production"
    for path in ("/healthz", "/openapi.json", "/docs", "/", "/console/login", "/nowhere"):
        response = client.get(path)
        assert (
            response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        ), path
    app.config["HSTS_MAX_AGE"] = 600
    assert client.get("/healthz").headers["Strict-Transport-Security"] == (
        "max-age=600; includeSubDomains"
    )
    app.config["HSTS_MAX_AGE"] = 0
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_hsts_max_age_is_configured_and_checked(tmp_path):
    assert flask_config(Settings(), str(tmp_path))["HSTS_MAX_AGE"] == 31_536_000
    settings = Settings.from_env({"HSTS_MAX_AGE": "0"})
    settings.validate()
    assert flask_config(settings, str(tmp_path))["HSTS_MAX_AGE"] == 0
    with pytest.raises(ConfigError, match="HSTS_MAX_AGE"):
        Settings.from_env({"HSTS_MAX_AGE": "-1"}).validate()
    with pytest.raises(ConfigError, match="HSTS_MAX_AGE"):
        Settings.from_env({"HSTS_MAX_AGE": "a year"})


def test_cookies_are_secure_in_production(app, client, tmp_path):
    production = Settings(app_env="production", secret_key="k" * 8, database_url="x")
    config = flask_config(production, str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert flask_config(Settings(), str(tmp_path))["SESSION_COOKIE_SECURE"] is False

    cookie = client.get("/?lang=en").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "Secure" not in cookie  # development runs on plain http
    app.config["APP_ENV"] = "production"
    cookie = client.get("/?lang=en").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
