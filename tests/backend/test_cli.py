"""Operator commands: boundary import, demo seed, emulator tokens."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from backend.db import db
from backend.demo_data import DESK_WORK
from backend.demo_vinh_long import REPORTS as VL_REPORTS
from backend.models import AdminUnit, Report
from backend.services.geo import locate

SHARED = Path(__file__).parents[3] / "shared" / "data" / "vn-provinces-2025.geojson"
BUNDLED = Path(__file__).parents[2] / "backend" / "data" / "geo" / "vn-provinces-2025.geojson"


def test_geo_import_resolves_points_to_real_provinces(app, empty_db, tmp_path):
    source = SHARED if SHARED.exists() else BUNDLED
    path = tmp_path / "provinces.geojson"
    shutil.copy(source, path)
    result = app.test_cli_runner().invoke(args=["geo", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {
        "created": 34,
        "updated": 0,
        "skipped": 0,
    }
    assert locate(10.0340, 105.7880).name == "TP Cần Thơ"
    assert locate(21.0287, 105.8524).name == "TP Hà Nội"
    assert locate(9.784, 105.470).name == "TP Cần Thơ"  # Vị Thanh, former Hậu Giang
    assert locate(11.55, 104.92) is None  # Phnom Penh
    assert locate(9.0, 108.0) is None  # the sea
    assert db.session.query(AdminUnit).filter_by(name="TP Hà Nội").one().kind == "city"
    again = app.test_cli_runner().invoke(args=["geo", "import", str(path), "--only", "TP Huế"])
    assert json.loads(again.output.strip().splitlines()[-1]) == {
        "created": 0,
        "updated": 1,
        "skipped": 33,
    }


def test_geo_import_refuses_bad_files(app, empty_db, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"code": "X", "ten_tinh": "X"}, '
        '"geometry": {"type": "Point", "coordinates": [105, 10]}}]}'
    )
    result = app.test_cli_runner().invoke(args=["geo", "import", str(bad)])
    assert result.exit_code != 0
    assert db.session.query(AdminUnit).count() == 0


def test_seed_demo_is_idempotent(app, empty_db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo", "--reports", "5"])
    assert "seeded TP Cần Thơ demo" in first.output, first.output
    second = runner.invoke(args=["seed", "demo"])
    assert "already present" in second.output
    # Two for the moderation queue, and Sở Xây dựng's own desk work.
    # Vĩnh Long, the second province, files its own reports.
    assert db.session.query(Report).count() == 5 + 2 + len(DESK_WORK) + len(VL_REPORTS)
    assert db.session.query(Report).filter_by(moderation_status="pending").count() == 2


def test_dev_id_token_signs_in(app, client):
    result = app.test_cli_runner().invoke(args=["dev", "id-token", "--phone", "+84909999999"])
    token = result.output.strip()
    from backend.seed import seed_demo

    seed_demo(reports=0)
    response = client.post("/mobile/v1/auth/firebase", json={"id_token": token})
    assert response.status_code == 200
    assert response.get_json()["resident"]["phone"] == "+84909999999"


def test_a_worker_imports_what_plugins_name_before_its_first_job(app, tmp_path, monkeypatch):
    """RQ forks a process per job: what a plugin names (FCM's firebase-admin when pushes
    are configured) is imported once in the worker, so no job imports it again."""
    import sys

    from backend.cli import preload_for_jobs

    assert app.extensions["phananh_worker_preload"] == []  # no FIREBASE_CREDENTIALS here
    (tmp_path / "phananh_preload_probe.py").write_text("LOADED = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(app.extensions, "phananh_worker_preload", ["phananh_preload_probe"])
    assert "phananh_preload_probe" not in sys.modules
    try:
        assert preload_for_jobs(app) == ["phananh_preload_probe"]
        assert sys.modules["phananh_preload_probe"].LOADED
    finally:
        sys.modules.pop("phananh_preload_probe", None)
