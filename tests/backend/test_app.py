"""App-wide behaviour: health, OpenAPI coverage, the error envelope, configuration."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from backend.config import ConfigError, Settings, normalise_database_url


def test_healthz_reports_database_and_queue(client, settings):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["database"] == {
        "ok": True,
        "backend": "postgresql"
        if settings.database_url and "postgres" in settings.database_url
        else "sqlite",
    }
    assert body["queue"]["backend"] == ("rq" if settings.redis_url else "inline")
    assert body["queue"]["ok"] is True


def test_healthz_degrades_when_redis_is_unreachable(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("phananh_redis", None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["queue"]["ok"] is False


def test_every_json_endpoint_is_in_the_openapi_document(app, client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/mobile/", "/staff/", "/public/")):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, (path, method)
    assert "ErrorEnvelope" in spec["components"]["schemas"]
    validate(spec)  # a valid OpenAPI 3 document, usable by client generators


def test_report_upload_is_documented_as_one_multipart_body(client):
    spec = client.get("/openapi.json").get_json()
    body = spec["paths"]["/mobile/v1/reports"]["post"]["requestBody"]["content"]
    schema = body["multipart/form-data"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert {"category", "description", "lat", "lng", "address", "photos"} <= set(
        schema["properties"]
    )
    assert schema["properties"]["photos"]["items"]["format"] == "binary"


def test_docs_page_works_offline(client):
    page = client.get("/docs")
    assert page.status_code == 200 and b"/docs/assets/" in page.data
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("get", "/nowhere", 404, "not_found"),
        ("delete", "/public/v1/reports", 405, "method_not_allowed"),
        ("post", "/staff/v1/auth/login", 422, "validation_error"),
    ],
)
def test_error_envelope_everywhere(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["status"] == status
    assert error["message"]["vi"] and error["message"]["en"]


def test_malformed_json_is_a_400_envelope(client):
    response = client.post("/staff/v1/auth/login", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_production_refuses_unsafe_configuration():
    key = "k4Jx9QzR2mVt7LpW8nYc3HbF6sDg1AeU5oKi0"  # see tests/backend/test_config.py
    base = {
        "APP_ENV": "production",
        "DATABASE_URL": "postgresql://db/x",
        "REDIS_URL": "redis://cache:6379/0",
        "SECRET_KEY": key,
    }
    Settings.from_env(base).validate()
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({**base, "SECRET_KEY": ""}).validate()
    with pytest.raises(ConfigError, match="unsigned"):
        Settings.from_env({**base, "FIREBASE_AUTH_EMULATOR_HOST": "localhost:9099"}).validate()
    # Several app servers without Redis would each keep their own limits and caches.
    with pytest.raises(ConfigError, match="REDIS_URL"):
        Settings.from_env({**base, "REDIS_URL": ""}).validate()
    assert Settings.from_env(base).auth_emulator_host is None
    assert Settings.from_env({}).auth_emulator_host is None  # only ever when set explicitly
    # Unknown environments are refused.
    with pytest.raises(ConfigError, match="APP_ENV"):
        Settings.from_env({"APP_ENV": "staging"}).validate()
    with pytest.raises(ConfigError, match="TIMEZONE"):
        Settings.from_env({"TIMEZONE": "Mars/Olympus"}).validate()
    assert Settings.from_env({"FIREBASE_CREDENTIALS": "/x.json"}).auth_emulator_host is None
    with pytest.raises(ConfigError):
        Settings.from_env({"MAX_PHOTO_BYTES": "lots"})


def test_database_url_uses_psycopg3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_authentication_comes_before_reading_the_body(client, city):
    """An anonymous upload is refused as 401 without its body being parsed (no 422)."""
    for path in ("/mobile/v1/reports", "/staff/v1/reports/PA-2026-000001/resolve"):
        response = client.post(path, data={"x": "y"}, content_type="multipart/form-data")
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_office_hours_must_make_the_eight_hour_day_budgets_are_counted_in(tmp_path):
    from backend.config import flask_config

    config = flask_config(Settings.from_env({"OFFICE_HOURS": "08:00-12:00,13:30-17:30"}), tmp_path)
    assert len(config["OFFICE_HOURS"]) == 2
    with pytest.raises(ConfigError, match="8 hours"):
        flask_config(Settings.from_env({"OFFICE_HOURS": "07:30-11:30,13:00-18:00"}), tmp_path)
