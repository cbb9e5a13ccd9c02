"""Tests for backend.media.images against real camera/phone files.

The sample photos live in tests/fixtures/photos (see ATTRIBUTION.md there). Facts about them
that the expectations below rely on, checked by reading their EXIF by hand:

* DSCN0010.jpg / DSCN0021.jpg: GPS IFD with GPSLatitudeRef "N", GPSLongitudeRef "E" and
  degree/minute/second rationals 43/1 28/1 281400000/100000000 and 11/1 53/1
  645599999/100000000 (DSCN0010), 43/1 28/1 149399999/100000000 and 11/1 53/1
  433799999/100000000 (DSCN0021), i.e. Tuscany, Italy.
* Canon_40D.jpg: its GPS IFD only holds GPSVersionID 2.2.0.0, no coordinates.
* image01137.jpg: no EXIF segment at all, its APP1 segment is XMP only.
* 35-empty.jpg: EXIF with blank-padded strings and a 0/0 DigitalZoomRatio, but a valid
  DateTimeOriginal.
* landscape_6.jpg is stored 450x600 with Orientation 6, portrait_8.jpg 600x450 with
  Orientation 8; both embed Apple's "Generic RGB Profile" (gamma 1.8) ICC profile.
"""

from __future__ import annotations

import functools
import hashlib
import io
import random
import struct
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageFile, ImageStat, JpegImagePlugin

from backend.media.images import (
    RENDITIONS,
    Limits,
    PhotoError,
    inspect_photo,
    make_rendition,
)
from tests.backend.media import said

PHOTOS = Path(__file__).resolve().parents[2] / "fixtures" / "photos"
SAMPLES = sorted(p.name for p in PHOTOS.iterdir() if p.suffix in (".jpg", ".heif"))
GPS = ExifTags.GPS


def photo(name: str) -> bytes:
    return (PHOTOS / name).read_bytes()


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def reopen(jpeg: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(jpeg))
    img.load()
    return img


