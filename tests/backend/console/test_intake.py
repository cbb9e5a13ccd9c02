"""The console's operator intake page (/console/intake)."""

from __future__ import annotations

import io
import re

import pytest
from flask import g

from backend.db import db
from backend.models import Report
from tests.backend.console.conftest import csrf_token, post_form
from tests.factories import NINH_KIEU, photo

PAGE = "/console/intake"


def _form(**fields) -> dict:
    form = {
        "channel": "hotline",
        "category": "giao-thong",
        "description": "Đèn đường hỏng cả đoạn trước chợ, người gọi báo",
        "lat": str(NINH_KIEU[0]),
        "lng": str(NINH_KIEU[1]),
        "phone": "0912 345 678",
        "name": "Chị Lan",
        "submission": "form-0001",
    }
    form.update(fields)
    return form


def _file(client, form, photos=("jolla.jpg",)):
    data = {**form, "photos": [(io.BytesIO(photo(n)), n) for n in photos]}
    g.pop("lang", None)
    return post_form(client, PAGE, data, page=PAGE, content_type="multipart/form-data")


@pytest.mark.parametrize("username", ["operator", "coordinator", "admin"])
def test_the_intake_roles_open_the_page_and_see_it_in_the_menu(console, username):
    client = console(username)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="intake-map"' in html and 'name="csrf_token"' in html
    assert 'href="/console/intake"' in html  # the menu entry
    assert "<script>" not in html  # no inline script (CSP)


@pytest.mark.parametrize("username", ["moderator", "so-xd.officer", "so-xd.head"])
def test_other_roles_get_the_404_page(console, username):
    client = console(username)
    assert client.get(PAGE).status_code == 404
    assert _file(client, _form()).status_code == 404
    assert db.session.query(Report).count() == 0


def test_the_operator_files_a_report_and_sees_its_code(console):
    client = console("operator")
    answer = _file(client, _form())
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    report = db.session.query(Report).one()
    assert answer.headers["Location"].endswith(f"/console/intake?filed={report.code}")
    assert report.channel == "hotline" and report.reporter.phone == "+84912345678"
    assert report.department.code == "so-xd" and len(report.photos) == 1
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert report.code in page and f'href="/r/{report.code}"' in page
    assert f'href="/console/reports/{report.code}"' in page
    # The operator reads it on the console's report page; no action is theirs.
    assert client.get(f"/console/reports/{report.code}").status_code == 200


def test_the_same_form_sent_twice_files_once(console):
    client = console("operator")
    first = _file(client, _form())
    again = _file(client, _form())
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.query(Report).count() == 1


def test_a_refusal_keeps_what_was_typed(console):
    client = console("operator")
    answer = _file(client, _form(phone="12345", submission="form-0002"))
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Đèn đường hỏng" in html and 'value="12345"' in html
    assert db.session.query(Report).count() == 0
    # The key was released: the corrected form files.
    fixed = _file(client, _form(submission="form-0002"))
    assert fixed.status_code == 302


def test_a_ward_instead_of_a_click(console):
    client = console("coordinator")
    answer = _file(client, _form(lat="", lng="", ward="92-tan-an", channel="counter"), photos=[])
    assert answer.status_code == 422  # street lights need a photo
    answer = _file(
        client,
        _form(lat="", lng="", ward="92-tan-an", category="cap-nuoc", submission="f3"),
        photos=[],
    )
    assert answer.status_code == 302
    report = db.session.query(Report).one()
    assert report.admin_unit.code == "92-tan-an" and report.location_source == "ward"


def test_without_the_csrf_token_nothing_is_filed(console):
    client = console("operator")
    csrf_token(client, PAGE)
    data = {**_form(), "photos": [(io.BytesIO(photo("jolla.jpg")), "jolla.jpg")]}
    answer = client.post(PAGE, data=data, content_type="multipart/form-data")
    assert answer.status_code in (400, 403)
    assert db.session.query(Report).count() == 0


def test_the_page_lists_the_reports_the_operator_entered(console):
    client = console("operator")
    _file(client, _form())
    html = client.get(PAGE).get_data(as_text=True)
    code = db.session.query(Report).one().code
    assert re.search(rf'id="recent".*{code}', html, re.S)
    assert client.get("/console/").headers["Location"].endswith(PAGE)  # the operator's home


def test_the_report_page_says_the_channel_and_only_oversight_who_entered_it(console, client):
    _file(console("operator"), _form())
    code = db.session.query(Report).one().code
    post_form(client, "/console/logout")
    coordinator = console("coordinator").get(f"/console/reports/{code}").get_data(as_text=True)
    assert re.search(r'id="channel">[^<]*Tổng đài viên 1022', coordinator)
    post_form(client, "/console/logout")
    officer = console("so-xd.officer").get(f"/console/reports/{code}").get_data(as_text=True)
    assert 'id="channel"' in officer and "Tổng đài viên" not in officer
    # The phone in full (a photo URL's content hash may hold "0912").
    assert "912345678" not in officer and "0912 345" not in officer and "Chị Lan" not in officer


def test_every_problem_of_the_form_is_shown_at_once_next_to_its_field(console):
    client = console("operator")
    form = _form(phone="12345", lat="", lng="", ward="", category="giao-thong")
    answer = _file(client, form, photos=[])
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    for name in ("phone", "lat", "ward", "photos"):
        assert f'id="intake-{name}-error"' in html, name
        assert f'aria-errormessage="intake-{name}-error"' in html, name
    assert html.count('aria-invalid="true"') >= 5  # phone, lat, lng, ward, photos
    assert "Bấm vào bản đồ, nhập tọa độ hoặc chọn phường/xã" in html
    assert "GPS" not in html  # the API's wording is not the form's
    assert 'value="12345"' in html and "Đèn đường hỏng" in html
    assert "Chọn lại ảnh" not in html  # no photo had been chosen
    assert db.session.query(Report).count() == 0


def test_a_refused_form_with_photos_asks_to_choose_them_again(console):
    client = console("operator")
    answer = _file(client, _form(phone="12345", submission="form-0009"))
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="intake-photos-again"' in html and "Chọn lại ảnh" in html
    assert 'id="intake-lat-error"' not in html  # the place was given
    client.get(PAGE + "?lang=en")
    answer = _file(client, _form(lat="1000", submission="form-0010"))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="intake-lat-error"' in html
    assert db.session.query(Report).count() == 0
    assert _file(client, _form(submission="form-0010")).status_code == 302


def test_an_address_naming_a_ward_instead_of_a_click(console):
    client = console("operator")
    form = _form(lat="", lng="", category="cap-nuoc", address="12 Hai Bà Trưng")
    refused = _file(client, form, photos=[])
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="intake-address-error"' in html and 'value="12 Hai Bà Trưng"' in html
    assert db.session.query(Report).count() == 0
    placed = _file(client, {**form, "address": "12 Hai Bà Trưng, phường Cái Khế"}, photos=[])
    assert placed.status_code == 302, placed.get_data(as_text=True)[:2000]
    report = db.session.query(Report).one()
    assert report.admin_unit.code == "92-cai-khe" and report.location_source == "ward"
