"""A photo may hold only so many segments, chunks or boxes (phananh issue 10, finding 1).

Checking a file visits each of its parts; millions of empty ones (3.5 million comments in a
14 MB JPEG) cost seconds of CPU per upload. Files over the limit are refused with
``image_too_complex`` before Pillow's opener, which walks them in Python, sees them; real
files, including ones with many parts, stay far below the limit and are accepted.
"""

from __future__ import annotations

import pytest
from PIL import Image

from backend.media import containers, jpeg
from backend.media.images import PhotoError, inspect_photo, make_rendition
from tests.backend.media import padded, said
from tests.backend.media.test_intake_cost import PHOTOS, no_decoding

PADDED = {
    "jpeg-3.5m-comments": lambda: padded.jpeg_with_comments(),
    "jpeg-progressive-3.5m-comments": lambda: padded.jpeg_with_comments(progressive=True),
    "jpeg-comments-between-scans": lambda: padded.jpeg_with_comments_between_scans(),
    "jpeg-14mb-of-stray-bytes": lambda: padded.jpeg_with_stray_bytes(),
    "png-1.2m-ancillary-chunks": lambda: padded.png_with_chunks(),
    "png-1.2m-empty-idat-chunks": lambda: padded.png_with_chunks(kind=b"IDAT"),
    "webp-1.75m-chunks": lambda: padded.webp_with_chunks(),
    "heif-1.75m-boxes": lambda: padded.heif_with_boxes(),
}


#: Pillow's opener reads only up to the first scan; the marker walk counts the rest.
AFTER_THE_FIRST_SCAN = {"jpeg-comments-between-scans"}


def no_pillow_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if Pillow's opener is handed the file."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        pytest.fail("Pillow opened a file the part limit should have refused")

    monkeypatch.setattr(Image, "open", refuse)


@pytest.mark.parametrize("name", sorted(PADDED))
def test_padded_file_is_refused_as_too_complex(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = PADDED[name]()
    assert len(data) <= 15 * 1024 * 1024  # within the byte limit: only its parts are many
    if name not in AFTER_THE_FIRST_SCAN:
        no_pillow_open(monkeypatch)

    with no_decoding(), pytest.raises(PhotoError) as caught:
        inspect_photo(data)

    assert caught.value.code == "image_too_complex"
    assert said(caught.value, "vi") and said(caught.value, "en")
    assert not said(caught.value, "vi").isascii()


@pytest.mark.parametrize("name", ["jpeg-3.5m-comments", "png-1.2m-ancillary-chunks"])
def test_rendition_refuses_a_padded_file_too(name: str) -> None:
    """A photo stored before the limit existed costs the rendition job no more."""
    with pytest.raises(PhotoError) as caught:
        make_rendition(PADDED[name](), 320)
    assert caught.value.code == "image_too_complex"


# ---- each check counts on its own, whoever calls it ---------------------------------------


def test_jpeg_marker_walk_stops_at_the_limit() -> None:
    with pytest.raises(jpeg.TooComplex):
        jpeg.complete_jpeg(padded.jpeg_with_comments_between_scans())


@pytest.mark.parametrize(
    ("check", "make"),
    [
        (containers.check_png, lambda: padded.png_with_chunks()),
        (containers.check_png, lambda: padded.png_with_chunks(kind=b"IDAT")),
        (containers.check_webp, lambda: padded.webp_with_chunks()),
        (containers.check_heif, lambda: padded.heif_with_boxes()),
        (containers.check_heif, lambda: padded.heif_with_extents()),  # 3 million extents
    ],
    ids=["png-chunks", "png-idat", "webp", "heif-boxes", "heif-extents"],
)
def test_container_check_stops_at_the_limit(check, make) -> None:
    with pytest.raises(containers.TooComplex):
        check(make())


# ---- real files, and files with many parts within the limit, are accepted -----------------


@pytest.mark.parametrize("name", sorted(p.name for p in PHOTOS.glob("*.*") if p.suffix != ".md"))
def test_real_photos_are_accepted(name: str) -> None:
    assert inspect_photo((PHOTOS / name).read_bytes()).width > 0


def test_jpeg_with_many_segments_within_the_limit_is_accepted() -> None:
    below = padded.jpeg_with_comments(count=jpeg.MAX_MARKERS - 50)
    above = padded.jpeg_with_comments(count=jpeg.MAX_MARKERS + 1)

    assert inspect_photo(below).width == 16
    with pytest.raises(PhotoError) as caught:
        inspect_photo(above)
    assert caught.value.code == "image_too_complex"


def test_progressive_jpeg_with_many_segments_between_scans_is_accepted() -> None:
    below = padded.jpeg_with_comments_between_scans(count=jpeg.MAX_MARKERS - 50)
    above = padded.jpeg_with_comments_between_scans(count=jpeg.MAX_MARKERS + 1)

    assert inspect_photo(below).width == 16
    with pytest.raises(PhotoError) as caught:
        inspect_photo(above)
    assert caught.value.code == "image_too_complex"


def test_stray_bytes_within_the_limit_are_accepted_as_a_full_decode_does() -> None:
    data = padded.jpeg_with_stray_bytes(count=jpeg.MAX_STRAY_BYTES // 2)

    assert inspect_photo(data).width == 16
    assert make_rendition(data, 320)[1:] == (16, 16)


def test_fifteen_megabyte_png_written_in_8_kb_idat_chunks_is_accepted() -> None:
    """libpng's default: about 1,900 IDAT chunks in a 15 MB photo."""
    data = padded.png_with_idat_chunks_of(8192, 15_000_000)
    assert 1_800 < data.count(b"IDAT") < containers.MAX_PARTS

    assert inspect_photo(data).format == "PNG"


@pytest.mark.parametrize(
    ("make", "fmt"),
    [
        (lambda n: padded.png_with_chunks(count=n), "PNG"),
        (lambda n: padded.png_with_chunks(count=n, kind=b"IDAT"), "PNG"),
        (lambda n: padded.webp_with_chunks(count=n), "WEBP"),
        (lambda n: padded.heif_with_boxes(count=n), "HEIF"),
    ],
    ids=["png-chunks", "png-idat", "webp", "heif"],
)
def test_containers_with_many_parts_within_the_limit_are_accepted(make, fmt: str) -> None:
    assert inspect_photo(make(containers.MAX_PARTS - 100)).format == fmt
    with pytest.raises(PhotoError) as caught:
        inspect_photo(make(containers.MAX_PARTS + 1))
    assert caught.value.code == "image_too_complex"
