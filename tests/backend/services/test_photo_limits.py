"""What one submission may cost: pixel limits at intake, pixel work in the rendition job.

Intake reads each photo's structure and header (no pixel is decoded: the ``no_decoding``
guard fails any decode while ``photos.inspect_all`` runs, even when the embedded default
makes the renditions inline after the commit); the rendition job decodes and marks a photo
it cannot render failed, never published, without losing the report.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from flask import current_app

from backend.db import db
from backend.media.images import Limits
from backend.models import Photo, Report
from backend.models.photo import RenditionStatus
from backend.services import photos
from tests.backend.media.test_intake_cost import (
    decode_guard,
    flat_png,
    heif_claiming,
    jpeg_claiming,
    png_with_cut_stream,
    webp_claiming,
)


def intake_decodes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """For the rest of the test, fail it if a pixel is decoded while a thread inspects the
    photos of a submission (renditions made inline after the commit may decode)."""
    state = threading.local()
    decode_guard(monkeypatch, lambda: getattr(state, "inspecting", False))
    inspect_all = photos.inspect_all

    def guarded(*args, **kwargs):
        state.inspecting = True
        try:
            return inspect_all(*args, **kwargs)
        finally:
            state.inspecting = False

    monkeypatch.setattr(photos, "inspect_all", guarded)


def _files_on_disk() -> list[Path]:
    root = Path(current_app.config["MEDIA_ROOT"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _assert_refused(response, code: str, field: str) -> None:
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert (error["status"], error["code"]) == (422, code)
    assert error["message"]["vi"] and error["message"]["en"]
    assert field in error["fields"], error
    assert db.session.query(Report).count() == 0
    assert db.session.query(Photo).count() == 0
    assert _files_on_disk() == []


BOMBS = {
    "png": lambda: flat_png(7072, 7072),
    "jpeg": lambda: jpeg_claiming(10_000, 10_000),
    "webp": lambda: webp_claiming(16_000, 16_000),
    "heic": lambda: heif_claiming(10_000, 10_000),
}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("kind", sorted(BOMBS))
def test_pixel_bomb_gets_the_envelope_without_being_decoded(
    kind, resident, submit, monkeypatch
) -> None:
    bomb = BOMBS[kind]()
    intake_decodes_nothing(monkeypatch)
    response = submit(resident(), photos=[(flat_png(640, 480), "ok.png"), (bomb, "bomb")])

    _assert_refused(response, "image_too_many_pixels", "photos[1]")


def test_photos_of_one_request_share_a_pixel_budget(resident, submit, monkeypatch) -> None:
    big = flat_png(7000, 7000)  # 49 MP each: four are 196 MP, over the 150 MP of a request
    assert 3 * 49_000_000 <= Limits().max_request_pixels < 4 * 49_000_000

    intake_decodes_nothing(monkeypatch)
    response = submit(resident(), photos=[(big, f"{i}.png") for i in range(4)])

    _assert_refused(response, "photos_too_many_pixels", "photos[3]")


def test_three_49_megapixel_pngs_are_accepted_and_rendered_by_the_job(
    client, resident, submit, monkeypatch
) -> None:
    headers = resident()
    big = flat_png(7000, 7000)

    intake_decodes_nothing(monkeypatch)
    response = submit(headers, photos=[(big, f"{i}.png") for i in range(3)])

    assert response.status_code == 201, response.get_json()
    code = response.get_json()["code"]
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert [p["rendition_status"] for p in mine["photos"]] == ["ready"] * 3
    display = client.get(mine["photos"][0]["display_url"].replace("http://localhost", ""))
    assert display.status_code == 200 and display.mimetype == "image/jpeg"


def test_photo_whose_rendition_fails_is_never_published_and_the_report_stays(
    client, resident, submit, monkeypatch
) -> None:
    """Damage only a decode can see (an intact PNG whose zlib stream stops half-way) passes
    intake; the rendition job then marks the photo failed instead of failing itself."""
    headers = resident()
    intake_decodes_nothing(monkeypatch)
    response = submit(
        headers, photos=[(flat_png(640, 480), "ok.png"), (png_with_cut_stream(), "cut.png")]
    )

    assert response.status_code == 201, response.get_json()
    code = response.get_json()["code"]
    statuses = [p.rendition_status for p in db.session.query(Photo).order_by(Photo.id)]
    assert statuses == [RenditionStatus.READY, RenditionStatus.FAILED]
    failed = db.session.query(Photo).order_by(Photo.id.desc()).first()
    assert failed.thumb_key is None and failed.display_key is None
    public = client.get(f"/public/v1/reports/{code}")
    assert public.status_code == 200
    assert len(public.get_json()["photos"]) == 1  # only the one that rendered
    assert client.get(f"/mobile/v1/reports/{code}", headers=headers).status_code == 200


def test_unexpected_rendition_error_marks_the_photo_failed(resident, submit, monkeypatch) -> None:
    """Whatever a decoder raises (here MemoryError), the job must not stay pending forever."""

    def exhausted(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(photos, "render", exhausted)
    response = submit(resident(), photos=[(flat_png(64, 48), "a.png")])

    assert response.status_code == 201, response.get_json()
    photo = db.session.query(Photo).one()
    assert photo.rendition_status == RenditionStatus.FAILED
    assert db.session.query(Report).count() == 1
