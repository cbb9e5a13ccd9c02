"""``POST /staff/v1/reports/<code>/assignee``, the desk's ``?assignee=`` and
``GET /staff/v1/units/<code>/officers``: the staff API of giving a report to an officer."""

from __future__ import annotations

import pytest

from tests.conftest import post_json


@pytest.fixture
def code(submit):
    """A pothole at Ninh Kiều: assigned to Sở Xây dựng (so-xd)."""
    return submit(description="Ổ gà lớn trên đường Hai Bà Trưng").get_json()["code"]


def _assign(client, headers, code, officer):
    return post_json(client, headers, f"/staff/v1/reports/{code}/assignee", officer=officer)


def test_the_head_gives_it_to_an_officer_and_the_unit_sees_it(client, staff, code):
    head = staff("so-xd.head")
    before = client.get(f"/staff/v1/reports/{code}", headers=head).get_json()
    assert "assignee" in before["allowed_actions"] and before["assignee"] is None
    response = _assign(client, head, code, "so-xd.officer2")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["assignee"] == {"username": "so-xd.officer2", "full_name": "Đỗ Văn Long"}
    entry = body["timeline"][-1]
    assert entry["type"] == "officer_assigned" and entry["public"] is False
    assert entry["system_note"]["vi"] == "Giao cán bộ Đỗ Văn Long xử lý."
    assert entry["actor"] == {"username": "so-xd.head", "name": "Trần Minh Tâm"}
    seen = client.get(f"/staff/v1/reports/{code}", headers=staff("so-xd.officer")).get_json()
    assert seen["assignee"]["username"] == "so-xd.officer2"
    assert "assignee" not in seen["allowed_actions"]  # an officer, by default
    oversight = client.get(f"/staff/v1/reports/{code}", headers=staff("coordinator")).get_json()
    assert oversight["assignee"]["full_name"] == "Đỗ Văn Long"
    assert oversight["timeline"][-1]["type"] == "officer_assigned"


def test_the_public_and_the_reporter_never_see_it(client, staff, resident, code):
    assert _assign(client, staff("so-xd.head"), code, "so-xd.officer").status_code == 200
    public = client.get(f"/public/v1/reports/{code}").get_json()
    mine = client.get(f"/mobile/v1/reports/{code}", headers=resident()).get_json()
    other = client.get(f"/mobile/v1/reports/{code}", headers=resident("+84909998877")).get_json()
    for body in (public, mine, other):
        assert "assignee" not in body
        assert "officer_assigned" not in [e["type"] for e in body["timeline"]]
        assert "so-xd.officer" not in str(body) and "Võ Thị Hạnh" not in str(body)
    board = client.get("/public/v1/reports").get_json()["items"]
    assert all("assignee" not in row for row in board)


def test_an_officer_may_not_unless_the_deployment_says_so(app, client, staff, code):
    officer = staff("so-xd.officer")
    refused = _assign(client, officer, code, "so-xd.officer")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "action_not_allowed"
    app.config["ASSIGN_BY_ANY_OFFICER"] = True
    taken = _assign(client, officer, code, "so-xd.officer")
    assert taken.status_code == 200 and taken.get_json()["assignee"]["username"] == "so-xd.officer"
    assert "assignee" in taken.get_json()["allowed_actions"]


def test_another_units_staff_get_404_and_moderators_403(client, staff, code):
    for username in ("chieu-sang.head", "chieu-sang.officer"):
        other = _assign(client, staff(username), code, "so-xd.officer")
        assert other.status_code == 404, username
        assert other.get_json()["error"]["code"] == "report_not_found"
    moderator = _assign(client, staff("moderator"), code, "so-xd.officer")
    assert moderator.status_code == 403
    assert _assign(client, staff("coordinator"), code, "so-xd.officer").status_code == 200


@pytest.mark.parametrize("target", ["chieu-sang.officer", "coordinator", "nobody-at-all"])
def test_an_officer_of_another_unit_or_no_officer_is_refused(client, staff, code, target):
    response = _assign(client, staff("so-xd.head"), code, target)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_assignee" and set(error["fields"]) == {"officer"}
    assert error["message"]["vi"] and error["message"]["en"]
    assert error["message"]["vi"] != error["message"]["en"]


@pytest.mark.parametrize(
    "body",
    [{}, {"officer": 12}, {"officer": ""}, {"officer": "x" * 65}, {"officer": ["a"]}],
    ids=["missing", "number", "empty", "too-long", "list"],
)
def test_bad_bodies_get_the_envelope(client, staff, code, body):
    response = client.post(
        f"/staff/v1/reports/{code}/assignee", json=body, headers=staff("so-xd.head")
    )
    assert response.status_code == 422, response.get_json()
    assert set(response.get_json()["error"]["fields"]) == {"officer"}


