"""Importing a province's communes and wards: a good file is written in one go, a bad
one is refused with every problem listed and nothing changed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.db import db
from backend.models import AdminUnit, LegacyUnitCode
from backend.services import boundary_import, geo
from backend.services.boundary_import import BoundaryFileRefused, ImportOptions

FIXTURES = Path(__file__).parents[2] / "fixtures" / "geo"
GOOD = FIXTURES / "can-tho-wards.geojson"
BAD = FIXTURES / "can-tho-wards-bad.geojson"
NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)


def _snapshot():
    units = db.session.execute(
        select(AdminUnit.code, AdminUnit.name, AdminUnit.parent_id, func.length(AdminUnit.boundary))
    ).all()
    legacy = db.session.execute(select(LegacyUnitCode.code, LegacyUnitCode.unit_id)).all()
    return sorted(units), sorted(legacy)


def _import(data, **kw):
    return boundary_import.import_units(None, data, ImportOptions(province="92", **kw), NOW)


def test_a_good_file_creates_the_units_under_the_province(city):
    result = _import(GOOD.read_bytes())
    assert sorted(result.created) == ["31120", "31135", "31147", "31168", "31186", "31299"]
    ward = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "31135"))
    assert ward.name == "Phường Ninh Kiều" and ward.kind == "ward"
    assert ward.parent.code == "92" and ward.depth == 1
    commune = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "31299"))
    assert commune.kind == "commune"
    again = _import(GOOD.read_bytes())
    assert again.created == [] and len(again.updated) == 6


def test_replace_takes_the_old_boundaries_out_of_the_lookup(city):
    before = geo.locate(10.031, 105.785)
    assert before.code == "92-ninh-kieu"
    result = _import(GOOD.read_bytes(), replace=True)
    assert "92-ninh-kieu" in result.cleared and "92-vi-thanh" in result.cleared
    assert geo.locate(10.031, 105.785).code == "31135"
    # The demo unit stays (its reports and rules refer to it), without a boundary.
    kept = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "92-ninh-kieu"))
    assert kept is not None and kept.boundary is None


def test_old_codes_of_merged_units_are_mapped(city):
    document = json.loads(GOOD.read_text())
    document["features"][0]["properties"]["ma_cu"] = "31117, 31120x; 31126"
    document["features"][1]["properties"]["ma_cu"] = [{"code": "31105", "name": "Phường Cũ"}]
    result = _import(json.dumps(document))
    assert result.legacy_codes == 4
    mapped = {r.code: r for r in db.session.scalars(select(LegacyUnitCode))}
    assert mapped["31117"].unit.code == "31135" and mapped["31126"].unit.code == "31135"
    assert mapped["31105"].unit.code == "31120" and mapped["31105"].name == "Phường Cũ"


def test_a_bad_file_is_refused_whole_with_each_problem(city):
    before = _snapshot()
    with pytest.raises(BoundaryFileRefused) as refused:
        _import(BAD.read_bytes())
    found = {(p.feature, p.kind) for p in refused.value.problems}
    assert found == {
        (2, "invalid_geometry"),
        (3, "duplicate_code"),
        (4, "missing_name"),
        (5, "outside_province"),
    }
    broken = next(p for p in refused.value.problems if p.kind == "invalid_geometry")
    assert "Self-intersection" in broken.detail
    text = boundary_import.problem_text(broken, "vi")
    assert "Self-intersection" in text and text != boundary_import.PROBLEMS["invalid_geometry"]
    assert refused.value.status == 422 and refused.value.fields["features[2]"]
    db.session.flush()
    assert _snapshot() == before  # nothing written, not even feature 1


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"not json", "not_json"),
        (b'{"type": "Feature"}', "not_feature_collection"),
        (b'{"type": "FeatureCollection", "features": []}', "no_features"),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":'
            b' {"ma_xa": "1", "ten_xa": "X"},'
            b' "geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
            "not_polygonal",
        ),
        (
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":'
            b' {"ten_xa": "X"}, "geometry": {"type": "Polygon",'
            b' "coordinates": [[[500, 1], [501, 1],'
            b" [501, 2], [500, 1]]]}}]}",
            "coordinates_out_of_range",
        ),
    ],
)
def test_unreadable_files(city, data, kind):
    with pytest.raises(BoundaryFileRefused) as refused:
        _import(data)
    assert kind in {p.kind for p in refused.value.problems}


def test_a_code_of_another_province_or_an_unknown_kind(city):
    document = json.loads(GOOD.read_text())
    document["features"][0]["properties"]["ma_xa"] = "92"  # the city's own code
    document["features"][1]["properties"]["loai"] = "district"
    document["features"][2]["properties"]["ma_cu"] = "31120"  # a unit in this file
    with pytest.raises(BoundaryFileRefused) as refused:
        _import(json.dumps(document))
    kinds = {(p.feature, p.kind) for p in refused.value.problems}
    assert kinds == {(1, "code_in_other_unit"), (2, "unknown_kind"), (3, "legacy_code_is_unit")}


def test_an_unknown_province(city):
    with pytest.raises(boundary_import.UnknownProvince):  # (01, TP Hà Nội, is one of the 34)
        boundary_import.import_units(None, GOOD.read_bytes(), ImportOptions(province="99"), NOW)
