"""The Open311 keys page (``/console/admin/open311``): administrators only, CSRF on every
form, a new key shown once (on the answer to the form, never in a URL, a flash or a
cookie), revoking on a ticked box, a province's administrator in their province only."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import func, select

from backend.db import db, utcnow
from backend.models import AuditEntry, Open311Client, StaffUser
from backend.models.audit import AuditAction
from backend.services import open311_clients
from tests.backend.console.conftest import post_form

PAGE = "/console/admin/open311"
_KEY = re.compile(r"o311_[A-Za-z0-9_-]{43}")


def _staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).filter_by(username=username))


def _form(client, path: str = PAGE) -> dict:
    """The issue form's hidden fields (CSRF token, one-time nonce) as the page gave them."""
    g.pop("csrf_token", None)  # as csrf_token() does: a new request's token
    html = client.get(path).get_data(as_text=True)
    form = html[html.index('id="open311-issue-form"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _issue(client, **form):
    return client.post(PAGE, data={**_form(client), "name": "Cổng DVC quốc gia", **form})


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
    nonce = open311_clients.new_form_nonce()
    assert post_form(client, PAGE, {"name": "App", "form_nonce": nonce}).status_code == 404
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


def _count(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Open311Client).filter_by(name=name))


def test_the_same_form_sent_again_issues_nothing_and_says_so(console):
    """A reload of the page that showed the key (the browser posts the form again) or a
    double click: one key; the second answer says the key was shown then, not again."""
    client = console("national.admin")
    form = {**_form(client), "name": "Ứng dụng đối tác", "contact": ""}
    first = client.post(PAGE, data=form)
    assert first.status_code == 200
    (raw,) = set(_KEY.findall(first.get_data(as_text=True)))
    made = open311_clients.by_key(raw)
    again = client.post(PAGE, data=form)
    assert again.status_code == 409 and again.headers["Cache-Control"] == "no-store"
    html = again.get_data(as_text=True)
    assert _KEY.search(html) is None and raw[12:] not in html
    assert 'id="form-used"' in html and "Biểu mẫu này đã được dùng" in html
    assert "hãy thu hồi nó" in html and made.key_prefix in html
    assert f'href="{PAGE}#client-{made.id}"' in html
    assert _count("Ứng dụng đối tác") == 1
    english = client.post(PAGE + "?lang=en", data=form).get_data(as_text=True)
    assert "This form was already used" in english and "revoke it and issue a new one" in english
    assert _count("Ứng dụng đối tác") == 1
    # Revoked since: still nothing issued, the page says it is revoked.
    open311_clients.revoke(_staff("national.admin"), made.id, utcnow())
    db.session.commit()
    html = client.post(PAGE, data=form).get_data(as_text=True)
    assert 'id="revoke-link"' not in html and _count("Ứng dụng đối tác") == 1
    # A fresh page's form issues the next key.
    assert _issue(client, name="Ứng dụng đối tác").status_code == 200
    assert _count("Ứng dụng đối tác") == 2


def test_a_refused_form_leaves_its_nonce_for_the_corrected_one(console):
    client = console("national.admin")
    form = _form(client)
    assert client.post(PAGE, data={**form, "name": " "}).status_code == 422
    assert client.post(PAGE, data={**form, "name": "App"}).status_code == 200
    assert client.post(PAGE, data={**form, "name": "App"}).status_code == 409
    assert _count("App") == 1


@pytest.mark.parametrize("nonce", [None, "", "short", "x" * 40 + "!", "é" * 30])
def test_a_form_without_its_nonce_issues_nothing(console, nonce):
    client = console("national.admin")
    form = _form(client)
    if nonce is None:
        del form["form_nonce"]
    else:
        form["form_nonce"] = nonce
    answer = client.post(PAGE, data={**form, "name": "App"})
    assert answer.status_code == 400
    assert "mở lại trang" in answer.get_data(as_text=True)
    assert db.session.scalar(select(Open311Client)) is None


def test_another_administrators_form_names_no_key_out_of_their_province(console):
    national = _staff("national.admin")
    nonce = open311_clients.new_form_nonce()
    open311_clients.issue(
        national, "Vĩnh Long app", utcnow(), province="vinh-long", form_nonce=nonce
    )
    db.session.commit()
    client = console("admin")  # Cần Thơ's administrator, with that nonce somehow
    answer = client.post(PAGE, data={**_form(client), "name": "X", "form_nonce": nonce})
    assert answer.status_code == 409
    html = answer.get_data(as_text=True)
    assert "Vĩnh Long app" not in html and 'id="used-key"' not in html
    assert _count("X") == 0


def test_two_requests_with_one_nonce_at_once_issue_one_key(console, monkeypatch):
    """The check before inserting can miss a twin still in flight: the unique nonce stops
    the second insert, which then answers as a form already used."""
    client = console("national.admin")
    form = {**_form(client), "name": "Twin"}
    assert client.post(PAGE, data=form).status_code == 200
    real = open311_clients._issued_with
    calls = []

    def late(actor, nonce_hash):  # the first look sees nothing (the twin not committed)
        calls.append(nonce_hash)
        return None if len(calls) == 1 else real(actor, nonce_hash)

    monkeypatch.setattr(open311_clients, "_issued_with", late)
    answer = client.post(PAGE, data=form)
    assert answer.status_code == 409 and len(calls) == 2
    assert _count("Twin") == 1
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .filter_by(action=AuditAction.OPEN311_KEY_ISSUED)
        )
        == 1
    )


