"""Console test helpers: sign in through the real form, post forms with their CSRF token."""

from __future__ import annotations

import re

import pytest
from flask import g

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/console/login") -> str:
    # The tests share one app context, and with it ``g``, where Flask-WTF caches the
    # token of "this request": forget it, as a new request in production would.
    g.pop("csrf_token", None)
    page = client.get(path)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


def console_sign_in(client, username: str, password: str = "demo"):
    token = csrf_token(client)
    return client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": token},
    )


def post_form(client, path: str, data: dict | None = None, *, page: str | None = None, **kw):
    """POST a console form with the CSRF token of the page it is on (``page``, default the
    console's home)."""
    token = csrf_token(client, page or "/console/account")
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kw)


@pytest.fixture
def console(client, city):
    """Sign a test client in to the console as a demo account."""

    def sign_in(username: str):
        response = console_sign_in(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return sign_in
