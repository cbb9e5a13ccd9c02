"""Categories per province: the national list plus each province's local additions, kept
by the province's administrator (the national list is read-only to them) and offered only
in their province."""

from __future__ import annotations

import pytest

from backend.db import commit
from backend.domain.roles import Role
from backend.errors import Forbidden
from backend.services import catalogue, categories_admin
from backend.services.categories_admin import CategoryNotFound, CategoryReadOnly
from backend.services.queries import UnknownCategory
from tests.backend.services.test_sla import at
from tests.backend.services.two_provinces import staff, two_provinces

NOW = at(2026, 11, 2, 8)


def local(code: str, name: str) -> dict:
    return {
        "code": code,
        "name_vi": name,
        "name_en": name,
        "group": "moi-truong",
        "questions": [],
    }


@pytest.fixture
def catalogue_of(city):
    provinces = two_provinces()
    vl_admin = staff("vl-test.admin", Role.ADMIN, provinces.vinh_long)
    ct_admin = staff("ct-test.admin", Role.ADMIN, provinces.can_tho)
    national = staff("national-test.admin", Role.ADMIN, None)
    category = categories_admin.create_category(
        vl_admin, local("vl-luc-binh", "Lục bình trên sông Cổ Chiên"), NOW
    )
    commit()
    return provinces, vl_admin, ct_admin, national, category


def codes(province) -> set[str]:
    return {c.code for c in catalogue.categories_for(province.id if province else None)}


def test_a_vinh_long_category_is_offered_in_vinh_long_only(catalogue_of):
    provinces, *_, category = catalogue_of
    assert category.province_id == provinces.vinh_long.id
    assert categories_admin.view(category)["province"] == "vinh-long"
    assert "vl-luc-binh" in codes(provinces.vinh_long)
    assert "vl-luc-binh" not in codes(provinces.can_tho)
    assert "vl-luc-binh" not in codes(None)  # the national list
    # The national categories are offered in both.
    assert "giao-thong" in codes(provinces.vinh_long) & codes(provinces.can_tho)
    catalogue.check_offered(category, provinces.vinh_long.id)
    with pytest.raises(UnknownCategory):
        catalogue.check_offered(category, provinces.can_tho.id)


def test_a_province_admin_keeps_only_their_own_categories(catalogue_of):
    _, vl_admin, ct_admin, _, _ = catalogue_of
    listed = {c.code for c in categories_admin.list_categories(ct_admin)}
    assert "giao-thong" in listed and "vl-luc-binh" not in listed
    with pytest.raises(CategoryNotFound):
        categories_admin.update_category(ct_admin, "vl-luc-binh", {"name_vi": "Khác"}, NOW)
    with pytest.raises(CategoryReadOnly) as refused:
        categories_admin.update_category(vl_admin, "giao-thong", {"name_vi": "Khác"}, NOW)
    assert refused.value.status == 403 and refused.value.code == "category_read_only"
    changed = categories_admin.update_category(
        vl_admin, "vl-luc-binh", {"name_vi": "Lục bình"}, NOW
    )
    assert changed.name_vi == "Lục bình"
    # Their new categories are their province's, whatever they ask for.
    with pytest.raises(Forbidden):
        categories_admin.create_category(
            vl_admin, {**local("vl-khac", "Khác"), "province": "can-tho"}, NOW
        )


def test_a_national_admin_keeps_the_national_list_and_any_province(catalogue_of):
    provinces, _, _, national, _ = catalogue_of
    listed = {c.code for c in categories_admin.list_categories(national)}
    assert {"giao-thong", "vl-luc-binh"} <= listed
    categories_admin.update_category(national, "giao-thong", {"name_en": "Traffic"}, NOW)
    created = categories_admin.create_category(national, local("quoc-gia-moi", "Mới"), NOW)
    assert created.province_id is None
    for_can_tho = categories_admin.create_category(
        national, {**local("ct-ben-ninh-kieu", "Bến Ninh Kiều"), "province": "can-tho"}, NOW
    )
    assert for_can_tho.province_id == provinces.can_tho.id


LONG_CHAU = (10.25, 105.97)  # Phường Long Châu, Vĩnh Long (the demo's ward)


def test_intake_takes_a_vinh_long_category_in_vinh_long_only(catalogue_of, file_report):
    provinces, *_ = catalogue_of
    with pytest.raises(UnknownCategory):
        file_report(NOW, category="vl-luc-binh")  # at Ninh Kiều wharf, TP Cần Thơ
    filed = file_report(NOW, category="vl-luc-binh", lat=LONG_CHAU[0], lng=LONG_CHAU[1])
    assert filed.province_id == provinces.vinh_long.id
    assert catalogue.province_at(*LONG_CHAU).id == provinces.vinh_long.id