def test_an_empty_name_says_so_on_the_field(console):
    client = console("national.admin")
    html = _issue(client, name="  ").get_data(as_text=True)
    field = html[html.index('<label for="key-name"') : html.index('<label for="key-contact"')]
    assert 'aria-invalid="true"' in field and 'aria-describedby="key-name-error"' in field
    assert '<span class="error" id="key-name-error">Hãy nhập tên ứng dụng</span>' in field
    assert "Dữ liệu gửi lên không hợp lệ" not in html
    assert 'id="key-contact-error"' not in html
    long = _issue(client, contact="x" * 501).get_data(as_text=True)
    assert 'id="key-contact-error">Tối đa 500 ký tự<' in long and 'id="key-name-error"' not in long
    unknown = _issue(client, province="atlantis").get_data(as_text=True)
    assert 'id="key-province-error"' in unknown
    english = client.post(PAGE + "?lang=en", data={**_form(client), "name": ""})
    assert "Enter the application&#39;s name" in english.get_data(as_text=True)


def test_the_count_tells_keys_in_use_from_revoked_ones(console):
    national = _staff("national.admin")
    made = [open311_clients.issue(national, f"App {n}", utcnow())[0] for n in range(6)]
    for client_ in made[:2]:
        open311_clients.revoke(national, client_.id, utcnow())
    db.session.commit()
    client = console("national.admin")
    html = client.get(PAGE).get_data(as_text=True)
    assert re.search(r'id="open311-count">4 đang dùng · 2 đã thu hồi<', html)
    english = client.get(PAGE + "?lang=en").get_data(as_text=True)
    assert re.search(r'id="open311-count">4 in use · 2 revoked<', english)
    assert "For example: the national public service portal" in english
    assert "Ví dụ: Cổng DVC quốc gia" in client.get(PAGE + "?lang=vi").get_data(as_text=True)


def test_the_issued_page_has_a_copy_button_from_the_servers_own_script(console):
    client = console("national.admin")
    answer = _issue(client)
    html = answer.get_data(as_text=True)
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert "<script>" not in html and "onclick" not in html
    assert '<script src="/console/static/admin-open311.js"></script>' in html
    row = html[html.index('<p class="copy-key" id="copy-key-row" hidden>') :]  # shown by the JS
    assert 'data-copies="new-key"' in row and ">Sao chép</button>" in row
    assert '<textarea id="new-key" class="new-key" rows="2" readonly' in html  # no JS: select
    script = client.get("/console/static/admin-open311.js")
    assert script.status_code == 200 and "clipboard" in script.get_data(as_text=True)
