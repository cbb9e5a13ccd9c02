"""Administrators keep the categories through the staff API: names, group, severity,
photo rule, open or closed, and the extra questions (Open311 attributes)."""

from __future__ import annotations

from tests.conftest import post_json

QUESTIONS = [
    {
        "code": "depth",
        "datatype": "number",
        "required": True,
        "order": 1,
        "description_vi": "Độ sâu ổ gà (cm)",
        "description_en": "Depth of the pothole (cm)",
    },
    {
        "code": "lane",
        "datatype": "singlevaluelist",
        "order": 2,
        "description_vi": "Làn đường",
        "description_en": "Lane",
        "values": [
            {"key": "left", "name_vi": "Trái", "name_en": "Left"},
            {"key": "right", "name_vi": "Phải", "name_en": "Right"},
        ],
    },
]


def _new(**extra):
    return {
        "code": "via-he",
        "name_vi": "Lấn chiếm vỉa hè",
        "name_en": "Pavement encroachment",
        "group": "do_thi",
        "default_severity": "normal",
        "photo_required": False,
        **extra,
    }


def test_an_admin_creates_a_category_with_questions_and_residents_see_it(client, staff):
    admin = staff("national.admin")
    created = post_json(client, admin, "/staff/v1/admin/categories", **_new(questions=QUESTIONS))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["questions"][1]["values"][0] == {
        "key": "left",
        "name_vi": "Trái",
        "name_en": "Left",
    }
    assert body["questions"][0]["values"] == []

    listed = client.get("/staff/v1/admin/categories", headers=admin).get_json()
    assert "via-he" in [c["code"] for c in listed]
    mobile = client.get("/mobile/v1/categories").get_json()
    codes = [c["code"] for c in (mobile["items"] if isinstance(mobile, dict) else mobile)]
    assert "via-he" in codes


def test_a_taken_code_is_a_conflict(client, staff):
    admin = staff("national.admin")
    response = post_json(client, admin, "/staff/v1/admin/categories", **_new(code="giao-thong"))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "category_code_taken"


def test_bad_questions_are_refused_field_by_field(client, staff):
    admin = staff("national.admin")
    bad = [
        {**QUESTIONS[0], "values": [{"key": "x", "name_vi": "x", "name_en": "x"}]},
        {**QUESTIONS[1], "code": "depth", "values": []},
    ]
    response = post_json(client, admin, "/staff/v1/admin/categories", **_new(questions=bad))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_questions"
    assert set(error["fields"]) == {
        "questions[0].values",
        "questions[1].code",
        "questions[1].values",
    }
    unknown = post_json(
        client,
        admin,
        "/staff/v1/admin/categories",
        **_new(questions=[{**QUESTIONS[0], "datatype": "blob"}]),
    )
    assert unknown.status_code == 422


def test_only_an_admin_manages_categories(client, staff):
    coordinator = staff("coordinator")
    assert client.get("/staff/v1/admin/categories", headers=coordinator).status_code == 403
    response = client.patch(
        "/staff/v1/admin/categories/giao-thong", json={"name_en": "X"}, headers=coordinator
    )
    assert response.status_code == 403


def test_an_unknown_category_is_404(client, staff):
    response = client.patch(
        "/staff/v1/admin/categories/nope", json={"name_en": "X"}, headers=staff("national.admin")
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "category_not_found"


def test_the_photo_rule_is_enforced_at_intake_as_the_admin_sets_it(client, staff, submit):
    admin = staff("national.admin")
    path = "/staff/v1/admin/categories/giao-thong"
    on = client.patch(path, json={"photo_required": True}, headers=admin)
    assert on.get_json()["photo_required"] is True
    refused = submit(photos=[], run=False)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "photo_required"
    assert "photos" in refused.get_json()["error"]["fields"]

    client.patch(path, json={"photo_required": False}, headers=admin)
    assert submit(photos=[], run=False).status_code == 201


def test_questions_are_replaced_as_a_whole_and_severity_applies_to_new_reports(
    client, staff, submit
):
    admin = staff("national.admin")
    path = "/staff/v1/admin/categories/giao-thong"
    client.patch(path, json={"questions": QUESTIONS}, headers=admin)
    changed = client.patch(
        path, json={"questions": QUESTIONS[1:], "default_severity": "urgent"}, headers=admin
    )
    assert changed.status_code == 200
    assert [q["code"] for q in changed.get_json()["questions"]] == ["lane"]
    report = submit(run=False).get_json()
    assert report.get("severity", "urgent") == "urgent"


def test_a_closed_category_takes_no_new_reports(client, staff, submit):
    client.patch(
        "/staff/v1/admin/categories/giao-thong",
        json={"active": False},
        headers=staff("national.admin"),
    )
    response = submit(run=False)
    assert response.status_code == 422


def test_if_match_refuses_a_change_made_from_an_older_read(client, staff):
    admin = staff("national.admin")
    path = "/staff/v1/admin/categories/giao-thong"
    (read,) = [
        c
        for c in client.get("/staff/v1/admin/categories", headers=admin).get_json()
        if c["code"] == "giao-thong"
    ]
    first = client.patch(
        path, json={"questions": QUESTIONS}, headers={**admin, "If-Match": f'"{read["tag"]}"'}
    )
    assert first.status_code == 200
    assert first.get_json()["tag"] != read["tag"]
    stale = client.patch(
        path, json={"questions": [], "name_en": "Roads"}, headers={**admin, "If-Match": read["tag"]}
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "concurrent_update"
    again = client.patch(path, json={"name_en": "Roads"}, headers=admin)  # no If-Match: no check
    assert again.status_code == 200
    assert [q["code"] for q in again.get_json()["questions"]] == [q["code"] for q in QUESTIONS]
