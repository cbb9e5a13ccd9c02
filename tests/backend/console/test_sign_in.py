"""Signing in to the console: the session cookie, CSRF, sign-out, sign-out everywhere."""

from __future__ import annotations

from backend.db import commit, db
from backend.models import StaffUser
from tests.backend.console.conftest import console_sign_in, csrf_token, post_form
from tests.factories import sign_in_staff


def test_a_signed_out_browser_is_sent_to_the_sign_in_page_and_back(client, city):
    response = client.get("/console/desk?category=giao-thong")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/console/login?next=")
    token = csrf_token(client)
    signed_in = client.post(
        "/console/login",
        data={
            "username": "coordinator",
            "password": "demo",
            "csrf_token": token,
            "next": "/console/desk?category=giao-thong",
        },
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/console/desk?category=giao-thong"
    cookie = client.get_cookie("phananh_console")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert client.get("/console/desk").status_code == 200


def test_the_sign_in_page_never_redirects_off_the_console(client, city):
    for target in ("https://evil.example/x", "//evil.example", "/\\evil.example", "/staff/v1/me"):
        token = csrf_token(client)
        response = client.post(
            "/console/login",
            data={"username": "admin", "password": "demo", "csrf_token": token, "next": target},
        )
        assert response.headers["Location"] == "/console/", target
        post_form(client, "/console/logout")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, city):
    wrong = console_sign_in(client, "coordinator", "nope")
    unknown = console_sign_in(client, "nobody", "demo")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_data(as_text=True).count('id="login-error"') == 1
    assert client.get("/console/desk").status_code == 302


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(console):
    client = console("coordinator")
    response = client.post("/console/logout-everywhere")
    assert response.status_code == 400
    assert 'data-code="csrf_failed"' in response.get_data(as_text=True)
    assert client.get("/console/desk").status_code == 200  # still signed in
    forged = client.post("/console/logout-everywhere", data={"csrf_token": "x" * 40})
    assert forged.status_code == 400


def test_the_sign_in_form_itself_needs_its_token(client, city):
    response = client.post("/console/login", data={"username": "admin", "password": "demo"})
    assert response.status_code == 400
    assert client.get("/console/desk").status_code == 302


def test_sign_out_ends_the_session_even_for_a_copied_cookie(console, app):
    client = console("coordinator")
    stolen = client.get_cookie("phananh_console").value
    post_form(client, "/console/logout")
    assert client.get("/console/desk").status_code == 302
    thief = app.test_client()
    thief.set_cookie("phananh_console", stolen)
    assert thief.get("/console/desk").status_code == 302


def test_sign_out_everywhere_ends_other_browsers_and_api_tokens(console, app, client):
    api = sign_in_staff(app.test_client(), "coordinator")
    laptop = console("coordinator")
    phone = app.test_client()
    assert console_sign_in(phone, "coordinator").status_code == 302
    sessions = laptop.get("/console/account").get_data(as_text=True)
    assert sessions.count("<tr>") == 4  # the header, two browsers and the API token
    assert "API · " in sessions
    post_form(laptop, "/console/logout-everywhere")
    assert laptop.get("/console/desk").status_code == 302
    assert phone.get("/console/desk").status_code == 302
    assert app.test_client().get("/staff/v1/me", headers=api).status_code == 401


def test_sign_out_everywhere_counts_the_sessions_in_the_plural_the_number_asks_for(console):
    client = console("coordinator")  # one session, no API token
    assert client.get("/console/account?lang=en").status_code == 200
    signed_out = post_form(client, "/console/logout-everywhere", follow_redirects=True)
    page = signed_out.get_data(as_text=True)
    assert "You are signed out on every device (1 session) and every API token." in page


def test_a_deactivated_account_stops_at_once(console):
    client = console("coordinator")
    account = db.session.query(StaffUser).filter_by(username="coordinator").one()
    account.active = False
    commit()
    assert client.get("/console/desk").status_code == 302
    assert console_sign_in(client, "coordinator").status_code == 401


def test_pages_are_never_cached_or_framed(console):
    page = console("admin").get("/console/account")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
