"""The routing rules page: the table and its filters, adding, changing and deleting a rule
(administrators, CSRF, refusals shown in the form), the tester (also the coordinator's)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.db import db
from backend.models import AuditEntry, RoutingRule
from backend.models.audit import AuditAction
from tests.backend.console.conftest import post_form
from tests.conftest import HOAN_KIEM, NINH_KIEU

PAGE = "/console/admin/routing"
RULES = "/console/admin/routing/rules"
TEST = "/console/admin/routing/test"


def _rule(category_code: str | None, area_code: str | None) -> RoutingRule | None:
    for rule in db.session.scalars(select(RoutingRule)):
        category = rule.category.code if rule.category else None
        area = rule.admin_unit.code if rule.admin_unit else None
        if (category, area) == (category_code, area_code):
            return rule
    return None


def _audited() -> int:
    return len(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.ROUTING_RULE_CHANGED)
        ).all()
    )


def test_the_page_lists_the_rules_with_forms(console):
    client = console("admin")
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="rules"' in html and 'id="new-rule"' in html and 'id="routing-test"' in html
    assert "Sở Xây dựng TP Cần Thơ" in html and "admin_routing.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert client.get("/console/admin").get_data(as_text=True).count(PAGE) >= 1


def test_the_filters(console):
    client = console("admin")
    html = client.get(PAGE, query_string={"category": "rac-thai"}).get_data(as_text=True)
    table = html[html.index('id="rules"') :]
    assert "Phường Vị Thanh" in table and "Sở Xây dựng" not in table.split("</table>")[0]


def test_an_admin_adds_a_rule_and_the_tester_shows_it(console):
    client = console("admin")
    form = {"category": "giao-thong", "area": "92-ninh-kieu", "unit": "ubnd-ninh-kieu"}
    response = post_form(client, RULES, form, page=PAGE)
    assert response.status_code == 302
    rule = _rule("giao-thong", "92-ninh-kieu")
    assert rule is not None and rule.department.code == "ubnd-ninh-kieu"
    assert _audited() == 1
    answer = client.get(
        TEST, query_string={"lat": NINH_KIEU[0], "lng": NINH_KIEU[1], "category": "giao-thong"}
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'data-code="ubnd-ninh-kieu"' in html and 'id="answer-candidates"' in html
    assert html.count('<li class="outcome-') == 1  # the first key decided


def test_a_refused_rule_is_shown_in_the_form(console):
    client = console("admin")
    before = db.session.query(RoutingRule).count()
    response = post_form(
        client, RULES, {"category": "giao-thong", "area": "", "unit": "ca-tp"}, page=PAGE
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="rule-error"' in html and 'value="ca-tp" selected' in html
    response = post_form(client, RULES, {"category": "", "area": "", "unit": ""}, page=PAGE)
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.query(RoutingRule).count() == before and _audited() == 0


def test_edit_and_delete(console):
    client = console("admin")
    rule = _rule("giao-thong", None)
    edit = f"{RULES}/{rule.id}"
    assert client.get(edit).status_code == 200
    response = post_form(
        client, edit, {"category": "giao-thong", "area": "", "unit": "ca-tp"}, page=edit
    )
    assert response.status_code == 302 and rule.department.code == "ca-tp"
    refused = post_form(client, edit, {"category": "", "area": "", "unit": "ca-tp"}, page=edit)
    assert refused.status_code == 422 and 'id="rule-error"' in refused.get_data(as_text=True)
    one_click = post_form(client, f"{edit}/delete", page=PAGE)  # the box not ticked
    assert one_click.status_code == 302 and _rule("giao-thong", None) is not None
    html = client.get(PAGE).get_data(as_text=True)
    assert "Tôi chắc chắn muốn xóa quy tắc này" in html and 'name="confirm"' in html
    assert _audited() == 1
    response = post_form(client, f"{edit}/delete", {"confirm": "yes"}, page=PAGE)
    assert response.status_code == 302 and _rule("giao-thong", None) is None
    assert _audited() == 2
    assert client.get(edit).status_code == 404


def test_a_post_without_csrf_changes_nothing(console):
    client = console("admin")
    before = db.session.query(RoutingRule).count()
    response = client.post(RULES, data={"category": "xay-dung", "area": "", "unit": "so-xd"})
    assert response.status_code == 400
    rule = _rule("giao-thong", None)
    assert client.post(f"{RULES}/{rule.id}/delete").status_code == 400
    assert db.session.query(RoutingRule).count() == before


def test_the_coordinator_has_the_tester_only(console):
    client = console("coordinator")
    html = client.get(PAGE).get_data(as_text=True)
    assert 'id="routing-test"' in html and 'id="rules"' in html
    assert 'id="new-rule"' not in html and "delete-rule-" not in html
    assert 'href="/console/admin/routing"' in html  # in the coordinator's menu
    before = db.session.query(RoutingRule).count()
    response = post_form(
        client, RULES, {"category": "xay-dung", "area": "", "unit": "so-xd"}, page=PAGE
    )
    assert response.status_code == 404 and db.session.query(RoutingRule).count() == before
    rule = _rule("giao-thong", None)
    assert client.get(f"{RULES}/{rule.id}").status_code == 404


@pytest.mark.parametrize("username", ["moderator", "so-xd.officer", "so-xd.head"])
def test_other_roles_do_not_see_it(console, username):
    client = console(username)
    assert client.get(PAGE).status_code == 404
    assert (
        client.get(TEST, query_string={"lat": 10, "lng": 105, "category": "x"}).status_code == 404
    )
    assert client.get("/console/admin/routing/areas.geojson").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"lat": HOAN_KIEM[0], "lng": HOAN_KIEM[1], "category": "giao-thong"},
        {"lat": "abc", "lng": NINH_KIEU[1], "category": "giao-thong"},
        {"lng": NINH_KIEU[1], "category": "giao-thong"},
        {"lat": NINH_KIEU[0], "lng": NINH_KIEU[1], "category": "no-such"},
    ],
)
def test_the_testers_refusals_are_in_its_form(console, query):
    client = console("coordinator")
    response = client.get(TEST, query_string=query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="test-error"' in html and 'id="routing-answer"' not in html


def test_the_map_boundaries(console):
    data = console("coordinator").get("/console/admin/routing/areas.geojson").get_json()
    codes = {f["properties"]["code"] for f in data["features"]}
    assert {"92", "92-ninh-kieu"} <= codes


def test_the_english_page_names_categories_in_english(console):
    client = console("admin")
    html = client.get(PAGE + "?lang=en").get_data(as_text=True)
    new_rule = html.split('id="new-rule"')[1]
    assert "Road damage, potholes" in new_rule
    assert "Hư hỏng đường, ổ gà" not in html
    assert "Hư hỏng đường, ổ gà" in client.get(PAGE + "?lang=vi").get_data(as_text=True)


def test_the_tester_without_a_point_says_what_to_do(console):
    client = console("coordinator")
    answer = client.get(TEST + "?category=giao-thong&lat=&lng=")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Bấm vào bản đồ hoặc nhập vĩ độ và kinh độ" in html
    assert "Invalid input" not in html and "Dữ liệu không hợp lệ" not in html
    english = client.get(TEST + "?category=giao-thong&lang=en").get_data(as_text=True)
    assert "Click the map or type a latitude and longitude." in english