def mean_abs_diff(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute per-channel difference of two same-sized images (0-255)."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def png(width: int, height: int, idat: bytes) -> bytes:
    """A hand-built 8-bit greyscale PNG whose header claims ``width`` x ``height``."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def jpeg_with_exif(exif: Image.Exif | bytes, size: tuple[int, int] = (40, 30)) -> bytes:
    return encode(Image.new("RGB", size, "green"), "JPEG", exif=exif)


def gps_exif(entries: dict[int, object]) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(entries)
    return exif


def raw_gps_exif(entries: list[tuple[int, int, int, bytes]]) -> bytes:
    """An EXIF blob written byte by byte, so GPS entries can have any (wrong) TIFF type.

    ``entries`` are (tag, TIFF type, count, little-endian payload).
    """
    gps_offset = 8 + 2 + 12 + 4  # TIFF header, then IFD0 with its single GPS pointer
    data_offset = gps_offset + 2 + 12 * len(entries) + 4
    table = data = b""
    for tag, kind, count, payload in entries:
        if len(payload) <= 4:
            table += struct.pack("<HHI", tag, kind, count) + payload.ljust(4, b"\0")
        else:
            table += struct.pack("<HHII", tag, kind, count, data_offset + len(data))
            data += payload
    ifd0 = struct.pack("<HHHIII", 1, 0x8825, 4, 1, gps_offset, 0)
    gps = struct.pack("<H", len(entries)) + table + struct.pack("<I", 0)
    return b"Exif\0\0II*\0" + struct.pack("<I", 8) + ifd0 + gps + data


def rationals(*pairs: tuple[int, int]) -> bytes:
    return b"".join(struct.pack("<II", num, den) for num, den in pairs)


HANOI_ENTRIES = [
    (GPS.GPSLatitudeRef, 2, 2, b"N\0"),
    (GPS.GPSLatitude, 5, 3, rationals((21, 1), (1, 1), (425, 10))),
    (GPS.GPSLongitudeRef, 2, 2, b"E\0"),
    (GPS.GPSLongitude, 5, 3, rationals((105, 1), (51, 1), (15, 1))),
]


# --- real samples: what inspect_photo reports -------------------------------------------


@pytest.mark.parametrize(
    ("name", "lat", "lng", "taken_at"),
    [
        # 43 + 28/60 + 2.814/3600, 11 + 53/60 + 6.45599999/3600
        ("DSCN0010.jpg", 43.4674483, 11.8851267, datetime(2008, 10, 22, 16, 28, 39)),
        # 43 + 28/60 + 1.49399999/3600, 11 + 53/60 + 4.33799999/3600
        ("DSCN0021.jpg", 43.4670817, 11.8845383, datetime(2008, 10, 22, 16, 38, 20)),
    ],
)
def test_gps_and_capture_time_of_nikon_photos(
    name: str, lat: float, lng: float, taken_at: datetime
) -> None:
    info = inspect_photo(photo(name))

    assert info.gps == (pytest.approx(lat, abs=1e-6), pytest.approx(lng, abs=1e-6))
    # DateTimeOriginal, not the later IFD0 DateTime written by "Nikon Transfer".
    assert info.taken_at == taken_at


def test_basic_facts_of_a_jpeg() -> None:
    data = photo("DSCN0010.jpg")

    info = inspect_photo(data)

    assert (info.format, info.mime) == ("JPEG", "image/jpeg")
    assert (info.width, info.height) == (640, 480)
    assert info.sha256 == hashlib.sha256(data).hexdigest()


def test_canon_gps_block_without_coordinates_gives_no_position() -> None:
    info = inspect_photo(photo("Canon_40D.jpg"))

    assert info.gps is None
    assert info.taken_at == datetime(2008, 5, 30, 15, 56, 1)
    assert (info.width, info.height) == (100, 68)


@pytest.mark.parametrize(
    ("name", "size"),
    [("landscape_6.jpg", (600, 450)), ("portrait_8.jpg", (450, 600))],
)
def test_size_is_reported_as_displayed_after_exif_orientation(
    name: str, size: tuple[int, int]
) -> None:
    with Image.open(PHOTOS / name) as raw:
        assert raw.size == size[::-1]  # stored sideways

    info = inspect_photo(photo(name))

    assert (info.width, info.height) == size


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize(
    ("name", "size", "taken_at"),
    [
        ("image01137.jpg", (88, 64), None),
        ("35-empty.jpg", (2164, 1626), datetime(2005, 7, 19, 18, 25, 29)),
    ],
)
def test_odd_exif_samples_are_accepted_without_position(
    name: str, size: tuple[int, int], taken_at: datetime | None
) -> None:
    data = photo(name)

    info = inspect_photo(data)

    assert info.gps is None
    assert (info.width, info.height) == size
    assert info.taken_at == taken_at
    for max_side in RENDITIONS.values():
        jpeg, width, height = make_rendition(data, max_side)
        assert reopen(jpeg).size == (width, height)


def test_heif_photo_is_recognised_and_rendered_as_jpeg() -> None:
    data = photo("samplefilehub.heif")

    info = inspect_photo(data)
    jpeg, width, height = make_rendition(data, RENDITIONS["thumb"])

    assert (info.format, info.mime) == ("HEIF", "image/heif")
    assert (info.width, info.height) == (640, 426)
    rendition = reopen(jpeg)
    assert rendition.format == "JPEG"
    assert rendition.size == (width, height) == (320, 213)


# --- real samples: renditions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rendition", "size"),
    [("display", (1280, 960)), ("thumb", (320, 240))],
)
def test_phone_photo_is_scaled_to_rendition_size(rendition: str, size: tuple[int, int]) -> None:
    jpeg, width, height = make_rendition(photo("jolla.jpg"), RENDITIONS[rendition])

    assert (width, height) == size
    assert reopen(jpeg).size == size


def test_large_jpeg_is_decoded_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded_sizes: list[tuple[int, int]] = []
    load = JpegImagePlugin.JpegImageFile.load

    def spying_load(self: JpegImagePlugin.JpegImageFile) -> object:
        decoded_sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spying_load)

    make_rendition(photo("jolla.jpg"), RENDITIONS["thumb"])

    # libjpeg scales by 1/2, 1/4 or 1/8 while decoding: 3264x2448 / 4 still covers 320 px.
    assert decoded_sizes[0] == (816, 612)


def test_small_photo_is_never_upscaled() -> None:
    jpeg, width, height = make_rendition(photo("Canon_40D.jpg"), RENDITIONS["display"])

    assert (width, height) == (100, 68)
    assert reopen(jpeg).size == (100, 68)


@pytest.mark.parametrize(
    ("name", "upright", "wrong_way"),
    [
        # Orientation 6: stored rotated, display by turning 90 degrees clockwise.
        ("landscape_6.jpg", Image.Transpose.ROTATE_270, Image.Transpose.ROTATE_90),
        # Orientation 8: display by turning 90 degrees counter-clockwise.
        ("portrait_8.jpg", Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270),
    ],
)
def test_rendition_is_rotated_upright(
    name: str, upright: Image.Transpose, wrong_way: Image.Transpose
) -> None:
    jpeg, width, height = make_rendition(photo(name), RENDITIONS["thumb"])
    rendition = reopen(jpeg)
    with Image.open(PHOTOS / name) as raw:
        stored = raw.convert("RGB")  # pixels exactly as stored, orientation ignored

    def expected(transpose: Image.Transpose) -> Image.Image:
        return stored.transpose(transpose).resize((width, height), Image.Resampling.LANCZOS)

    assert max(width, height) == RENDITIONS["thumb"]
    right = mean_abs_diff(rendition, expected(upright))
    wrong = mean_abs_diff(rendition, expected(wrong_way))
    assert right < wrong / 3, (right, wrong)


def test_colours_are_converted_to_srgb_before_the_profile_is_dropped() -> None:
    data = photo("landscape_6.jpg")
    jpeg, width, height = make_rendition(data, RENDITIONS["thumb"])
    rendition = reopen(jpeg)
    with Image.open(io.BytesIO(data)) as raw:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(raw.info["icc_profile"]))
        stored = raw.transpose(Image.Transpose.ROTATE_270).convert("RGB")
    srgb = ImageCms.profileToProfile(stored, profile, ImageCms.createProfile("sRGB"))
    assert srgb is not None

    def scaled(img: Image.Image) -> Image.Image:
        return img.resize((width, height), Image.Resampling.LANCZOS)

    # Gamma 1.8 "Generic RGB" pixels shown as sRGB would look visibly darker.
    assert mean_abs_diff(rendition, scaled(srgb)) < mean_abs_diff(rendition, scaled(stored)) / 2


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@pytest.mark.parametrize("rendition", sorted(RENDITIONS))
@pytest.mark.parametrize("name", SAMPLES)
def test_renditions_carry_no_metadata(name: str, rendition: str) -> None:
    jpeg, width, height = make_rendition(photo(name), RENDITIONS[rendition])

    img = reopen(jpeg)
    assert img.format == "JPEG"
    assert img.size == (width, height)
    assert max(width, height) <= RENDITIONS[rendition]
    assert img.mode == "RGB"
    assert img.info.get("progressive")
    assert not img.getexif()
    assert not img.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert {"exif", "icc_profile", "xmp", "comment"}.isdisjoint(img.info)
    for marker in (b"Exif\0\0", b"ICC_PROFILE\0", b"http://ns.adobe.com/xap/"):
        assert marker not in jpeg


# --- crafted images ---------------------------------------------------------------------


def test_png_and_webp_are_accepted() -> None:
    picture = Image.new("RGB", (30, 20), "blue")

    png_info = inspect_photo(encode(picture, "PNG"))
    webp_info = inspect_photo(encode(picture, "WEBP"))

    assert (png_info.format, png_info.mime, png_info.width) == ("PNG", "image/png", 30)
    assert (webp_info.format, webp_info.mime, webp_info.height) == ("WEBP", "image/webp", 20)


def test_multi_picture_jpeg_from_phones_counts_as_jpeg() -> None:
    second = Image.new("RGB", (64, 48), "blue")
    data = encode(Image.new("RGB", (64, 48), "red"), "MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "MPO"

    info = inspect_photo(data)
    jpeg, width, height = make_rendition(data, 32)

    assert (info.format, info.mime) == ("JPEG", "image/jpeg")
    assert (width, height) == (32, 24)
    assert reopen(jpeg).getpixel((16, 12))[0] > 200  # the first (red) picture


def test_comment_xmp_and_gps_of_the_source_do_not_reach_the_rendition() -> None:
    exif = gps_exif(
        {
            GPS.GPSLatitudeRef: "N",
            GPS.GPSLatitude: (21.0, 1.0, 42.5),
            GPS.GPSLongitudeRef: "E",
            GPS.GPSLongitude: (105.0, 51.0, 15.0),
        }
    )
    data = encode(
        Image.new("RGB", (40, 30), "green"),
        "JPEG",
        exif=exif,
        comment=b"home address",
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>",
    )
    assert inspect_photo(data).gps is not None

    jpeg, _, _ = make_rendition(data, 20)

    assert b"home address" not in jpeg
    assert {"exif", "xmp", "comment"}.isdisjoint(reopen(jpeg).info)


def test_transparency_is_flattened_on_white() -> None:
    picture = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    picture.paste((200, 0, 0, 255), (0, 0, 20, 40))
    jpeg, _, _ = make_rendition(encode(picture, "PNG"), 40)

    rendition = reopen(jpeg)

    assert all(channel > 245 for channel in rendition.getpixel((35, 20)))
    red, green, blue = rendition.getpixel((5, 20))
    assert red > 180 and green < 40 and blue < 40


def test_sixteen_bit_greyscale_png_keeps_its_tones() -> None:
    picture = Image.new("I;16", (256, 16))
    picture.putdata([x * 256 for x in range(256)] * 16)  # black to white ramp
    jpeg, _, _ = make_rendition(encode(picture, "PNG"), 256)

    rendition = reopen(jpeg)

    assert rendition.getpixel((5, 8))[0] < 20
    assert 100 < rendition.getpixel((128, 8))[0] < 156
    assert rendition.getpixel((250, 8))[0] > 235


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param(
            {
                GPS.GPSLatitudeRef: "N",
                GPS.GPSLatitude: (21.0, 1.0, 42.5),
                GPS.GPSLongitudeRef: "E",
                GPS.GPSLongitude: (105.0, 51.0, 15.0),
            },
            (21.0284722, 105.8541667),
            id="hanoi",
        ),
        pytest.param(
            {
                GPS.GPSLatitudeRef: "S",
                GPS.GPSLatitude: (33.0, 52.0, 4.0),
                GPS.GPSLongitudeRef: "W",
                GPS.GPSLongitude: (70.0, 40.0, 12.0),
            },
            (-33.8677778, -70.67),
            id="south-west",
        ),
        pytest.param(
            {
                GPS.GPSLatitudeRef: "N",
                GPS.GPSLatitude: 10.7769,
                GPS.GPSLongitudeRef: "E",
                GPS.GPSLongitude: 106.7009,
            },
            (10.7769, 106.7009),
            id="decimal-degrees",
        ),
        pytest.param(
            {
                GPS.GPSLatitudeRef: "N",
                GPS.GPSLatitude: (0.0, 0.0, 0.0),
                GPS.GPSLongitudeRef: "E",
                GPS.GPSLongitude: (0.0, 0.0, 0.0),
            },
            None,
            id="zeros",
        ),
        pytest.param(
            {
                GPS.GPSLatitudeRef: "N",
                GPS.GPSLatitude: (95.0, 0.0, 0.0),
                GPS.GPSLongitudeRef: "E",
                GPS.GPSLongitude: (105.0, 0.0, 0.0),
            },
            None,
            id="latitude-out-of-range",
        ),
        pytest.param(
            {GPS.GPSLatitude: (21.0, 1.0, 42.5), GPS.GPSLongitude: (105.0, 51.0, 15.0)},
            None,
            id="no-hemisphere",
        ),
        pytest.param(
            {
                GPS.GPSLatitudeRef: "",
                GPS.GPSLatitude: (21.0, 1.0, 42.5),
                GPS.GPSLongitudeRef: "",
                GPS.GPSLongitude: (105.0, 51.0, 15.0),
            },
            None,
            id="empty-hemisphere",
        ),
        pytest.param({GPS.GPSLatitudeRef: "N", GPS.GPSLongitudeRef: "E"}, None, id="no-values"),
    ],
)
def test_gps_from_crafted_exif(
    entries: dict[int, object], expected: tuple[float, float] | None
) -> None:
    info = inspect_photo(jpeg_with_exif(gps_exif(entries)))

    if expected is None:
        assert info.gps is None
    else:
        assert info.gps == (pytest.approx(expected[0]), pytest.approx(expected[1]))


def test_hand_written_gps_exif_is_read() -> None:
    info = inspect_photo(jpeg_with_exif(raw_gps_exif(HANOI_ENTRIES)))

    assert info.gps == (pytest.approx(21.0284722), pytest.approx(105.8541667))


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "replace",
    [
        pytest.param({1: (GPS.GPSLatitude, 2, 4, b"abc\0")}, id="latitude-as-text"),
        pytest.param(
            {1: (GPS.GPSLatitude, 5, 3, rationals((21, 0), (1, 1), (425, 10)))},
            id="zero-denominator",
        ),
        pytest.param(
            {1: (GPS.GPSLatitude, 5, 4, rationals((21, 1), (1, 1), (1, 1), (1, 1)))},
            id="four-components",
        ),
        pytest.param({0: (GPS.GPSLatitudeRef, 3, 1, b"\x4e\0")}, id="hemisphere-as-number"),
        pytest.param(
            {3: (GPS.GPSLongitude, 5, 3, rationals((105, 1)))},
            id="value-cut-short",
        ),
    ],
)
def test_malformed_gps_fields_give_no_position(replace: dict[int, tuple]) -> None:
    entries = [replace.get(i, entry) for i, entry in enumerate(HANOI_ENTRIES)]
    data = jpeg_with_exif(raw_gps_exif(entries))

    assert inspect_photo(data).gps is None
    make_rendition(data, 20)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(
    "exif",
    [
        pytest.param(b"Exif\0\0II*\0\x08\0\0\0\xff\xff", id="ifd-runs-off-the-end"),
        pytest.param(b"Exif\0\0XX*\0\x08\0\0\0", id="bad-byte-order"),
        pytest.param(b"Exif\0\0II*\0\xff\xff\0\0", id="ifd-offset-outside"),
        pytest.param(raw_gps_exif(HANOI_ENTRIES)[:40], id="gps-ifd-cut-off"),
        pytest.param(
            b"Exif\0\0II*\0" + struct.pack("<IHHHIiI", 8, 1, 0x8825, 9, 1, -1, 0),
            id="negative-gps-pointer",
        ),
    ],
)
def test_corrupt_exif_does_not_break_the_upload(exif: bytes, fmt: str) -> None:
    data = encode(Image.new("RGB", (40, 30), "green"), fmt, exif=exif)

    info = inspect_photo(data)
    jpeg, width, height = make_rendition(data, 20)

    assert (info.format, info.gps, info.taken_at) == (fmt, None, None)
    assert (info.width, info.height) == (40, 30)
    assert (width, height) == (20, 15)
    assert not reopen(jpeg).getexif()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024:03:05 07:08:09", datetime(2024, 3, 5, 7, 8, 9)),
        ("2024:03:05 07:08:09\0", datetime(2024, 3, 5, 7, 8, 9)),
        ("", None),
        ("    :  :     :  :  ", None),
        ("0000:00:00 00:00:00", None),
        ("2024:13:45 99:00:00", None),
        ("yesterday", None),
    ],
)
def test_capture_time_from_crafted_exif(value: str, expected: datetime | None) -> None:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = value

    assert inspect_photo(jpeg_with_exif(exif)).taken_at == expected


@pytest.mark.parametrize(("orientation", "size"), [(0, (40, 30)), (9, (40, 30)), (6, (30, 40))])
def test_out_of_range_orientation_is_ignored(orientation: int, size: tuple[int, int]) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    data = jpeg_with_exif(exif)

    info = inspect_photo(data)
    _, width, height = make_rendition(data, 100)

    assert (info.width, info.height) == (width, height) == size


# --- rejected uploads -------------------------------------------------------------------


def first_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def corrupt_middle(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + b"\xff" * 2000 + data[middle + 2000 :]


BAD_INPUTS: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty", lambda: b"", "empty_file"),
    ("text", lambda: "Đường Lê Lợi bị ngập.\n".encode() * 40, "not_an_image"),
    (
        "pdf",
        lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "not_an_image",
    ),
    ("heif-header-only", lambda: photo("samplefilehub.heif")[:200], "not_an_image"),
    ("jpeg-first-half", lambda: first_half(photo("DSCN0010.jpg")), "image_truncated"),
    ("jpeg-header-only", lambda: photo("DSCN0010.jpg")[:2000], "image_truncated"),
    ("jpeg-corrupt-middle", lambda: corrupt_middle(photo("DSCN0010.jpg")), "image_truncated"),
    ("heif-truncated", lambda: photo("samplefilehub.heif")[:-500], "image_truncated"),
    (
        "png-truncated",
        lambda: encode(Image.effect_noise((200, 200), 60), "PNG")[:20_000],
        "image_truncated",
    ),
    (
        "webp-truncated",
        lambda: encode(Image.effect_noise((200, 200), 60).convert("RGB"), "WEBP")[:3000],
        "image_truncated",
    ),
    ("gif", lambda: encode(Image.new("P", (10, 10)), "GIF"), "unsupported_image_format"),
    ("bmp", lambda: encode(Image.new("RGB", (10, 10)), "BMP"), "unsupported_image_format"),
    ("tiff", lambda: encode(Image.new("RGB", (10, 10)), "TIFF"), "unsupported_image_format"),
    # Header claims 20000 x 20000 (400 MP): Pillow itself refuses to open it.
    ("png-bomb-400mp", lambda: png(20_000, 20_000, zlib.compress(b"")), "image_too_many_pixels"),
    # 64 MP with garbage pixel data: rejected from the header, as decoding would fail.
    ("png-64mp-header", lambda: png(8000, 8000, b"garbage"), "image_too_many_pixels"),
]


@pytest.mark.parametrize(
    ("make", "code"),
    [pytest.param(make, code, id=name) for name, make, code in BAD_INPUTS],
)
def test_bad_upload_is_rejected_with_reason(make: Callable[[], bytes], code: str) -> None:
    with pytest.raises(PhotoError) as caught:
        inspect_photo(make())

    error = caught.value
    assert error.code == code
    assert said(error, "en")
    assert said(error, "vi")
    assert unicodedata.is_normalized("NFC", said(error, "vi"))
    assert not said(error, "vi").isascii()  # real Vietnamese, with diacritics


def test_valid_decompression_bomb_is_refused_by_the_pixel_limit() -> None:
    rows = b"".join(b"\0" + bytes(3000) for _ in range(3000))
    bomb = png(3000, 3000, zlib.compress(rows, 9))  # 9 MP of black in a few kB
    assert len(bomb) < 20_000

    assert inspect_photo(bomb).width == 3000
    with pytest.raises(PhotoError) as caught:
        inspect_photo(bomb, Limits(max_pixels=1_000_000))
    assert caught.value.code == "image_too_many_pixels"


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillow_bomb_warning_raised_as_error_is_reported_as_too_many_pixels() -> None:
    # 100 MP is above Pillow's own warning threshold (about 89 MP) but below Limits here.
    data = png(10_000, 10_000, b"garbage")

    with pytest.raises(PhotoError) as caught:
        inspect_photo(data, Limits(max_pixels=10**9))
    assert caught.value.code == "image_too_many_pixels"


def test_pixel_limit_is_inclusive() -> None:
    data = photo("DSCN0010.jpg")

    assert inspect_photo(data, Limits(max_pixels=640 * 480)).width == 640
    with pytest.raises(PhotoError) as caught:
        inspect_photo(data, Limits(max_pixels=640 * 480 - 1))
    assert caught.value.code == "image_too_many_pixels"


def test_byte_limit() -> None:
    data = photo("DSCN0010.jpg")

    assert inspect_photo(data, Limits(max_bytes=len(data))).sha256
    with pytest.raises(PhotoError) as caught:
        inspect_photo(data, Limits(max_bytes=len(data) - 1))
    assert caught.value.code == "image_too_large_bytes"
    with pytest.raises(PhotoError) as caught:
        inspect_photo(b"\xff\xd8" + bytes(15 * 1024 * 1024))
    assert caught.value.code == "image_too_large_bytes"
    assert "15 MB" in said(caught.value, "vi")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"just text", "not_an_image"),
        (first_half(photo("DSCN0010.jpg")), "image_truncated"),
    ],
)
def test_rendition_of_bad_data_raises_photo_error(data: bytes, code: str) -> None:
    with pytest.raises(PhotoError) as caught:
        make_rendition(data, 100)
    assert caught.value.code == code


def test_refuses_to_validate_when_truncated_images_are_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(RuntimeError):
        inspect_photo(first_half(photo("DSCN0010.jpg")))


@pytest.mark.parametrize(("max_side", "quality"), [(0, 82), (100, 0), (100, 96)])
def test_rendition_arguments_are_checked(max_side: int, quality: int) -> None:
    with pytest.raises(ValueError):
        make_rendition(photo("Canon_40D.jpg"), max_side, quality)


# --- validation without a full decode ---------------------------------------------------


def decode_sizes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Record the size at which every JPEG (or MPO) is decoded from now on."""
    sizes: list[tuple[int, int]] = []
    load = JpegImagePlugin.JpegImageFile.load

    def spying_load(self: JpegImagePlugin.JpegImageFile) -> object:
        sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spying_load)
    return sizes


