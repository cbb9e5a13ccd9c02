"""Staff API tokens belong to a session: sign out one token, or every token and console
sign-in of the account."""

from __future__ import annotations

from backend.db import db
from backend.models import StaffSession, StaffUser
from tests.backend.console.conftest import console_sign_in


def _login(client, agent: str = "province-erp/1.0") -> dict:
    response = client.post(
        "/staff/v1/auth/login",
        json={"username": "coordinator", "password": "demo"},
        headers={"User-Agent": agent},
    )
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def _me(client, headers) -> int:
    return client.get("/staff/v1/me", headers=headers).status_code


def test_signing_out_ends_this_token_only(client, city):
    first, second = _login(client), _login(client)
    assert client.post("/staff/v1/auth/sign-out", headers=first).status_code == 204
    assert _me(client, first) == 401
    assert _me(client, second) == 200
    staff = db.session.query(StaffUser).filter_by(username="coordinator").one()
    agents = {
        row.user_agent
        for row in db.session.query(StaffSession).filter_by(staff_id=staff.id, revoked_at=None)
    }
    assert agents == {"API · province-erp/1.0"}


def test_signing_out_everywhere_ends_every_token_and_console_session(app, client, city):
    first, second = _login(client), _login(client)
    page = app.test_client()
    assert console_sign_in(page, "coordinator").status_code == 302
    assert page.get("/console/account").status_code == 200
    assert client.post("/staff/v1/auth/sign-out-everywhere", headers=first).status_code == 204
    assert (_me(client, first), _me(client, second)) == (401, 401)
    assert page.get("/console/account").status_code in (302, 303)
    assert _me(client, _login(client)) == 200