def test_reassign_unassign_and_a_retry_records_nothing(client, staff, code):
    head = staff("so-xd.head")
    first = _assign(client, head, code, "so-xd.officer").get_json()
    again = _assign(client, head, code, "so-xd.officer").get_json()
    assert len(again["timeline"]) == len(first["timeline"])
    moved = _assign(client, head, code, "so-xd.officer2").get_json()
    assert moved["assignee"]["username"] == "so-xd.officer2"
    cleared = _assign(client, head, code, None)
    assert cleared.status_code == 200 and cleared.get_json()["assignee"] is None
    entries = [e for e in cleared.get_json()["timeline"] if e["type"] == "officer_assigned"]
    assert len(entries) == 3


def test_forwarded_elsewhere_it_is_nobodys(client, staff, code):
    assert _assign(client, staff("so-xd.head"), code, "so-xd.officer").status_code == 200
    coordinator = staff("coordinator")
    forwarded = post_json(
        client, coordinator, f"/staff/v1/reports/{code}/forward", department="chieu-sang"
    )
    assert forwarded.status_code == 200 and forwarded.get_json()["assignee"] is None
    arrived = client.get(f"/staff/v1/reports/{code}", headers=staff("chieu-sang.head")).get_json()
    assert arrived["assignee"] is None
    assert "officer_assigned" not in [e["type"] for e in arrived["timeline"]]  # so-xd's own


def test_not_on_a_resolved_report(client, staff, code):
    client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={"response": "Đã vá xong."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    response = _assign(client, staff("so-xd.head"), code, "so-xd.officer")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "invalid_transition"


def test_the_desk_filter(client, staff, submit):
    codes = [
        submit(description=f"Ổ gà số {n} trên đường Hai Bà Trưng").get_json()["code"]
        for n in range(3)
    ]
    head = staff("so-xd.head")
    _assign(client, head, codes[0], "so-xd.officer")
    _assign(client, head, codes[1], "so-xd.officer2")

    def desk(headers, **query) -> set[str]:
        response = client.get("/staff/v1/reports", query_string=query, headers=headers)
        assert response.status_code == 200, response.get_json()
        return {r["code"] for r in response.get_json()["items"]}

    assert desk(staff("so-xd.officer"), assignee="me") == {codes[0]}
    assert desk(staff("so-xd.officer2"), assignee="me") == {codes[1]}
    assert desk(head, assignee="none") == {codes[2]}
    assert desk(staff("coordinator"), assignee="so-xd.officer2") == {codes[1]}
    assert desk(head, assignee="me") == set()
    assert desk(head, assignee="") == set(codes)  # empty counts as absent
    bad = client.get(f"/staff/v1/reports?assignee={'x' * 65}", headers=head)
    assert bad.status_code == 422 and "assignee" in bad.get_json()["error"]["fields"]


def test_the_units_officers(client, staff, code):
    _assign(client, staff("so-xd.head"), code, "so-xd.officer")
    response = client.get("/staff/v1/units/so-xd/officers", headers=staff("so-xd.officer"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [
        {
            "username": "so-xd.head",
            "full_name": "Trần Minh Tâm",
            "role": "department_head",
            "open_reports": 0,
        },
        {
            "username": "so-xd.officer2",
            "full_name": "Đỗ Văn Long",
            "role": "department_officer",
            "open_reports": 0,
        },
        {
            "username": "so-xd.officer",
            "full_name": "Võ Thị Hạnh",
            "role": "department_officer",
            "open_reports": 1,
        },
    ]
    coordinator = client.get("/staff/v1/units/chieu-sang/officers", headers=staff("coordinator"))
    assert [o["username"] for o in coordinator.get_json()] == [
        "chieu-sang.head",
        "chieu-sang.officer",
    ]
    for username, unit in (
        ("chieu-sang.officer", "so-xd"),
        ("moderator", "so-xd"),
        ("coordinator", "ioc"),
        ("coordinator", "no-such-unit"),
    ):
        refused = client.get(f"/staff/v1/units/{unit}/officers", headers=staff(username))
        assert refused.status_code == 404, (username, unit)
        assert refused.get_json()["error"]["code"] == "department_not_found"
    assert client.get("/staff/v1/units/so-xd/officers").status_code == 401


def test_both_routes_are_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    post = paths["/staff/v1/reports/{code}/assignee"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(post["responses"])
    assert post["security"] == [{"staffToken": []}]
    assert "200" in paths["/staff/v1/units/{code}/officers"]["get"]["responses"]
    desk = paths["/staff/v1/reports"]["get"]["parameters"]
    assert "assignee" in {p["name"] for p in desk}
