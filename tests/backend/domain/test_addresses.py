"""Which ward a typed address names (backend.domain.addresses): names only, whole words."""

from __future__ import annotations

import pytest

from backend.domain.addresses import named_units, phrases

WARDS = [
    ("nk", "Phường Ninh Kiều"),
    ("ck", "Phường Cái Khế"),
    ("ta", "Phường Tân An"),
    ("an", "Xã An"),
    ("p1", "Phường 1"),
    ("nk", "Phường An Cư"),  # a unit merged into Ninh Kiều
]


@pytest.mark.parametrize(
    ("address", "codes"),
    [
        ("12 Hai Bà Trưng, phường Ninh Kiều", ["nk"]),
        ("p. Cái Khế", ["ck"]),
        ("phuong cai khe, can tho", ["ck"]),
        ("CÁI KHẾ", ["ck"]),
        ("hẻm 5 An Cư", ["nk"]),  # the old name: the unit it was merged into
        ("Tân An", ["ta"]),  # "An" inside "Tân An" does not count
        ("ấp 3, xã An", ["an"]),
        ("P.1, đường Lê Lợi", ["p1"]),
        ("phường 1", ["p1"]),
        ("Cái Khế giáp Ninh Kiều", ["nk", "ck"]),
    ],
)
def test_names_found_as_whole_words(address, codes):
    assert sorted(named_units(address, WARDS)) == sorted(codes)


@pytest.mark.parametrize(
    "address",
    ["", "số 1 Lê Lợi", "Ninh Kiềuu", "Tân Anh", "Cái", "Bến Tre", "12 Hai Bà Trưng"],
)
def test_no_name(address):
    assert named_units(address, WARDS) == []


def test_phrases():
    assert phrases("Phường Ninh Kiều") == ["ninh kieu"]
    assert phrases("Đặc khu Phú Quốc") == ["phu quoc"]
    assert phrases("Phường 1") == ["phuong 1", "p 1"]
    assert phrases("1") == [] and phrases("Phường") == ["phuong"] and phrases("") == []
