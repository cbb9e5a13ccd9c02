"""Attacks on the console pages of issue 13: every role against every new page and form,
CSRF on every POST, stale edit forms, hostile numbers and text, never a server error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.db import db
from backend.models import Department, Report, RoutingRule
from tests.backend.console.conftest import post_form
from tests.conftest import NINH_KIEU

ROLES = ("operator", "moderator", "so-xd.head", "so-xd.officer", "coordinator", "admin")

ADMIN_PAGES = [
    "/console/admin",
    "/console/admin/units",
    "/console/admin/units/so-xd",
    "/console/admin/staff",
    "/console/admin/staff/new",
    "/console/admin/staff/so-xd.officer",
    "/console/admin/boundaries",
    "/console/admin/categories",
    "/console/admin/categories/giao-thong",
    "/console/admin/sla",
    "/console/admin/calendar",
]
OPS_PAGES = [
    "/console/operations",
    "/console/operations/figures",
    "/console/operations/map.json",
    "/console/operations/outlines.geojson",
]
ROUTING_PAGES = [
    "/console/admin/routing",
    "/console/admin/routing/test?lat=10.03&lng=105.78&category=giao-thong",
    "/console/admin/routing/areas.geojson",
]
ADMIN_POSTS = [
    ("/console/admin/units", {"code": "so-yt", "name": "Sở Y tế", "kind": "utility"}),
    ("/console/admin/units/so-xd", {"name": "Renamed", "kind": "provincial_department"}),
    ("/console/admin/staff/new", {"username": "evil", "role": "admin", "password": "x" * 20}),
    ("/console/admin/staff/so-xd.officer", {"full_name": "X", "role": "admin"}),
    ("/console/admin/staff/so-xd.officer/password", {"password": "Long-enough-pass-1"}),
    ("/console/admin/staff/so-xd.officer/lock", {}),
    ("/console/admin/boundaries", {"province": "92"}),
    ("/console/admin/categories", {"code": "evil", "name_vi": "X", "name_en": "X"}),
    ("/console/admin/categories/giao-thong", {"name_vi": "X", "name_en": "X"}),
    ("/console/admin/sla", {"severity": "normal", "days": "1"}),
    ("/console/admin/calendar/exceptions", {"day": "2030-01-02", "working": ""}),
    ("/console/admin/calendar/exceptions/2030-01-01/delete", {}),
    ("/console/admin/routing/rules", {"category": "xay-dung", "unit": "so-xd"}),
]


def _not_a_server_error(response, what):
    assert response.status_code < 500, (what, response.status_code)


@pytest.mark.parametrize("username", ROLES)
def test_every_new_page_for_every_role(console, username):
    client = console(username)
    for path in ADMIN_PAGES + OPS_PAGES + ROUTING_PAGES + ["/console/intake"]:
        answer = client.get(path)
        _not_a_server_error(answer, (username, path))
        if username != "admin" and path in ADMIN_PAGES:
            assert answer.status_code == 404, (username, path, answer.status_code)
        if username not in ("admin", "coordinator") and path in OPS_PAGES + ROUTING_PAGES:
            assert answer.status_code in (403, 404), (username, path, answer.status_code)
        if username not in ("admin", "coordinator", "operator") and path == "/console/intake":
            assert answer.status_code == 404, (username, path)


@pytest.mark.parametrize("username", ROLES[:-1])
def test_no_admin_form_works_for_anyone_else_even_with_a_token(console, username):
    client = console(username)
    before = db.session.scalar(select(func.count()).select_from(RoutingRule))
    for path, data in ADMIN_POSTS:
        answer = post_form(client, path, data)
        _not_a_server_error(answer, (username, path))
        assert answer.status_code in (403, 404), (username, path, answer.status_code)
    assert db.session.scalar(select(Department).where(Department.code == "so-yt")) is None
    assert db.session.scalar(select(func.count()).select_from(RoutingRule)) == before


def test_every_new_post_needs_the_csrf_token(console):
    client = console("admin")
    for path, data in [*ADMIN_POSTS, ("/console/intake", {"channel": "hotline"})]:
        answer = client.post(path, data=data)
        assert answer.status_code == 400, (path, answer.status_code)
    assert db.session.scalar(select(Department).where(Department.code == "so-yt")) is None
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_stale_unit_form_changes_nothing(console):
    client = console("admin")
    page = client.get("/console/admin/units/so-xd").get_data(as_text=True)
    assert 'name="tag"' in page
    stale = post_form(
        client,
        "/console/admin/units/so-xd",
        {"name": "Sở XD (stale)", "kind": "provincial_department", "tag": "not-the-tag"},
    )
    _not_a_server_error(stale, "stale")
    assert stale.status_code in (409, 422), stale.status_code
    assert db.session.scalar(select(Department.name).where(Department.code == "so-xd")) != (
        "Sở XD (stale)"
    )


def test_a_unit_form_without_a_tag_is_not_a_blind_overwrite(console):
    client = console("admin")
    blind = post_form(
        client, "/console/admin/units/so-xd", {"name": "Blind", "kind": "provincial_department"}
    )
    _not_a_server_error(blind, "no tag")
    assert db.session.scalar(select(Department.name).where(Department.code == "so-xd")) != "Blind"


@pytest.mark.parametrize(
    "query",
    [
        "lat=nan&lng=105.78&category=giao-thong",
        "lat=inf&lng=105.78&category=giao-thong",
        "lat=1e400&lng=105.78&category=giao-thong",
        "lat=10.03&lng=-Infinity&category=giao-thong",
        "lat=10.03&lng=999&category=giao-thong",
        "lat=10.03&lng=105.78&category=giao%00thong",
        "lat=10.03&lng=105.78&category=" + "x" * 5000,
        "lat=%00&lng=105.78&category=giao-thong",
    ],
)
def test_the_console_tester_refuses_bad_input_as_a_page(console, query):
    answer = console("coordinator").get(f"/console/admin/routing/test?{query}")
    _not_a_server_error(answer, query)
    assert answer.status_code in (400, 422), (query, answer.status_code)


@pytest.mark.parametrize(
    "query", ["zoom=-1", "zoom=99999999999999999999", "zoom=nan", "zoom=1e400", "zoom=%00"]
)
def test_the_console_map_refuses_bad_zooms(console, query):
    answer = console("coordinator").get(f"/console/operations/map.json?{query}")
    _not_a_server_error(answer, query)


@pytest.mark.parametrize(
    "query",
    [
        "from=2000-01-01&to=2100-12-31",
        "from=0001-01-01",
        "from=2026-02-30",
        "from=%00",
        "from=2026-12-01&to=2026-01-01",
    ],
)
def test_the_console_operations_period(console, query):
    client = console("coordinator")
    for path in ("/console/operations", "/console/operations/figures"):
        _not_a_server_error(client.get(f"{path}?{query}"), (path, query))


@pytest.mark.parametrize(
    "changes",
    [
        {"lat": "nan"},
        {"lat": "inf", "lng": "inf"},
        {"lat": "1e400"},
        {"lng": "-181"},
        {"lat": "10.03\x00"},
        {"name": "Lan\x00"},
        {"description": "Mất nước\x00 từ sáng ở hẻm 12 Hai Bà Trưng"},
        {"address": "12\x00 Hai Bà Trưng"},
        {"phone": "0912\x00345678"},
        {"ward": "92-cai-khe\x00", "lat": "", "lng": ""},
        {"submission": "\x00" * 10},
        {"submission": "s" * 10_000},
    ],
)
def test_the_intake_form_refuses_hostile_input(console, changes):
    client = console("operator")
    form = {
        "channel": "hotline",
        "category": "cap-nuoc",
        "description": "Mất nước sinh hoạt từ sáng ở hẻm 12 Hai Bà Trưng",
        "lat": str(NINH_KIEU[0]),
        "lng": str(NINH_KIEU[1]),
        **changes,
    }
    answer = post_form(client, "/console/intake", form, page="/console/intake")
    _not_a_server_error(answer, changes)
    assert answer.status_code in (400, 422), (changes, answer.status_code)
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_rule_to_an_inactive_unit_is_refused_on_the_form(console):
    client = console("admin")
    made = post_form(
        client, "/console/admin/units", {"code": "gone", "name": "Gone", "kind": "utility"}
    )
    assert made.status_code == 302
    unit = db.session.scalar(select(Department).where(Department.code == "gone"))
    unit.active = False
    db.session.commit()
    answer = post_form(
        client, "/console/admin/routing/rules", {"category": "xay-dung", "unit": "gone"}
    )
    _not_a_server_error(answer, "inactive")
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(RoutingRule)
            .where(RoutingRule.department_id == unit.id)
        )
        == 0
    )


@pytest.mark.parametrize("day", ["2030-02-30", "%00", "99999-01-01", "x" * 1000, "0001-01-01"])
def test_calendar_days_are_never_a_server_error(console, day):
    client = console("admin")
    _not_a_server_error(
        post_form(client, f"/console/admin/calendar/exceptions/{day}/delete", {}), day
    )
    _not_a_server_error(
        post_form(client, "/console/admin/calendar/exceptions", {"day": day, "note": "x"}), day
    )


def test_a_boundary_file_with_a_nul_in_a_name_is_refused_on_the_page(console):
    import io
    import json

    client = console("admin")
    feature = {
        "type": "Feature",
        "properties": {"ma_xa": "31999", "ten_xa": "Phường\x00 Thử", "loai": "ward"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [
                    [105.77, 10.03],
                    [105.771, 10.03],
                    [105.771, 10.031],
                    [105.77, 10.031],
                    [105.77, 10.03],
                ]
            ],
        },
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    answer = post_form(
        client,
        "/console/admin/boundaries",
        {"province": "92", "file": (io.BytesIO(data), "f.geojson")},
        page="/console/admin/boundaries",
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422, answer.status_code


_CATEGORY_FORM = {
    "name_vi": "Hư hỏng đường",
    "name_en": "Road damage",
    "group": "giao_thong",
    "default_severity": "normal",
    "position": "0",
    "photo_required": "on",
    "active": "on",
}


def test_a_stale_category_form_does_not_wipe_anothers_questions(console):
    from backend.models import Category

    client = console("national.admin")  # the national list is the national admin's
    path = "/console/admin/categories/giao-thong"
    question = {
        "q-0-code": "lane",
        "q-0-datatype": "string",
        "q-0-order": "1",
        "q-0-description_vi": "Làn đường",
        "q-0-description_en": "Lane",
    }
    opened = client.get(path)  # admins A and B open the form
    assert opened.status_code == 200
    tag = opened.get_data(as_text=True).split('name="tag" value="')[1].split('"')[0]
    form = {**_CATEGORY_FORM, "tag": tag}
    saved = post_form(client, path, {**form, **question}, page=path)  # admin A saves
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    # admin B now saves what their (older) form held: a new name, no question
    stale = post_form(client, path, {**form, "name_en": "Roads"}, page=path)
    assert stale.status_code < 500
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert 'value="lane"' in body and 'name="tag" value="' + tag not in body
    assert "Người khác đã thay đổi mục này" in body  # the stale-form message
    category = db.session.scalar(select(Category).where(Category.code == "giao-thong"))
    db.session.refresh(category)
    assert stale.status_code == 409 or [q.code for q in category.questions] == ["lane"]


@pytest.mark.parametrize("username", ["cap-thoat-nuoc.head", "cap-thoat-nuoc.officer"])
def test_the_units_console_never_shows_the_caller_or_the_operator(console, username, run_jobs):
    operator = console("operator")
    form = {
        "channel": "hotline",
        "category": "cap-nuoc",
        "description": "Mất nước sinh hoạt từ sáng ở hẻm 12 Hai Bà Trưng",
        "lat": str(NINH_KIEU[0]),
        "lng": str(NINH_KIEU[1]),
        "phone": "0912 345 678",
        "name": "Chị Hồng Nhung",
    }
    filed = post_form(operator, "/console/intake", form, page="/console/intake")
    assert filed.status_code in (302, 303), filed.status_code
    run_jobs()
    code = db.session.scalar(select(Report.code).order_by(Report.id.desc()).limit(1))
    post_form(operator, "/console/logout", {})
    client = console(username)
    for path in (f"/console/reports/{code}", "/console/desk", "/console/desk.csv"):
        answer = client.get(path)
        assert answer.status_code < 500, (path, answer.status_code)
        text = answer.get_data(as_text=True)
        for secret in ("912345678", "0912 345", "Hồng Nhung", ">operator<"):
            assert secret not in text, (username, path, secret)
