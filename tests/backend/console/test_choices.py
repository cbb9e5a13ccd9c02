"""The console's filter choices: a province's staff are offered the national categories and
their province's own, and their province's handling units; national staff every one."""

from __future__ import annotations

from backend.console import choices
from backend.domain.roles import Role
from tests.backend.services.test_catalogue import catalogue_of  # noqa: F401 (fixture)
from tests.backend.services.two_provinces import staff


def test_a_province_coordinator_is_offered_their_province_only(catalogue_of):  # noqa: F811
    provinces, *_, category = catalogue_of
    vl = staff("vl-test.coordinator", Role.COORDINATOR, provinces.vinh_long)
    ct = staff("ct-test.coordinator", Role.COORDINATOR, provinces.can_tho)
    national = staff("national-test.coordinator", Role.COORDINATOR, None)

    def codes(who) -> set[str]:
        return {c.code for c in choices.categories(who)}

    assert category.code in codes(vl) and category.code in codes(national)
    assert category.code not in codes(ct)
    assert "giao-thong" in codes(vl) & codes(ct)
    for who, province in ((vl, provinces.vinh_long), (ct, provinces.can_tho)):
        assert {u.province_id for u in choices.handling_units(who)} <= {province.id}
    assert len(choices.handling_units(national)) >= len(choices.handling_units(vl))
