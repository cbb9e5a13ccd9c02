"""Issue 14 seen by an attacker through the console: TP Cần Thơ's staff reach none of Vĩnh
Long's reports, units, accounts, rules, map points, desk rows or moderation queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.db import db
from backend.models import Department, RoutingRule
from tests.backend.console.conftest import console_sign_in
from tests.backend.services.test_provinces import VINH_LONG_SIDE


@pytest.fixture
def vl_report(resident, submit):
    response = submit(resident(), lat=VINH_LONG_SIDE[0], lng=VINH_LONG_SIDE[1])
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def _vl_rule_id() -> int:
    return db.session.scalar(
        select(RoutingRule.id)
        .join(RoutingRule.department)
        .where(Department.code == "vl-so-xd")
        .order_by(RoutingRule.id)
        .limit(1)
    )


def _signed_in(client, username):
    assert console_sign_in(client, username).status_code == 302


@pytest.mark.parametrize("username", ["coordinator", "admin"])
def test_another_provinces_report_is_not_reachable_in_the_console(app, city, vl_report, username):
    client = app.test_client()
    _signed_in(client, username)
    assert client.get(f"/console/reports/{vl_report}").status_code == 404
    for path in (
        "/console/operations/map.json",
        "/console/desk.csv",
        "/console/desk",
        "/console/operations",
        "/console/reports",
    ):
        answer = client.get(path)
        assert answer.status_code in (200, 403, 404), (path, answer.status_code)
        assert vl_report not in answer.get_data(as_text=True), path


def test_another_provinces_admin_pages_are_not_found(app, city):
    client = app.test_client()
    _signed_in(client, "admin")
    rule = _vl_rule_id()
    for path in (
        "/console/admin/units/vl-so-xd",
        "/console/admin/staff/vl.coordinator",
        "/console/admin/staff/national.admin",
        f"/console/admin/routing/rules/{rule}",
    ):
        answer = client.get(path)
        assert answer.status_code in (403, 404), (path, answer.status_code)
    for path in ("/console/admin/units", "/console/admin/staff"):
        page = client.get(path).get_data(as_text=True)
        assert "vl-so-xd" not in page and "vl.coordinator" not in page, path


def test_a_moderator_of_one_province_does_not_see_the_others_reports(app, city, vl_report):
    client = app.test_client()
    _signed_in(client, "moderator")
    assert client.get(f"/moderation/{vl_report}").status_code in (403, 404)
    assert vl_report not in client.get("/moderation").get_data(as_text=True)
    found = client.get(f"/moderation/find?code={vl_report}")
    assert found.status_code in (200, 302, 404)
    assert f"/moderation/{vl_report}" not in (found.headers.get("Location") or "")


def _local_category(code: str, province_slug: str) -> None:
    from backend.models import AdminUnit, Category

    province = db.session.scalar(select(AdminUnit).where(AdminUnit.slug == province_slug))
    db.session.add(
        Category(
            code=code,
            name_vi="Lục bình trên sông",
            name_en="Water hyacinth",
            group="moi-truong",
            province_id=province.id,
        )
    )
    db.session.flush()


def test_the_operations_page_offers_only_the_provinces_own_categories_and_outlines(app, city):
    _local_category("luc-binh", "vinh-long")
    cantho, vinhlong, national = (app.test_client() for _ in range(3))
    _signed_in(cantho, "coordinator")
    _signed_in(vinhlong, "vl.coordinator")
    _signed_in(national, "national.admin")
    assert 'value="luc-binh"' not in cantho.get("/console/operations").get_data(as_text=True)
    assert 'value="luc-binh"' in vinhlong.get("/console/operations").get_data(as_text=True)

    def tops(client) -> set[str]:
        found = client.get("/console/operations/outlines.geojson").get_json()["features"]
        return {f["properties"]["name"] for f in found if f["properties"]["level"] == "top"}

    # Not the 34 provinces of the map: the hosted ones the staff member watches.
    assert tops(cantho) == {"TP Cần Thơ"}
    assert len(tops(vinhlong)) == 1 and tops(vinhlong) != {"TP Cần Thơ"}
    assert tops(national) == tops(cantho) | tops(vinhlong)
