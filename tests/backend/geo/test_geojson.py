"""GeoJSON boundary import: the real province file, repairs, NFC and error cases."""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import MultiPolygon, Polygon

from backend.geo.geojson import GeoJSONError, from_wkb, read_features, to_wkb

DATA_FILE = Path(__file__).resolve().parents[3] / "backend/data/geo/vn-provinces-2025.geojson"

SQUARE = [[[105.0, 10.0], [106.0, 10.0], [106.0, 11.0], [105.0, 11.0], [105.0, 10.0]]]
# Web Mercator metres, a common mistake instead of WGS84 degrees.
MERCATOR_RING = [[11776000.0, 1118890.0], [11780000.0, 1118890.0], [11780000.0, 1120000.0]]


def feature(geometry: Any, properties: Any = None) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features: dict[str, Any]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def polygon(coordinates: Any) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": coordinates}


def test_reads_real_province_file() -> None:
    features = read_features(DATA_FILE.read_bytes())

    assert len(features) == 34
    assert [f.properties["code"] for f in features] == [f"VN{i:02d}" for i in range(1, 35)]
    names = {f.properties["ten_tinh"] for f in features}
    assert {"TP Cần Thơ", "TP Hà Nội", "TP Huế", "TP Đà Nẵng", "TP HCM"} <= names
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    for f in features:
        assert isinstance(f.geometry, Polygon | MultiPolygon)
        assert f.geometry.is_valid
        assert not f.geometry.is_empty


def test_accepts_str_bytes_and_single_feature() -> None:
    text = collection(feature(polygon(SQUARE), {"name": "a"}))
    from_bytes = read_features(text.encode("utf-8"))
    from_str = read_features(text)
    single = read_features(json.dumps(feature(polygon(SQUARE), {"name": "a"})))

    for features in (from_bytes, from_str, single):
        assert len(features) == 1
        assert features[0].properties == {"name": "a"}
        assert features[0].geometry.equals(Polygon(SQUARE[0]))


def test_accepts_utf8_bom() -> None:
    text = "\ufeff" + collection(feature(polygon(SQUARE)))
    assert len(read_features(text)) == 1
    assert len(read_features(text.encode("utf-8"))) == 1


def test_null_properties_become_empty_dict() -> None:
    assert read_features(collection(feature(polygon(SQUARE))))[0].properties == {}


def test_property_strings_are_normalised_to_nfc() -> None:
    name_nfd = unicodedata.normalize("NFD", "TP Cần Thơ")
    key_nfd = unicodedata.normalize("NFD", "tên")
    assert name_nfd != "TP Cần Thơ"
    properties = {"ten_tinh": name_nfd, key_nfd: [name_nfd, {"x": name_nfd}], "gid": 20}

    [result] = read_features(collection(feature(polygon(SQUARE), properties)))

    assert result.properties == {
        "ten_tinh": "TP Cần Thơ",
        "tên": ["TP Cần Thơ", {"x": "TP Cần Thơ"}],
        "gid": 20,
    }


def test_multipolygon_is_accepted() -> None:
    coordinates = [SQUARE, [[[107.0, 12.0], [108.0, 12.0], [108.0, 13.0], [107.0, 12.0]]]]
    [result] = read_features(
        collection(feature({"type": "MultiPolygon", "coordinates": coordinates}))
    )
    assert isinstance(result.geometry, MultiPolygon)
    assert len(result.geometry.geoms) == 2


