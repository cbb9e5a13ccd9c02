"""The administrators' console: units, staff accounts and the administrative units
import. Forms carry CSRF tokens, refusals keep what was typed, other roles get 404."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.db import db
from backend.models import AdminUnit, Department, StaffUser
from tests.backend.console.conftest import csrf_token, post_form

FIXTURES = Path(__file__).parents[2] / "fixtures" / "geo"
GOOD_PASSWORD = "Cau-Rong-Can-Tho-2026"
PAGES = [
    "/console/admin",
    "/console/admin/units",
    "/console/admin/units/so-xd",
    "/console/admin/staff",
    "/console/admin/staff/new",
    "/console/admin/staff/so-xd.officer",
    "/console/admin/boundaries",
]


@pytest.mark.parametrize("path", PAGES)
def test_an_admin_opens_every_page(console, path):
    client = console("admin")
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:800]
    assert 'name="csrf_token"' in page.get_data(as_text=True) or path == "/console/admin"


@pytest.mark.parametrize("username", ["coordinator", "so-xd.head", "moderator"])
def test_other_roles_get_the_404_page(console, username):
    client = console(username)
    for path in PAGES:
        assert client.get(path).status_code == 404, path
    made = post_form(client, "/console/admin/units", {"code": "x-y", "name": "X", "kind": "police"})
    assert made.status_code == 404
    assert db.session.scalar(select(Department).where(Department.code == "x-y")) is None


@pytest.mark.parametrize("path", PAGES)
def test_every_id_on_a_page_is_used_once(console, path):
    page = console("admin").get(path).get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    if path.startswith("/console/admin/staff/so-"):
        assert 'id="reset-password"' in page and 'id="set-password"' in page
        assert 'for="reset-password"' in page  # the label still names the input


def test_the_menu_leads_admins_to_the_administration(console):
    page = console("admin").get("/console/admin").get_data(as_text=True)
    for endpoint in ("admin_units", "admin_staff", "admin_boundaries"):
        assert f'id="admin-{endpoint}"' in page
    assert 'href="/console/admin"' in page  # the menu entry


def test_forms_without_csrf_change_nothing(console):
    client = console("admin")
    response = client.post("/console/admin/units", data={"code": "so-yt", "name": "Sở Y tế"})
    assert response.status_code == 400
    response = client.post(
        "/console/admin/staff/so-xd.officer", data={"full_name": "X", "role": "moderator"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Department).where(Department.code == "so-yt")) is None


def test_a_unit_is_created_then_edited(console):
    client = console("admin")
    made = post_form(
        client,
        "/console/admin/units",
        {
            "code": "so-yt",
            "name": "Sở Y tế",
            "kind": "provincial_department",
            "supervisor": "ioc",
            "areas": ["92-ninh-kieu", "92-cai-khe"],
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)[:800]
    unit = db.session.scalar(select(Department).where(Department.code == "so-yt"))
    assert unit.supervisor.code == "ioc" and {a.code for a in unit.areas} == {
        "92-ninh-kieu",
        "92-cai-khe",
    }
    page = client.get("/console/admin/units/so-yt").get_data(as_text=True)
    tag = page.split('name="tag" value="')[1].split('"')[0]
    saved = post_form(
        client,
        "/console/admin/units/so-yt",
        {"tag": tag, "name": "Sở Y tế TP Cần Thơ", "kind": "provincial_department"},
    )
    assert saved.status_code == 302
    db.session.refresh(unit)
    # Unticked: no supervisor, no areas, deactivated.
    assert unit.name == "Sở Y tế TP Cần Thơ" and unit.supervisor is None
    assert unit.areas == [] and unit.active is False
    # The same (now stale) form again changes nothing.
    stale = post_form(
        client,
        "/console/admin/units/so-yt",
        {"tag": tag, "name": "Older", "kind": "police", "active": "yes"},
    )
    assert stale.status_code == 409
    db.session.refresh(unit)
    assert unit.name == "Sở Y tế TP Cần Thơ" and unit.active is False


def test_a_refused_unit_keeps_what_was_typed(console):
    client = console("admin")
    response = post_form(
        client,
        "/console/admin/units",
        {"code": "so-xd", "name": "Tên đã gõ", "kind": "police", "areas": ["92-cai-khe"]},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'value="Tên đã gõ"' in page and 'id="form-error"' in page
    assert 'value="92-cai-khe" checked' in page


def test_a_staff_member_is_created_edited_and_given_a_password(console):
    client = console("admin")
    token = csrf_token(client, "/console/admin/staff/new")
    made = client.post(
        "/console/admin/staff/new",
        data={
            "csrf_token": token,
            "username": "so-xd.officer7",
            "full_name": "Lê Văn G",
            "role": "department_officer",
            "unit": "so-xd",
            "password": GOOD_PASSWORD,
        },
    )
    assert made.status_code == 302, made.get_data(as_text=True)[:800]
    person = db.session.scalar(select(StaffUser).where(StaffUser.username == "so-xd.officer7"))
    assert person.department.code == "so-xd"
    listed = client.get("/console/admin/staff?q=le van").get_data(as_text=True)
    assert "so-xd.officer7" in listed and "so-xd.head" not in listed
    page = client.get("/console/admin/staff/so-xd.officer7").get_data(as_text=True)
    tag = page.split('name="tag" value="')[1].split('"')[0]
    moved = post_form(
        client,
        "/console/admin/staff/so-xd.officer7",
        {"tag": tag, "full_name": "Lê Văn G", "role": "coordinator", "active": "yes"},
    )
    assert moved.status_code == 302
    db.session.refresh(person)
    assert person.role == "coordinator" and person.department is None
    stale = post_form(
        client,
        "/console/admin/staff/so-xd.officer7",
        {"tag": tag, "full_name": "X", "role": "moderator", "active": "yes"},
    )
    assert stale.status_code == 409
    weak = post_form(client, "/console/admin/staff/so-xd.officer7/password", {"password": "abc"})
    assert weak.status_code == 422 and 'id="form-error"' in weak.get_data(as_text=True)
    done = post_form(
        client, "/console/admin/staff/so-xd.officer7/password", {"password": GOOD_PASSWORD + "x"}
    )
    assert done.status_code == 302
    unlocked = post_form(client, "/console/admin/staff/so-xd.officer7/lock")
    assert unlocked.status_code == 302


def test_a_refused_account_keeps_what_was_typed(console):
    client = console("admin")
    response = post_form(
        client,
        "/console/admin/staff/new",
        {
            "username": "so-xd.officer8",
            "full_name": "Tên đã gõ",
            "role": "department_officer",
            "password": GOOD_PASSWORD,
        },
        page="/console/admin/staff/new",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="so-xd.officer8"' in page and 'value="Tên đã gõ"' in page
    assert GOOD_PASSWORD not in page  # a password is never sent back


def _upload(client, name: str):
    token = csrf_token(client, "/console/admin/boundaries")
    data = {
        "csrf_token": token,
        "province": "92",
        "file": (io.BytesIO((FIXTURES / name).read_bytes()), name),
    }
    return client.post("/console/admin/boundaries", data=data, content_type="multipart/form-data")


def test_a_bad_boundary_file_is_refused_with_its_problems(console):
    client = console("admin")
    before = db.session.scalar(select(func.count()).select_from(AdminUnit))
    response = _upload(client, "can-tho-wards-bad.geojson")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("<li data-kind=") == 4
    assert 'data-kind="invalid_geometry"' in page and "tự cắt nhau tại kinh độ" in page
    assert "Self-intersection" not in page  # shapely's English, in words for the page
    assert 'data-kind="outside_province"' in page
    assert db.session.scalar(select(func.count()).select_from(AdminUnit)) == before


def test_a_good_boundary_file_is_imported(console):
    client = console("admin")
    response = _upload(client, "can-tho-wards.geojson")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert db.session.scalar(select(AdminUnit).where(AdminUnit.code == "31135")) is not None
