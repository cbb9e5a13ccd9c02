"""``POST /staff/v1/admin/boundaries`` and ``flask boundaries import``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.db import db
from backend.models import AdminUnit

FIXTURES = Path(__file__).parents[2] / "fixtures" / "geo"
GOOD = FIXTURES / "can-tho-wards.geojson"
BAD = FIXTURES / "can-tho-wards-bad.geojson"


def _upload(client, headers, path: Path, **fields):
    data = {"province": "92", "file": (io.BytesIO(path.read_bytes()), path.name), **fields}
    return client.post(
        "/staff/v1/admin/boundaries",
        data=data,
        headers=headers,
        content_type="multipart/form-data",
    )


def _units() -> int:
    return db.session.scalar(select(func.count()).select_from(AdminUnit))


def test_an_admin_imports_a_province_s_wards(client, staff):
    response = _upload(client, staff("admin"), GOOD)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["province"] == "92" and len(body["created"]) == 6 and body["cleared"] == []


def test_a_bad_file_answers_each_problem_and_changes_nothing(client, staff):
    before = _units()
    response = _upload(client, staff("admin"), BAD, replace="true")
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "boundary_file_refused"
    assert "4" in error["message"]["en"] and error["message"]["vi"] != error["message"]["en"]
    assert set(error["fields"]) == {"features[2]", "features[3]", "features[4]", "features[5]"}
    assert error["fields"]["features[2]"][0].startswith("invalid_geometry")
    assert _units() == before


def test_an_unknown_province_and_a_missing_file(client, staff):
    admin = staff("admin")
    response = _upload(client, admin, GOOD, province="01")
    assert response.get_json()["error"]["code"] == "unknown_province"
    missing = client.post(
        "/staff/v1/admin/boundaries",
        data={"province": "92"},
        headers=admin,
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422
    json_body = client.post("/staff/v1/admin/boundaries", json={"province": "92"}, headers=admin)
    assert json_body.status_code == 415


@pytest.mark.parametrize("username", ["coordinator", "so-xd.head"])
def test_only_administrators(client, staff, username):
    assert _upload(client, staff(username), GOOD).status_code == 403


def test_the_command_imports_and_refuses(app, city):
    runner = app.test_cli_runner()
    before = _units()
    refused = runner.invoke(args=["boundaries", "import", str(BAD), "--province", "92"])
    assert refused.exit_code != 0
    assert "feature 2 (31120): Broken geometry: Self-intersection" in refused.output
    assert "outside the province" in refused.output and "nothing was changed" in refused.output
    assert _units() == before
    done = runner.invoke(args=["boundaries", "import", str(GOOD), "--province", "92"])
    assert done.exit_code == 0, done.output
    assert '"created": 6' in done.output
    assert _units() == before + 6
