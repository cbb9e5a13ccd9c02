"""Bad input gets the error envelope with a 4xx and leaves nothing half written."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import current_app

from backend.db import db
from backend.models import Photo, Report, ReportEvent
from tests.conftest import photo


def _files_on_disk() -> list[Path]:
    root = Path(current_app.config["MEDIA_ROOT"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


CASES = {
    "missing category": (dict(category=None), 422, "validation_error", "category"),
    "missing description": (dict(description=None), 422, "validation_error", "description"),
    "blank description": (dict(description="   "), 422, "validation_error", "description"),
    "unknown category": (dict(category="khong-co"), 422, "unknown_category", "category"),
    "lat not a number": (dict(lat="abc"), 422, "validation_error", "lat"),
    "lat out of range": (dict(lat="95"), 422, "validation_error", "lat"),
    "lng out of range": (dict(lng="-190"), 422, "validation_error", "lng"),
    "lat without lng": (dict(lng=None), 422, "validation_error", "lng"),
    "nan": (dict(lat="nan"), 422, "validation_error", "lat"),
    "no photo for a photo category": (dict(photos=[]), 422, "photo_required", "photos"),
    "text file as photo": (
        dict(photos=[(b"Xin chao, day khong phai anh\n" * 20, "a.jpg")]),
        422,
        "not_an_image",
        "photos[0]",
    ),
    "empty upload": (dict(photos=[(b"", "empty.jpg")]), 422, "empty_file", "photos[0]"),
    "truncated photo": (
        dict(photos=[(photo("DSCN0021.jpg")[:40_000], "cut.jpg")]),
        422,
        "image_truncated",
        "photos[0]",
    ),
    "good photo then bad one": (
        dict(photos=[(photo("DSCN0021.jpg"), "ok.jpg"), (b"%PDF-1.4 nope", "b.jpg")]),
        422,
        "not_an_image",
        "photos[1]",
    ),
    "too many photos": (
        dict(photos=[(photo("Canon_40D.jpg"), f"{i}.jpg") for i in range(7)]),
        422,
        "too_many_photos",
        "photos",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_report_is_refused_cleanly(case, client, resident, submit):
    overrides, status, code, field = CASES[case]
    form = {k: v for k, v in overrides.items() if k != "photos"}
    kwargs = {k: v for k, v in form.items() if v is not None}
    if "category" in form and form["category"] is None:
        kwargs["category"] = ""
    if "description" in form and form["description"] is None:
        kwargs["description"] = ""
    for key in ("lat", "lng"):
        if key in form and form[key] is None:
            kwargs[key] = None
    if "photos" in overrides:
        kwargs["photos"] = overrides["photos"]
    response = submit(resident(), **kwargs)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["status"] == status
    assert error["message"]["vi"] and error["message"]["en"]
    assert field in error.get("fields", {}), error
    assert db.session.query(Report).count() == 0
    assert db.session.query(Photo).count() == 0
    assert db.session.query(ReportEvent).count() == 0
    assert _files_on_disk() == []


def test_database_failure_after_files_were_written_leaves_no_orphans(
    app, client, resident, submit, monkeypatch
):
    from backend.services import intake

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    headers = resident()
    monkeypatch.setattr(intake.db.session, "flush", boom)
    response = submit(headers)
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    monkeypatch.undo()
    assert db.session.query(Report).count() == 0
    assert _files_on_disk() == []


def test_json_instead_of_multipart_is_a_clear_error(client, resident):
    response = client.post(
        "/mobile/v1/reports", json={"category": "giao-thong"}, headers=resident()
    )
    assert response.status_code == 415
    error = response.get_json()["error"]
    assert error["code"] == "multipart_required" and "multipart/form-data" in error["message"]["en"]


def test_text_in_the_photos_field_is_refused(client, resident):
    response = client.post(
        "/mobile/v1/reports",
        data={
            "category": "giao-thong",
            "description": "Ổ gà",
            "lat": "10.034",
            "lng": "105.788",
            "photos": "not a file",
        },
        headers=resident(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "photos[0]" in response.get_json()["error"]["fields"]


def test_oversized_request_is_413_in_the_envelope(app, client, resident):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/mobile/v1/reports",
        data={"category": "giao-thong", "description": "x" * 2000},
        headers=resident(),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
