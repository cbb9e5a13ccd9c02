"""The app's category list: the national list plus the local additions of the province
named (``province``) or containing the point (``lat``/``lng``)."""

from __future__ import annotations

import pytest

from backend.db import commit
from backend.domain.roles import Role
from backend.services import categories_admin
from tests.backend.services.two_provinces import staff, two_provinces
from tests.conftest import NINH_KIEU


@pytest.fixture
def vinh_long_category(city):
    provinces = two_provinces()
    admin = staff("vl-test.admin", Role.ADMIN, provinces.vinh_long)
    categories_admin.create_category(
        admin,
        {
            "code": "vl-luc-binh",
            "name_vi": "Lục bình trên sông",
            "name_en": "Water hyacinth on the river",
            "group": "moi-truong",
            "questions": [],
        },
        None,
    )
    commit()
    return provinces


def codes(client, query: str = "") -> set[str]:
    response = client.get(f"/mobile/v1/categories{query}")
    assert response.status_code == 200, response.get_json()
    return {c["code"] for c in response.get_json()}


def test_a_vinh_long_category_is_listed_in_vinh_long_only(client, vinh_long_category):
    assert "vl-luc-binh" in codes(client, "?province=vinh-long")
    assert "vl-luc-binh" in codes(client, "?province=86")
    assert "vl-luc-binh" not in codes(client, "?province=can-tho")
    assert "vl-luc-binh" not in codes(client)  # the national list
    assert "giao-thong" in codes(client, "?province=vinh-long")
    # A point in Cần Thơ: Cần Thơ's list.
    in_can_tho = codes(client, f"?lat={NINH_KIEU[0]}&lng={NINH_KIEU[1]}")
    assert "giao-thong" in in_can_tho and "vl-luc-binh" not in in_can_tho


def test_an_unknown_province_or_half_a_point_is_refused(client, vinh_long_category):
    missing = client.get("/mobile/v1/categories?province=atlantis")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "province_not_found"
    half = client.get("/mobile/v1/categories?lat=10.03")
    assert half.status_code == 422


def test_a_point_in_vinh_long_lists_its_local_categories(client, vinh_long_category):
    assert "vl-luc-binh" in codes(client, "?lat=10.25&lng=105.97")  # Phường Long Châu
