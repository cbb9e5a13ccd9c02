"""The Open311 keys page (``/console/admin/open311``): administrators only, CSRF on every
form, a new key shown once (on the answer to the form, never in a URL, a flash or a
cookie), revoking on a ticked box, a province's administrator in their province only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from backend.db import db, utcnow
from backend.models import AuditEntry, Open311Client, StaffUser
from backend.models.audit import AuditAction
from backend.services import open311_clients
from tests.backend.console.conftest import post_form

PAGE = "/console/admin/open311"
_KEY = re.compile(r"o311_[A-Za-z0-9_-]{43}")


def _staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).filter_by(username=username))


def _issue(client, **form):
    return post_form(client, PAGE, {"name": "Cổng DVC quốc gia", **form}, page=PAGE)


def test_an_admin_opens_the_page_from_the_administration(console):
    client = console("national.admin")
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="open311-issue-form"' in html and 'name="csrf_token"' in html
    assert "<script>" not in html
    assert PAGE in client.get("/console/admin").get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_the_key_is_shown_once_and_only_its_hash_is_kept(console):
    client = console("national.admin")
    answer = _issue(client, contact="dvc@example.vn")
    assert answer.status_code == 200  # the answer itself, not a redirect to a URL
    html = answer.get_data(as_text=True)
    (raw,) = set(_KEY.findall(html))
    assert 'id="key-warning"' in html and answer.headers["Cache-Control"] == "no-store"
    for header, value in answer.headers.items():
        assert raw not in value, header  # not in a cookie, nor a Location
    made = open311_clients.by_key(raw)
    assert made is not None and made.name == "Cổng DVC quốc gia"
    assert made.key_hash != raw and raw not in (made.key_prefix, made.contact)
    assert made.created_by_id == _staff("national.admin").id
    # Never again: the list, the next page, the flash messages.
    for path in (PAGE, "/console/admin", "/console"):
        later = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert raw not in later and raw[12:] not in later
    listed = client.get(PAGE).get_data(as_text=True)
    assert made.key_prefix in listed and f'id="client-{made.id}"' in listed
    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.OPEN311_KEY_ISSUED)
    )
    assert raw not in str(entry.detail)


def test_a_key_limited_to_a_province(console):
    client = console("national.admin")
    html = client.get(PAGE).get_data(as_text=True)
    assert 'value="can-tho"' in html
    answer = _issue(client, province="can-tho")
    assert answer.status_code == 200
    (made,) = db.session.scalars(select(Open311Client))
    assert made.province.slug == "can-tho"


def test_a_refused_form_keeps_what_was_typed(console):
    client = console("national.admin")
    answer = _issue(client, name="", contact="someone")
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="form-error"' in html and 'value="someone"' in html
    assert _KEY.search(html) is None
    answer = _issue(client, province="atlantis")
    assert answer.status_code == 422 and 'id="form-error"' in answer.get_data(as_text=True)
    assert db.session.scalar(select(Open311Client)) is None


def test_the_forms_need_their_csrf_token(console):
    client = console("national.admin")
    answer = client.post(PAGE, data={"name": "App"})
    assert answer.status_code == 400
    made, _ = open311_clients.issue(_staff("national.admin"), "App", utcnow())
    db.session.commit()
    answer = client.post(f"{PAGE}/{made.id}/revoke", data={"confirm": "yes"})
    assert answer.status_code == 400
    assert db.session.scalar(select(Open311Client)).revoked_at is None
    assert db.session.scalars(select(Open311Client)).all() == [made]


def test_revoking_needs_the_ticked_box(console):
    client = console("national.admin")
    made, raw = open311_clients.issue(_staff("national.admin"), "App", utcnow())
    db.session.commit()
    answer = post_form(client, f"{PAGE}/{made.id}/revoke", {}, page=PAGE)
    assert answer.status_code == 302 and open311_clients.by_key(raw) is not None
    answer = post_form(client, f"{PAGE}/{made.id}/revoke", {"confirm": "yes"}, page=PAGE)
    assert answer.status_code == 302
    assert open311_clients.by_key(raw) is None
    html = client.get(PAGE).get_data(as_text=True)
    assert f'id="revoke-{made.id}"' not in html
    assert "Revoked" in html or "Đã thu hồi" in html
    unknown = post_form(client, f"{PAGE}/98765/revoke", {"confirm": "yes"}, page=PAGE)
    assert unknown.status_code == 404


@pytest.mark.parametrize("username", ["coordinator", "moderator", "so-xd.head", "so-xd.officer"])
def test_other_roles_get_the_404_page(console, username):
    made, raw = open311_clients.issue(_staff("national.admin"), "App", utcnow())
    db.session.commit()
    client = console(username)
    assert client.get(PAGE).status_code == 404
    assert _issue(client).status_code == 404
    answer = post_form(client, f"{PAGE}/{made.id}/revoke", {"confirm": "yes"})
    assert answer.status_code == 404
    assert db.session.scalars(select(Open311Client)).all() == [made]
    assert open311_clients.by_key(raw) is not None
    assert PAGE not in client.get("/console").get_data(as_text=True)


def test_a_signed_out_browser_goes_to_the_sign_in(client, city):
    assert client.get(PAGE).status_code == 302


def test_a_province_administrator_sees_and_revokes_their_province_keys_only(console):
    national = _staff("national.admin")
    everywhere, raw_all = open311_clients.issue(national, "National app", utcnow())
    vinh_long, _ = open311_clients.issue(national, "Vĩnh Long app", utcnow(), province="vinh-long")
    db.session.commit()
    client = console("admin")  # the demo's Cần Thơ administrator
    html = client.get(PAGE).get_data(as_text=True)
    assert "National app" not in html and "Vĩnh Long app" not in html
    choices = html.split('id="key-province"')[1].split("</select>")[0]
    assert 'value="vinh-long"' not in choices and 'value=""' not in choices
    answer = post_form(client, f"{PAGE}/{everywhere.id}/revoke", {"confirm": "yes"}, page=PAGE)
    assert answer.status_code == 404 and open311_clients.by_key(raw_all) is not None
    assert _issue(client, province="vinh-long").status_code == 403
    answer = _issue(client, name="Cần Thơ app")
    assert answer.status_code == 200
    made = db.session.scalar(select(Open311Client).filter_by(name="Cần Thơ app"))
    assert made.province.slug == "can-tho"
    assert vinh_long.revoked_at is None
