"""The administrators' catalogue pages: categories with their questions, SLA policies."""

from __future__ import annotations

from sqlalchemy import select

from backend.db import db
from backend.models import Category, SlaPolicy
from tests.backend.console.conftest import post_form

PAGE = "/console/admin/categories"


def _tag(client, path: str) -> str:
    """The state tag of the edit form at ``path``."""
    page = client.get(path).get_data(as_text=True)
    return page.split('name="tag" value="')[1].split('"')[0]


def _category(code: str) -> Category:
    db.session.expire_all()
    return db.session.scalar(select(Category).where(Category.code == code))


def test_only_an_admin_opens_the_pages(console):
    client = console("coordinator")
    for path in (PAGE, f"{PAGE}/giao-thong", "/console/admin/sla", "/console/admin/calendar"):
        assert client.get(path).status_code == 404


def test_the_list_shows_every_category(console):
    client = console("national.admin")
    page = client.get(PAGE)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="category-giao-thong"' in body
    assert "Hư hỏng đường, ổ gà" in body


def test_an_admin_creates_a_category(console):
    client = console("national.admin")
    form = {
        "code": "via-he",
        "name_vi": "Lấn chiếm vỉa hè",
        "name_en": "Pavement encroachment",
        "group": "do_thi",
        "default_severity": "urgent",
        "position": "30",
        "active": "on",
    }
    response = post_form(client, PAGE, form, page=PAGE)
    assert response.status_code == 302
    created = _category("via-he")
    assert created.default_severity == "urgent" and created.photo_required is False


def test_a_refused_new_category_keeps_what_was_typed(console):
    client = console("national.admin")
    form = {"code": "giao-thong", "name_vi": "Trùng mã", "name_en": "Dup", "group": "x"}
    response = post_form(client, PAGE, form, page=PAGE)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'value="Trùng mã"' in body and "flash-error" in body


def test_an_admin_edits_a_category_and_its_questions(console):
    client = console("national.admin")
    path = f"{PAGE}/giao-thong"
    form = {
        "tag": _tag(client, path),
        "name_vi": "Hư hỏng đường",
        "name_en": "Road damage",
        "group": "giao_thong",
        "default_severity": "normal",
        "position": "0",
        "photo_required": "on",
        "active": "on",
        "q-0-code": "lane",
        "q-0-datatype": "singlevaluelist",
        "q-0-order": "1",
        "q-0-description_vi": "Làn đường",
        "q-0-description_en": "Lane",
        "q-0-values": "left | Trái | Left\nright | Phải",
        "q-0-required": "on",
        "q-1-code": "",
    }
    response = post_form(client, path, form, page=path)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    category = _category("giao-thong")
    assert category.name_en == "Road damage"
    (question,) = category.questions
    assert question.required and question.values[1] == {
        "key": "right",
        "name_vi": "Phải",
        "name_en": "Phải",
    }
    page = client.get(path).get_data(as_text=True)
    assert "left | Trái | Left" in page

    # The same (now stale) form again changes nothing: it is shown as it is now.
    stale = post_form(client, path, {**form, "q-0-remove": "on"}, page=path)
    assert stale.status_code == 409
    assert "left | Trái | Left" in stale.get_data(as_text=True)
    assert len(_category("giao-thong").questions) == 1

    form["tag"] = _tag(client, path)
    removed = post_form(client, path, {**form, "q-0-remove": "on"}, page=path)
    assert removed.status_code == 302
    assert _category("giao-thong").questions == []


def test_a_category_form_without_its_tag_changes_nothing(console):
    client = console("national.admin")
    path = f"{PAGE}/giao-thong"
    blind = post_form(client, path, {"name_vi": "Mù", "name_en": "Blind", "group": "g"}, page=path)
    assert blind.status_code == 409
    assert _category("giao-thong").name_en != "Blind"


def test_a_bad_question_is_shown_on_the_form_with_the_input_kept(console):
    client = console("national.admin")
    path = f"{PAGE}/giao-thong"
    form = {
        "tag": _tag(client, path),
        "name_vi": "Hư hỏng đường",
        "name_en": "Road damage",
        "group": "giao_thong",
        "default_severity": "normal",
        "position": "0",
        "active": "on",
        "q-0-code": "lane",
        "q-0-datatype": "singlevaluelist",
        "q-0-order": "1",
        "q-0-description_vi": "Làn đường đang hỏng",
        "q-0-description_en": "Lane",
        "q-0-values": "",
    }
    response = post_form(client, path, form, page=path)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'value="Làn đường đang hỏng"' in body
    assert 'id="f-q-0-values" name="q-0-values" rows="3" aria-invalid="true"' in body
    assert _category("giao-thong").questions == []


def test_the_sla_page_lists_the_policies_and_sets_one(console):
    client = console("national.admin")
    page = client.get("/console/admin/sla")
    assert page.status_code == 200 and 'id="policy-urgent-all"' in page.get_data(as_text=True)
    form = {
        "severity": "normal",
        "category": "giao-thong",
        "accept_hours": "4",
        "handle": "10",
        "handle_unit": "days",
        "publish_days": "2",
    }
    response = post_form(client, "/console/admin/sla", form, page="/console/admin/sla")
    assert response.status_code == 302
    policy = db.session.scalar(select(SlaPolicy).order_by(SlaPolicy.id.desc()))
    assert policy.category.code == "giao-thong" and policy.accept_seconds == 4 * 3600
    assert 'id="policy-normal-giao-thong"' in client.get("/console/admin/sla").get_data(
        as_text=True
    )


def test_a_refused_policy_keeps_the_input(console):
    client = console("national.admin")
    form = {
        "severity": "normal",
        "accept_hours": "50",
        "handle": "1",
        "handle_unit": "hours",
        "publish_days": "2",
    }
    response = post_form(client, "/console/admin/sla", form, page="/console/admin/sla")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'value="50"' in body and "flash-error" in body
