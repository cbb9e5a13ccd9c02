"""Sign-in never fails open: without credentials or an explicit emulator it answers 503."""

from __future__ import annotations

import contextlib

import firebase_admin
import pytest
from google.auth.compute_engine import _metadata

from backend.config import Settings
from backend.firebase import APP_NAME
from tests.conftest import id_token


def _forget_firebase_app():
    with contextlib.suppress(ValueError):  # none yet
        firebase_admin.delete_app(firebase_admin.get_app(APP_NAME))


@pytest.fixture
def no_google_credentials(monkeypatch, tmp_path):
    """A machine with no service account, no gcloud login, not on Google Cloud, and no
    FIREBASE_AUTH_EMULATOR_HOST in the environment."""
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)
    _forget_firebase_app()
    yield
    _forget_firebase_app()  # the next test builds it again under its own environment


def _assert_unavailable(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "sign_in_unavailable"
    assert "Firebase" in error["message"]["vi"] and "Firebase" in error["message"]["en"]


def test_a_default_app_refuses_unsigned_tokens_with_503(no_google_credentials, tmp_path):
    """APP_ENV unset, no Firebase credentials: no emulator, so an unsigned token is not a
    sign-in (it used to be: the emulator mode came on by itself)."""
    from wsgi import create_app

    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    app = create_app(settings, overrides={"MEDIA_ROOT": str(tmp_path / "media")})
    assert app.config["FIREBASE_AUTH_EMULATOR_HOST"] is None
    with app.app_context():
        response = app.test_client().post(
            "/mobile/v1/auth/firebase", json={"id_token": id_token("+84901111111")}
        )
    _assert_unavailable(response)


def test_no_credentials_is_a_503_not_a_500(app, client, city, no_google_credentials):
    app.config["FIREBASE_AUTH_EMULATOR_HOST"] = None
    response = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token()})
    _assert_unavailable(response)


def test_an_emulator_the_app_was_not_told_about_is_not_trusted(app, client, city, monkeypatch):
    """FIREBASE_AUTH_EMULATOR_HOST in the process (firebase-admin reads it there) but not in
    the app's configuration: unsigned tokens are refused all the same."""
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    app.config["FIREBASE_AUTH_EMULATOR_HOST"] = None
    response = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token()})
    _assert_unavailable(response)


def test_a_missing_service_account_file_is_a_503(app, client, city, no_google_credentials):
    app.config["FIREBASE_AUTH_EMULATOR_HOST"] = None
    app.config["FIREBASE_CREDENTIALS"] = "/nonexistent/firebase.json"
    response = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token()})
    _assert_unavailable(response)


def test_the_explicit_emulator_still_signs_in(client, city):
    response = client.post("/mobile/v1/auth/firebase", json={"id_token": id_token()})
    assert response.status_code == 200
