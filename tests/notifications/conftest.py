"""Fixtures: the local FCM stand-in and a real firebase-admin app whose OAuth2 goes to it."""

from __future__ import annotations

import socket
import uuid

import firebase_admin
import pytest

from notifications.fcm import FcmSender
from tests.notifications.standin import StandIn, firebase_app, write_service_account

PROJECT = "phananh-standin"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture
def no_network(monkeypatch):
    """Fail any name lookup off the loopback, and the test that caused it.

    Not autouse: the package's other tests may reach PostgreSQL or Redis by name.
    """
    attempts: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host not in LOOPBACK:
            attempts.append(str(host))
            raise OSError(f"no network in the tests: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    yield attempts
    assert attempts == [], f"the test tried to reach {attempts}"


@pytest.fixture
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def service_account(tmp_path, standin):
    return write_service_account(tmp_path / "service-account.json", standin.token_uri, PROJECT)


def new_app(service_account) -> firebase_admin.App:
    return firebase_app(service_account, name=f"fcm-test-{uuid.uuid4().hex}")


@pytest.fixture
def fcm_app(service_account):
    app = new_app(service_account)
    yield app
    firebase_admin.delete_app(app)


@pytest.fixture
def sender(fcm_app, standin, monkeypatch):
    """The sender on the stand-in, with firebase-admin's own retry policy (how many
    retries, on which statuses) but no back-off sleeps between them: the tests count the
    retries; waiting 7 s of real back-off would test nothing of ours."""
    from firebase_admin import _http_client

    policy = _http_client.DEFAULT_RETRY_CONFIG
    monkeypatch.setattr(_http_client, "DEFAULT_RETRY_CONFIG", policy.new(backoff_factor=0))
    return FcmSender(fcm_app, endpoint=standin.fcm_endpoint)
