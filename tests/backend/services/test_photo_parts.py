"""Phananh issue 10 through the real endpoint: photos padded with millions of empty parts,
and photos whose decoded bytes, not their pixels, are too many."""

from __future__ import annotations

import pytest

from backend.db import db
from backend.models import Photo
from backend.models.photo import RenditionStatus
from tests.backend.media import padded
from tests.backend.media.test_intake_cost import PHOTOS
from tests.backend.services.test_photo_limits import _assert_refused, intake_decodes_nothing

PADDED = {
    "jpeg": lambda: padded.jpeg_with_comments(),
    "jpeg-progressive": lambda: padded.jpeg_with_comments(progressive=True),
    "png": lambda: padded.png_with_chunks(),
    "webp": lambda: padded.webp_with_chunks(),
    "heic": lambda: padded.heif_with_boxes(),
}


@pytest.mark.parametrize("kind", sorted(PADDED))
def test_padded_photo_gets_the_envelope(kind, resident, submit, monkeypatch) -> None:
    intake_decodes_nothing(monkeypatch)
    ok = (PHOTOS / "DSCN0010.jpg").read_bytes()
    response = submit(resident(), photos=[(ok, "ok.jpg"), (PADDED[kind](), "padded")])

    _assert_refused(response, "image_too_complex", "photos[1]")


def test_camera_photo_with_many_segments_within_the_limit_is_accepted(
    client, resident, submit
) -> None:
    """A real camera JPEG carrying 900 extra comment segments is still a photo."""
    data = (PHOTOS / "DSCN0010.jpg").read_bytes()
    many = data[:2] + b"\xff\xfe\x00\x05abc" * 900 + data[2:]  # after SOI
    headers = resident()

    response = submit(headers, photos=[(many, "many.jpg")])

    assert response.status_code == 201, response.get_json()
    assert db.session.query(Photo).one().rendition_status == RenditionStatus.READY


def test_sixteen_bit_rgba_bomb_gets_the_envelope(resident, submit, monkeypatch) -> None:
    intake_decodes_nothing(monkeypatch)
    bomb = padded.png_of_zeros(7000, 7000)  # 49 MP, 392 MB once decoded

    response = submit(resident(), photos=[(bomb, "bomb.png")])

    _assert_refused(response, "image_too_many_pixels", "photos[0]")


def test_photos_of_one_request_share_a_decoded_bytes_budget(resident, submit, monkeypatch) -> None:
    """Four 25 MP photos of 16-bit RGBA: 100 MP (within 150 MP) but 800 MB once decoded."""
    heavy = padded.png_of_zeros(5000, 5000)  # 200 MB each: the most one photo may weigh
    intake_decodes_nothing(monkeypatch)

    response = submit(resident(), photos=[(heavy, f"{i}.png") for i in range(4)])

    _assert_refused(response, "photos_too_many_pixels", "photos[3]")
