"""GET /public/v1/provinces and ?province= on the public API: each hosted province's
figures are exactly /public/v1/stats?province=, ranked by points; a province's lists
hold only its reports; an unknown province is a 404 envelope."""

from __future__ import annotations

import pytest

from backend.api import caching
from backend.services import statistics
from tests.provinces_fixture import two_provinces


@pytest.fixture
def provinces(client, resident, submit, staff):
    """A: two reports at Sở Xây dựng, one resolved on time (29.11 points); B: one report,
    open (18 points)."""
    places = two_provinces()
    alice = resident("+84906666661")
    a_codes = [submit(alice).get_json()["code"] for _ in range(2)]
    resolved = client.post(
        f"/staff/v1/reports/{a_codes[0]}/resolve",
        data={"response": "Đã vá xong."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert resolved.status_code == 200, resolved.get_json()
    places.in_a(a_codes)
    b_code = submit(alice, description="Ổ gà ở Vĩnh Long").get_json()["code"]
    places.move_to_b(b_code)
    return places, a_codes, b_code


def _items(client, query: str = "") -> list[dict]:
    response = client.get(f"/public/v1/provinces{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def test_provinces_have_the_stats_figures(client, provinces):
    items = _items(client)
    slugs = {item["province"]["slug"] for item in items}
    assert {"can-tho", "vinh-long"} <= slugs
    for item in items:
        province = item["province"]
        assert set(province) == {"code", "slug", "name"}
        for ref in (province["slug"], province["code"]):
            stats = client.get(f"/public/v1/stats?province={ref}").get_json()
            assert stats["figures"] == item["figures"], ref
    by_slug = {item["province"]["slug"]: item for item in items}
    assert by_slug["can-tho"]["figures"]["received"] == 2
    assert by_slug["vinh-long"]["figures"]["received"] == 1


def test_provinces_ranked_by_points(client, resident, submit, staff, provinces, monkeypatch):
    places, _, _ = provinces
    order = [(i["province"]["slug"], i["rank"], i["figures"]["points"]) for i in _items(client)]
    assert order[:2] == [("can-tho", 1, 11.11 + 18.0), ("vinh-long", 2, 18.0)]
    # Two more reports in B, resolved on time: 2 of 3 on time, ahead of A's 1 of 2.
    officer, alice = staff("so-xd.officer"), resident("+84906666662")
    for _ in range(2):
        code = submit(alice).get_json()["code"]
        resolved = client.post(
            f"/staff/v1/reports/{code}/resolve",
            data={"response": "Đã xử lý."},
            headers=officer,
            content_type="multipart/form-data",
        )
        assert resolved.status_code == 200, resolved.get_json()
        places.move_to_b(code)
    # The ranking is figures: cached for PUBLIC_FIGURES_SECONDS (backend.api.caching).
    later = caching.time.time() + 300
    monkeypatch.setattr(caching.time, "time", lambda: later)
    order = [(i["province"]["slug"], i["rank"]) for i in _items(client)]
    assert order[:2] == [("vinh-long", 1), ("can-tho", 2)]


def test_a_province_lists_only_its_reports(client, provinces):
    _, a_codes, b_code = provinces

    def codes(query: str) -> set[str]:
        response = client.get(f"/public/v1/reports?{query}")
        assert response.status_code == 200, response.get_json()
        return {r["code"] for r in response.get_json()["items"]}

    assert codes("province=can-tho") == set(a_codes)
    assert codes("province=vinh-long") == {b_code}
    assert codes("province=86") == {b_code}  # by code as well
    assert {b_code, *a_codes} <= codes("")


def test_a_provinces_scoreboard_has_only_its_units(client, provinces):
    places, _, _ = provinces
    body = client.get("/public/v1/departments?province=vinh-long").get_json()
    units = {item["department"]["code"] for item in body["items"]}
    assert places.b_unit.code in units
    assert units == {d.code for d in statistics.handling_units() if d.province_id == places.b.id}
    everyone = client.get("/public/v1/departments").get_json()
    assert {"so-xd", places.b_unit.code} <= {i["department"]["code"] for i in everyone["items"]}


@pytest.mark.parametrize(
    "path",
    [
        "/public/v1/reports?province=khong-co",
        "/public/v1/stats?province=khong-co",
        "/public/v1/departments?province=khong-co",
        "/public/v1/reports?province=01",  # a real province, not hosted here
    ],
)
def test_unknown_province_is_404(client, provinces, path):
    response = client.get(path)
    assert response.status_code == 404, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "province_not_found"
    assert error["message"]["vi"] and error["message"]["en"]


def test_provinces_documented(client, city):
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/public/v1/provinces"]["get"]
    assert "200" in operation["responses"]
    for path in ("/public/v1/reports", "/public/v1/stats", "/public/v1/departments"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert "province" in names, path