def test_self_intersecting_polygon_is_repaired() -> None:
    bowtie = [[[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]

    [result] = read_features(collection(feature(polygon(bowtie))))

    assert result.geometry.is_valid
    assert isinstance(result.geometry, Polygon | MultiPolygon)
    assert result.geometry.area == pytest.approx(0.5)


def test_repair_drops_non_polygonal_parts() -> None:
    spike = [
        [
            [0.0, 0.0],
            [2.0, 0.0],
            [2.0, 2.0],
            [1.0, 2.0],
            [1.0, 3.0],
            [1.0, 2.0],
            [0.0, 2.0],
            [0.0, 0.0],
        ]
    ]

    [result] = read_features(collection(feature(polygon(spike))))

    assert result.geometry.is_valid
    assert isinstance(result.geometry, Polygon)
    assert result.geometry.area == pytest.approx(4.0)


def test_z_coordinates_are_dropped() -> None:
    ring = [[*point, 5.0] for point in SQUARE[0]]
    [result] = read_features(collection(feature(polygon([ring]))))
    assert not result.geometry.has_z


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param("not json", "not valid JSON", id="not-json"),
        pytest.param(b"\xff\xfe\x00garbage", "not valid JSON", id="undecodable-bytes"),
        pytest.param("[]", "must be a JSON object", id="array"),
        pytest.param(
            json.dumps(polygon(SQUARE)), "FeatureCollection or Feature", id="bare-geometry"
        ),
        pytest.param('{"type": "FeatureCollection"}', "no 'features' array", id="no-features"),
        pytest.param(collection({"type": "Polygon"}), "not a GeoJSON Feature", id="not-a-feature"),
        pytest.param(
            collection(feature(polygon(SQUARE), properties=["a"])),
            "properties that are not a JSON object",
            id="properties-list",
        ),
        pytest.param(collection(feature(None)), "has no geometry", id="null-geometry"),
        pytest.param(
            collection(feature({"type": "Point", "coordinates": [105.8, 21.0]})),
            "'Point' geometry",
            id="point",
        ),
        pytest.param(collection(feature({"type": "Polygon"})), "no coordinates", id="no-coords"),
        pytest.param(
            collection(feature(polygon([[["a", "b"], [1, 2], [3, 4]]]))),
            "malformed coordinates",
            id="malformed",
        ),
        pytest.param(collection(feature(polygon([]))), "empty geometry", id="empty"),
        pytest.param(
            collection(feature(polygon([[[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [0.0, 0.0]]]))),
            "empty geometry",
            id="zero-area",
        ),
        pytest.param(
            collection(feature(polygon([[[105.0, 95.0], [106.0, 10.0], [106.0, 11.0]]]))),
            r"\(105.0, 95.0\) outside longitude \[-180, 180\] / latitude \[-90, 90\]",
            id="lat-95",
        ),
        pytest.param(
            collection(feature(polygon([[[181.0, 10.0], [106.0, 10.0], [106.0, 11.0]]]))),
            "outside longitude",
            id="lng-181",
        ),
        pytest.param(
            collection(feature(polygon([[[105.0, 10.0], [math.nan, 10.0], [106.0, 11.0]]]))),
            "outside longitude",
            id="nan",
        ),
        pytest.param(
            collection(feature(polygon([MERCATOR_RING]))), "must be WGS84", id="projected"
        ),
    ],
)
def test_rejects_bad_input(data: str | bytes, message: str) -> None:
    with pytest.raises(GeoJSONError, match=message):
        read_features(data)


def test_error_names_the_offending_feature() -> None:
    good = feature(polygon(SQUARE))
    bad = feature({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
    with pytest.raises(GeoJSONError, match=r"^feature 1 has a 'LineString' geometry"):
        read_features(collection(good, bad))


def test_geojson_error_is_a_value_error() -> None:
    assert issubclass(GeoJSONError, ValueError)


def test_wkb_round_trip() -> None:
    features = read_features(DATA_FILE.read_bytes())
    for f in features[:3]:
        data = to_wkb(f.geometry)
        assert isinstance(data, bytes)
        assert from_wkb(data).equals_exact(f.geometry, tolerance=0)


def test_json_nested_too_deep_is_a_geojson_error():
    with pytest.raises(GeoJSONError):
        read_features("[" * 100_000 + "]" * 100_000)
