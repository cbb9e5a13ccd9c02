"""Residents find similar reports close by and say "me too" instead of filing again."""

from __future__ import annotations

import pytest
from geopy.distance import distance

from tests.conftest import NINH_KIEU, count_statements

ALICE, BINH, CHAU = "+84901000001", "+84901000002", "+84901000003"


def away(metres: float, bearing: float = 45) -> tuple[float, float]:
    point = distance(meters=metres).destination(NINH_KIEU, bearing=bearing)
    return point.latitude, point.longitude


@pytest.fixture
def alices(resident, submit) -> str:
    """Alice reports a pothole at Ninh Kiều wharf; returns its tracking code."""
    response = submit(resident(ALICE))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def nearby(client, headers, where=NINH_KIEU, category="giao-thong"):
    query = {"category": category, "lat": where[0], "lng": where[1]}
    return client.get("/mobile/v1/reports/nearby", query_string=query, headers=headers)


def public(client, code: str) -> dict:
    response = client.get(f"/public/v1/reports/{code}")
    assert response.status_code == 200
    return response.get_json()


def test_me_too_through_the_app(client, resident, alices):
    binh = resident(BINH)
    response = client.post(f"/mobile/v1/reports/{alices}/follow", headers=binh)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["code"] == alices
    assert body["following"] is True and body["mine"] is False
    assert body["supporters"] == 1
    assert "reporter" not in body and "phone" not in str(body)
    # Binh sees the report as followed when opening it again.
    again = client.get(f"/mobile/v1/reports/{alices}", headers=binh).get_json()
    assert again["following"] is True and again["supporters"] == 1


def test_following_twice_counts_once(client, resident, alices):
    binh = resident(BINH)
    for _ in range(2):
        response = client.post(f"/mobile/v1/reports/{alices}/follow", headers=binh)
        assert response.status_code == 200
        assert response.get_json()["supporters"] == 1
    lower = client.post(f"/mobile/v1/reports/{alices.lower()}/follow", headers=binh)
    assert lower.status_code == 200 and lower.get_json()["supporters"] == 1


def test_own_report_cannot_be_followed(client, resident, alices):
    response = client.post(f"/mobile/v1/reports/{alices}/follow", headers=resident(ALICE))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "own_report" and error["message"]["vi"] and error["message"]["en"]
    assert public(client, alices)["supporters"] == 0


def test_unknown_or_rejected_reports_cannot_be_followed(client, resident, staff, alices):
    binh = resident(BINH)
    missing = client.post("/mobile/v1/reports/PA-2026-999999/follow", headers=binh)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "report_not_found"
    rejected = client.post(
        f"/staff/v1/reports/{alices}/reject",
        json={"reason": "Không thuộc phạm vi."},
        headers=staff("coordinator"),
    )
    assert rejected.status_code == 200
    refused = client.post(f"/mobile/v1/reports/{alices}/follow", headers=binh)
    assert refused.status_code == 404
    assert refused.get_json()["error"]["code"] == "report_not_found"


def test_following_needs_a_signed_in_resident(client, alices):
    assert client.post(f"/mobile/v1/reports/{alices}/follow").status_code == 401
    assert client.delete(f"/mobile/v1/reports/{alices}/follow").status_code == 401
    assert nearby(client, {}).status_code == 401


def test_supporters_are_shown_publicly(client, resident, alices):
    assert public(client, alices)["supporters"] == 0
    for phone in (BINH, CHAU):
        client.post(f"/mobile/v1/reports/{alices}/follow", headers=resident(phone))
    assert public(client, alices)["supporters"] == 2
    board = client.get("/public/v1/reports").get_json()
    assert [(r["code"], r["supporters"]) for r in board["items"]] == [(alices, 2)]
    # The reporter's own view shows the support too.
    own = client.get(f"/mobile/v1/reports/{alices}", headers=resident(ALICE)).get_json()
    assert own["mine"] is True and own["supporters"] == 2


def test_unfollow(client, resident, alices):
    binh = resident(BINH)
    client.post(f"/mobile/v1/reports/{alices}/follow", headers=binh)
    response = client.delete(f"/mobile/v1/reports/{alices}/follow", headers=binh)
    assert response.status_code == 204 and response.data == b""
    assert public(client, alices)["supporters"] == 0
    assert client.get(f"/mobile/v1/reports/{alices}", headers=binh).get_json()["following"] is False
    # Again, or without ever following: nothing to do, still 204.
    assert client.delete(f"/mobile/v1/reports/{alices}/follow", headers=binh).status_code == 204
    missing = client.delete("/mobile/v1/reports/PA-2026-999999/follow", headers=binh)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "report_not_found"


