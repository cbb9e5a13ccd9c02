"""JurisdictionIndex against the real 2025 province layer and small synthetic areas."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import shapely
from shapely.geometry import box

from backend.geo.geojson import Feature, read_features
from backend.geo.jurisdiction import Area, JurisdictionIndex

DATA_FILE = Path(__file__).resolve().parents[3] / "backend/data/geo/vn-provinces-2025.geojson"


@pytest.fixture(scope="module")
def provinces() -> list[Feature]:
    return read_features(DATA_FILE.read_bytes())


@pytest.fixture(scope="module")
def province_areas(provinces: list[Feature]) -> list[Area]:
    return [Area(f.properties["ten_tinh"], 0, f.geometry) for f in provinces]


@pytest.fixture(scope="module")
def index(province_areas: list[Area]) -> JurisdictionIndex:
    return JurisdictionIndex(province_areas)


def test_indexes_all_34_provinces(index: JurisdictionIndex) -> None:
    assert len(index) == 34


@pytest.mark.parametrize(
    ("lat", "lng", "province"),
    [
        pytest.param(10.0340, 105.7880, "TP Cần Thơ", id="ninh-kieu-wharf"),
        pytest.param(21.0287, 105.8524, "TP Hà Nội", id="hoan-kiem-lake"),
        pytest.param(9.784, 105.470, "TP Cần Thơ", id="vi-thanh-former-hau-giang"),
        pytest.param(16.4637, 107.5909, "TP Huế", id="hue"),
        pytest.param(16.0544, 108.2022, "TP Đà Nẵng", id="da-nang"),
        pytest.param(10.7769, 106.7009, "TP HCM", id="ho-chi-minh-city"),
        pytest.param(20.8449, 106.6881, "TP Hải Phòng", id="hai-phong"),
    ],
)
def test_city_resolves_to_its_province(
    index: JurisdictionIndex, lat: float, lng: float, province: str
) -> None:
    assert index.locate(lat, lng) == [province]


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        pytest.param(9.0, 108.0, id="east-sea"),
        pytest.param(11.55, 104.92, id="phnom-penh-cambodia"),
        pytest.param(17.9757, 102.6331, id="vientiane-laos"),
        pytest.param(25.0389, 102.7183, id="kunming-china"),
        pytest.param(22.8170, 108.3665, id="nanning-china"),
    ],
)
def test_point_outside_vietnam_matches_nothing(
    index: JurisdictionIndex, lat: float, lng: float
) -> None:
    assert index.locate(lat, lng) == []


def test_arguments_are_lat_then_lng(index: JurisdictionIndex) -> None:
    # Swapped Hoan Kiem coordinates land far outside Vietnam (lat 105 is not even valid).
    assert index.locate(105.8524, 21.0287) == []


def test_matches_brute_force_scan(index: JurisdictionIndex, province_areas: list[Area]) -> None:
    rng = random.Random(2025)
    for _ in range(300):
        lat, lng = rng.uniform(8.0, 23.5), rng.uniform(102.0, 110.0)
        point = shapely.Point(lng, lat)
        expected = [a.key for a in province_areas if a.geometry.covers(point)]
        assert sorted(index.locate(lat, lng)) == sorted(expected)


def test_ward_inside_province_comes_first(province_areas: list[Area]) -> None:
    ward = Area("ward-ninh-kieu", 1, box(105.78, 10.02, 105.80, 10.04))
    can_tho = next(a for a in province_areas if a.key == "TP Cần Thơ")
    assert can_tho.geometry.contains(ward.geometry)

    for areas in ([*province_areas, ward], [ward, *province_areas]):
        index = JurisdictionIndex(areas)
        assert index.locate(10.0340, 105.7880) == ["ward-ninh-kieu", "TP Cần Thơ"]
        # Elsewhere in the province only the province matches.
        assert index.locate(9.784, 105.470) == ["TP Cần Thơ"]


def test_deeper_wins_over_smaller() -> None:
    province = Area("province", 0, box(0, 0, 1, 1))
    huge_ward = Area("ward", 1, box(-5, -5, 5, 5))
    assert JurisdictionIndex([province, huge_ward]).locate(0.5, 0.5) == ["ward", "province"]


def test_equal_depth_smaller_area_first() -> None:
    big = Area(1, 1, box(0, 0, 4, 4))
    small = Area(2, 1, box(1, 1, 2, 2))
    for areas in ([big, small], [small, big]):
        assert JurisdictionIndex(areas).locate(1.5, 1.5) == [2, 1]


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        pytest.param(10.0, 105.5, id="edge"),
        pytest.param(10.0, 105.0, id="corner"),
        pytest.param(10.5, 106.0, id="other-edge"),
    ],
)
def test_boundary_counts_as_inside(lat: float, lng: float) -> None:
    index = JurisdictionIndex([Area("a", 0, box(105.0, 10.0, 106.0, 11.0))])
    assert index.locate(lat, lng) == ["a"]


def test_shared_border_matches_both_neighbours() -> None:
    west = Area("west", 0, box(0, 0, 1, 1))
    east = Area("east", 0, box(1, 0, 3, 1))
    assert JurisdictionIndex([east, west]).locate(0.5, 1.0) == ["west", "east"]


def test_multipolygon_parts_are_all_searched() -> None:
    islands = Area("islands", 0, shapely.MultiPolygon([box(0, 0, 1, 1), box(10, 10, 11, 11)]))
    index = JurisdictionIndex([islands])
    assert index.locate(10.5, 10.5) == ["islands"]
    assert index.locate(5.0, 5.0) == []


def test_empty_index() -> None:
    index = JurisdictionIndex([])
    assert len(index) == 0
    assert index.locate(10.0, 105.0) == []