@functools.cache
def twelve_megapixels(**params: object) -> bytes:
    """A 4000x3000 JPEG with detail everywhere, as a phone camera makes them."""
    channels = [
        Image.linear_gradient("L"),
        Image.radial_gradient("L"),
        Image.effect_noise((256, 256), 40),
    ]
    picture = Image.merge("RGB", channels).resize((4000, 3000), Image.Resampling.BILINEAR)
    return encode(picture, "JPEG", quality=90, **params)


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="baseline"),
        pytest.param({"restart_marker_rows": 2}, id="restart-markers"),
        pytest.param({"subsampling": 0}, id="no-chroma-subsampling"),
        pytest.param({"progressive": True}, id="progressive"),
    ],
)
def test_twelve_megapixel_jpeg_is_validated_without_a_full_decode(
    params: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = twelve_megapixels(**params)
    if "restart_marker_rows" in params:
        assert b"\xff\xdd" in data  # a DRI segment: the scan has restart markers
    sizes = decode_sizes(monkeypatch)

    info = inspect_photo(data)

    assert (info.width, info.height) == (4000, 3000)
    # libjpeg decodes at 1/8 scale (500x375) at most, never the 12 million pixels.
    assert all(width * height <= 500 * 375 for width, height in sizes), sizes


@pytest.mark.parametrize(
    ("rendition", "decoded"), [("display", (2000, 1500)), ("thumb", (500, 375))]
)
def test_twelve_megapixel_renditions_are_decoded_at_reduced_scale(
    rendition: str, decoded: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = twelve_megapixels()
    sizes = decode_sizes(monkeypatch)

    _, width, height = make_rendition(data, RENDITIONS[rendition])

    # The largest libjpeg scale (1/2, 1/4 or 1/8) that still covers the rendition.
    assert sizes[0] == decoded
    assert max(width, height) == RENDITIONS[rendition]


@pytest.mark.parametrize("cut", [0.3, 0.9, 0.9999])
@pytest.mark.parametrize("progressive", [False, True])
def test_truncated_twelve_megapixel_jpeg_is_rejected(cut: float, progressive: bool) -> None:
    data = twelve_megapixels(progressive=progressive, restart_marker_rows=4)

    with pytest.raises(PhotoError) as caught:
        inspect_photo(data[: int(len(data) * cut)])
    assert caught.value.code == "image_truncated"


def fully_decodes(data: bytes) -> bool:
    """The reference: Pillow opens the file and decodes every pixel at full size."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > Limits().max_pixels:
                return False
            img.load()
    except Exception:  # anything Pillow raises on bad data
        return False
    return True


def accepted(data: bytes) -> bool:
    try:
        inspect_photo(data)
    except PhotoError:
        return False
    return True


def mutants(data: bytes, seed: int, count: int) -> Iterator[tuple[str, bytes]]:
    """Damaged copies of ``data``: what a bad upload, disk or encoder can do to a file."""
    rng = random.Random(seed)
    for _ in range(count):
        mutant = bytearray(data)
        kind = rng.choice(["overwrite", "marker", "delete", "insert", "truncate", "append"])
        at = rng.randrange(2, len(data) - 1)
        if kind == "overwrite":
            for _ in range(rng.randint(1, 20)):
                mutant[rng.randrange(2, len(data))] = rng.randrange(256)
        elif kind == "marker":
            mutant[at : at + 2] = bytes([0xFF, rng.randrange(256)])
        elif kind == "delete":
            del mutant[at : at + rng.randint(1, 64)]
        elif kind == "insert":
            mutant[at:at] = rng.randbytes(rng.randint(1, 64))
        elif kind == "truncate":
            del mutant[at:]
        else:
            mutant += rng.randbytes(rng.randint(1, 64))
        yield f"{kind}@{at}", bytes(mutant)


def noise_jpeg(**params: object) -> bytes:
    return encode(Image.effect_noise((300, 200), 60).convert("RGB"), "JPEG", **params)


JPEG_SOURCES: dict[str, Callable[[], bytes]] = {
    "nikon-with-exif-thumbnail": lambda: photo("DSCN0010.jpg"),
    "canon": lambda: photo("Canon_40D.jpg"),
    "restart-markers": lambda: noise_jpeg(restart_marker_blocks=5),
    "progressive": lambda: noise_jpeg(progressive=True),
    "greyscale": lambda: encode(Image.effect_noise((300, 200), 60), "JPEG"),
    "cmyk": lambda: encode(Image.effect_noise((120, 80), 60).convert("CMYK"), "JPEG"),
    "multi-picture": lambda: encode(
        Image.effect_noise((120, 80), 60).convert("RGB"),
        "MPO",
        save_all=True,
        append_images=[Image.new("RGB", (120, 80), "blue")],
    ),
}


@pytest.mark.filterwarnings("ignore::UserWarning")  # corrupt EXIF, decompression bombs
@pytest.mark.parametrize("source", sorted(JPEG_SOURCES))
def test_damaged_jpeg_is_accepted_exactly_when_a_full_decode_succeeds(source: str) -> None:
    data = JPEG_SOURCES[source]()
    assert accepted(data) and fully_decodes(data)

    mismatches = [
        (what, reference)
        for what, mutant in mutants(data, seed=sum(source.encode()), count=80)
        if accepted(mutant) != (reference := fully_decodes(mutant))
    ]

    assert not mismatches  # (mutation, what a full decode says): inspect_photo said otherwise
