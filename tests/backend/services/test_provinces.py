"""Provinces as tenants: the 34 provinces, which one a point is in, routing across a
provincial boundary, refusing a province the deployment does not serve."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from backend.db import db, utcnow
from backend.domain.provinces import gso_code, province_slug
from backend.models import AdminUnit, Report, StaffUser
from backend.services import geo, intake, provinces
from backend.services.photos import Upload
from tests.factories import HOAN_KIEM, new_resident, photo

# Either side of the TP Cần Thơ / Vĩnh Long boundary (the Hậu river near the Cần Thơ
# bridge), each about 170 m from it (distances on the bundled 2025 map).
CAN_THO_SIDE = (10.0270, 105.8105)
VINH_LONG_SIDE = (10.0292, 105.8127)


def _province(code: str) -> AdminUnit:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def test_slugs_and_known_gso_codes():
    assert province_slug("TP Cần Thơ") == "can-tho"
    assert province_slug("Tỉnh Vĩnh Long") == province_slug("Vĩnh Long") == "vinh-long"
    assert province_slug("TP HCM") == "ho-chi-minh"
    assert province_slug("Tỉnh Khánh Hoà") == "khanh-hoa"
    assert [gso_code(n) for n in ("TP Cần Thơ", "Vĩnh Long", "TP Hà Nội", "TP HCM")] == [
        "92",
        "86",
        "01",
        "79",
    ]
    assert gso_code("Gia Lai") is None  # kept as the data set's VN05


def test_the_demo_loads_the_34_provinces_and_hosts_two(city):
    units = db.session.scalars(select(AdminUnit).where(AdminUnit.parent_id.is_(None))).all()
    assert len(units) == 34 and all(u.boundary is not None and u.slug for u in units)
    assert [(p.code, p.slug) for p in provinces.hosted()] == [
        ("92", "can-tho"),
        ("86", "vinh-long"),
    ]
    assert provinces.by_slug("VINH-LONG").code == "86"
    assert provinces.by_slug("gia-lai").code == "VN05" and not provinces.by_slug("gia-lai").hosted
    # Loading again changes nothing (the routing index keeps its generation).
    again = provinces.load_provinces()
    assert (again.created, again.updated) == (0, 0)


def test_which_province_a_point_is_in(city):
    assert provinces.of_point(*CAN_THO_SIDE).code == "92"
    assert provinces.of_point(*VINH_LONG_SIDE).code == "86"
    assert provinces.of_point(*HOAN_KIEM).code == "01"
    assert provinces.of_point(9.0, 108.5) is None  # the sea


def test_the_province_index_follows_a_boundary_change(city):
    index = geo.jurisdiction_index()
    assert geo.jurisdiction_index() is index  # built once, while nothing changes
    hanoi = _province("01")
    hanoi.boundary = _province("92").boundary  # (absurd, but a change)
    db.session.flush()
    assert geo.jurisdiction_index() is not index
    assert {u.code for u in _contains(*CAN_THO_SIDE)} == {"92", "01"}


def _contains(lat, lng):
    return [
        db.session.get(AdminUnit, k) for k in geo.jurisdiction_index().locate(lat, lng, depth=0)
    ]


_filed = itertools.count(1)


def _file(lat, lng, category="giao-thong", **kwargs) -> Report:
    n = next(_filed)
    resident = new_resident(f"tenancy-{n}", f"+849077{n:05d}")
    return intake.submit(
        resident,
        intake.NewReport(category, "Ổ gà sâu sát chân cầu", lat, lng, None),
        [Upload(filename="a.jpg", data=photo("DSCN0021.jpg"))],
        utcnow(),
        max_photos=5,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("point", "province", "unit"),
    [
        (CAN_THO_SIDE, "92", "so-xd"),  # Cần Thơ's road rule (category anywhere)
        (VINH_LONG_SIDE, "86", "vl-so-xd"),  # Vĩnh Long's own rule, not Cần Thơ's
    ],
)
def test_a_report_just_across_the_boundary_goes_to_that_province(city, point, province, unit):
    report = _file(*point)
    assert report.province_id == _province(province).id
    assert report.department.code == unit
    assert report.department.province_id == report.province_id
    assert report.events[0].department.province_id == report.province_id  # its coordinator


def test_without_a_rule_the_report_waits_for_its_own_provinces_coordinator(city):
    report = _file(*VINH_LONG_SIDE, category="an-ninh")  # Vĩnh Long has no police rule
    assert report.department.code == "vl-ioc"


def test_a_province_not_served_is_refused_by_name(city):
    with pytest.raises(provinces.ProvinceNotServed) as refused:
        _file(*HOAN_KIEM)
    assert "TP Hà Nội" in refused.value.message_vi and "TP Hà Nội" in refused.value.message_en
    assert refused.value.code == "province_not_served" and refused.value.status == 422
    assert not db.session.scalar(select(Report.id).limit(1))


def test_an_operator_files_only_in_their_province(city):
    operator = db.session.scalar(select(StaffUser).filter_by(username="operator"))  # Cần Thơ
    with pytest.raises(provinces.ProvinceOutOfScope) as refused:
        _file(*VINH_LONG_SIDE, entered_by=operator)
    assert "Tỉnh Vĩnh Long" in refused.value.message_en
    assert _file(*CAN_THO_SIDE, entered_by=operator).province_id == _province("92").id


def test_staff_scope(city):
    def scope(username):
        return provinces.scope_of(db.session.scalar(select(StaffUser).filter_by(username=username)))

    assert scope("admin") == scope("coordinator") == _province("92").id
    assert scope("vl.admin") == scope("vl-so-xd.officer") == _province("86").id
    assert scope("national.admin") is None
