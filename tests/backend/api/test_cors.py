"""CORS: the APIs answer the configured web origins (CORS_ORIGINS) and no one else; the
console, the portal and the rest never (backend.security)."""

from __future__ import annotations

import pytest

from backend.config import ConfigError, Settings
from backend.db import db

ALLOWED = "https://app.phananh.example.vn"
OTHER = "https://evil.example.com"
ACAO = "Access-Control-Allow-Origin"


@pytest.fixture(scope="module")
def cors_client(_app, settings, tmp_path_factory):
    """An app like the session's (same database, demo city) with one allowed origin."""
    from wsgi import create_app

    app = create_app(
        settings,
        overrides={
            "TESTING": True,
            "MEDIA_ROOT": str(tmp_path_factory.mktemp("cors-media")),
            "CORS_ORIGINS": [ALLOWED],
        },
    )
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def _preflight(client, path, origin, method="POST", headers="authorization, content-type"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_an_allowed_origin_may_read_the_public_api(cors_client):
    response = cors_client.get("/public/v1/reports", headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers[ACAO] == ALLOWED
    assert "Origin" in response.headers.get("Vary", "")
    assert "Access-Control-Allow-Credentials" not in response.headers  # bearer tokens only


def test_an_unlisted_origin_gets_no_cors_header_at_all(cors_client):
    for path in ("/public/v1/reports", "/mobile/v1/reports/mine", "/staff/v1/desk"):
        response = cors_client.get(path, headers={"Origin": OTHER})
        assert ACAO not in response.headers, path
        assert "Origin" in response.headers["Vary"], path  # a cache keeps them apart
    assert ACAO not in _preflight(cors_client, "/mobile/v1/reports", OTHER).headers
    assert ACAO not in _preflight(cors_client, "/mobile/v1/reports", "null").headers


def test_the_preflight_of_an_allowed_origin(cors_client):
    for path in ("/mobile/v1/reports", "/staff/v1/auth/login", "/moderation/v1/queue"):
        response = _preflight(
            cors_client, path, ALLOWED, headers="authorization, content-type, idempotency-key"
        )
        assert response.status_code == 200, path
        assert response.headers[ACAO] == ALLOWED, path
        assert "POST" in response.headers["Access-Control-Allow-Methods"], path
        allowed = response.headers["Access-Control-Allow-Headers"].lower()
        assert {"authorization", "content-type", "idempotency-key"} <= {
            h.strip() for h in allowed.split(",")
        }, path
        assert response.headers["Access-Control-Max-Age"] == "600"
        assert response.headers["X-Content-Type-Options"] == "nosniff"  # headers on it too
    # A header the API does not take is not allowed.
    odd = _preflight(cors_client, "/mobile/v1/reports", ALLOWED, headers="x-something-else")
    assert "x-something-else" not in odd.headers.get("Access-Control-Allow-Headers", "").lower()


def test_errors_of_the_api_carry_the_header_so_a_page_can_read_them(cors_client):
    response = cors_client.get("/mobile/v1/reports/mine", headers={"Origin": ALLOWED})
    assert response.status_code == 401
    assert response.headers[ACAO] == ALLOWED
    assert response.get_json()["error"]["code"]
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


def test_the_console_portal_and_the_rest_are_never_cross_origin(cors_client):
    for path in ("/console/login", "/", "/healthz", "/openapi.json", "/docs"):
        response = cors_client.get(path, headers={"Origin": ALLOWED})
        assert ACAO not in response.headers, path
    assert ACAO not in _preflight(cors_client, "/console/login", ALLOWED).headers


def test_with_no_origin_configured_no_answer_is_cross_origin(client):
    # The session app has no CORS_ORIGINS (the default).
    for origin in (ALLOWED, OTHER):
        for path in ("/public/v1/reports", "/mobile/v1/reports/mine"):
            assert ACAO not in client.get(path, headers={"Origin": origin}).headers
        assert ACAO not in _preflight(client, "/mobile/v1/reports", origin).headers


def test_cors_origins_are_exact_origins_and_https_in_production():
    settings = Settings.from_env({"CORS_ORIGINS": f"{ALLOWED}, http://localhost:5173"})
    settings.validate()
    assert settings.cors_origins == (ALLOWED, "http://localhost:5173")
    assert Settings.from_env({}).cors_origins == ()
    for bad in ("*", "https://*.example.vn", f"{ALLOWED}/", f"{ALLOWED}/app", "ftp://x.vn"):
        with pytest.raises(ConfigError, match="CORS_ORIGINS"):
            Settings.from_env({"CORS_ORIGINS": bad}).validate()
    production = {
        "APP_ENV": "production",
        "SECRET_KEY": "Xq7-rT2vLp9_mZ4wKc8sBn3hYd6fGj1u",
        "DATABASE_URL": "postgresql://db/phananh",
        "REDIS_URL": "redis://cache:6379/0",
    }
    Settings.from_env({**production, "CORS_ORIGINS": ALLOWED}).validate()
    with pytest.raises(ConfigError, match="https"):
        Settings.from_env({**production, "CORS_ORIGINS": "http://app.example.vn"}).validate()