def test_nearby_lists_similar_open_reports_nearest_first(client, resident, submit, alices):
    binh = resident(BINH)
    farther = submit(resident(CHAU), lat=away(120)[0], lng=away(120)[1]).get_json()["code"]
    submit(resident(CHAU), lat=away(400)[0], lng=away(400)[1])  # outside the radius
    submit(resident(CHAU), category="chieu-sang")  # same place, another kind of problem
    client.post(f"/mobile/v1/reports/{farther}/follow", headers=binh)

    response = nearby(client, binh, where=away(10, 225))
    assert response.status_code == 200, response.get_json()
    found = response.get_json()
    assert [r["code"] for r in found] == [alices, farther]
    assert found[0]["distance_m"] == pytest.approx(10, abs=1)
    assert found[1]["distance_m"] == pytest.approx(130, abs=1)
    assert [r["supporters"] for r in found] == [0, 1]
    assert [r["following"] for r in found] == [False, True]
    assert [r["mine"] for r in found] == [False, False]
    assert found[0]["status"] == "assigned" and found[0]["category"]["code"] == "giao-thong"
    assert "reporter" not in found[0]

    # Alice sees her own report flagged as hers (nothing to "me too").
    own = nearby(client, resident(ALICE)).get_json()
    assert own[0]["code"] == alices and own[0]["mine"] is True
    # Nothing of the kind around: an empty list.
    assert nearby(client, binh, category="cay-xanh").get_json() == []


def test_submit_suggests_similar_reports(client, resident, submit, alices):
    first = client.get(f"/mobile/v1/reports/{alices}", headers=resident(ALICE)).get_json()
    assert first["mine"] is True

    response = submit(resident(BINH), lat=away(60)[0], lng=away(60)[1])
    assert response.status_code == 201
    body = response.get_json()
    # The usual answer to a new report...
    assert body["code"] != alices and body["status"] == "assigned"
    assert {"id", "description", "photos", "timeline", "deadlines", "supporters"} <= set(body)
    # ...and what Binh might follow instead, not the new report itself.
    similar = body["similar_reports"]
    assert [r["code"] for r in similar] == [alices]
    assert similar[0]["distance_m"] == pytest.approx(60, abs=1)
    assert similar[0]["supporters"] == 0 and similar[0]["following"] is False


def test_the_first_report_of_its_kind_has_no_similar_reports(resident, submit):
    response = submit(resident(ALICE))
    assert response.status_code == 201
    assert response.get_json()["similar_reports"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lat": "10.03", "lng": "105.78"}, "category"),
        ({"category": "giao-thong", "lng": "105.78"}, "lat"),
        ({"category": "giao-thong", "lat": "", "lng": "105.78"}, "lat"),
        ({"category": "giao-thong", "lat": "abc", "lng": "105.78"}, "lat"),
        ({"category": "giao-thong", "lat": "95", "lng": "105.78"}, "lat"),
        ({"category": "giao-thong", "lat": "nan", "lng": "105.78"}, "lat"),
        ({"category": "giao-thong", "lat": "10.03", "lng": "181"}, "lng"),
    ],
)
def test_nearby_bad_input(client, resident, query, field):
    response = client.get("/mobile/v1/reports/nearby", query_string=query, headers=resident())
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["status"] == 422 and error["code"] == "validation_error"
    assert set(error["message"]) == {"vi", "en"}
    assert field in error["fields"]


def test_nearby_unknown_category(client, resident):
    response = nearby(client, resident(), category="khong-co")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "unknown_category" and "category" in error["fields"]


def test_board_queries_do_not_grow_with_the_page(app, client, resident, submit):
    alice, supporters = resident(ALICE), [resident(BINH), resident(CHAU)]

    def statements(n_reports: int) -> int:
        while client.get("/public/v1/reports").get_json()["total"] < n_reports:
            code = submit(alice).get_json()["code"]
            for headers in supporters:
                client.post(f"/mobile/v1/reports/{code}/follow", headers=headers)
        count, response = count_statements(client, "/public/v1/reports?page_size=50")
        assert {r["supporters"] for r in response.get_json()["items"]} == {2}
        return count

    assert statements(2) == statements(6)
