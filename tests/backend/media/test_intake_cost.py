"""Intake checks a photo from its structure: no pixel is decoded before the rendition job.

A photo's cost at intake must follow the bytes received, not the pixels its header claims
(a 143 kB PNG can claim 49 million pixels). These tests prove "without decoding" by making
every Pillow decode fail while intake runs (:func:`no_decoding`), then check that what a full
decode used to catch is still caught: bombs, truncated, corrupt and padded files are refused,
and damage hidden inside an intact container is caught by the rendition, which raises.
"""

from __future__ import annotations

import contextlib
import functools
import io
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageFile, WebPImagePlugin
from pillow_heif.as_plugin import HeifImageFile

from backend.media.images import Limits, PhotoError, inspect_photo, make_rendition
from tests.backend.media import said

PHOTOS = Path(__file__).resolve().parents[2] / "fixtures" / "photos"
#: The largest picture libjpeg's header check decodes: one MCU (at most 32 x 32 pixels).
PROBE_PIXELS = 32 * 32


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@functools.cache
def flat_png(width: int, height: int, *, exif_after_data: bytes | None = None) -> bytes:
    """A valid, highly compressible 8-bit RGB PNG of ``width`` x ``height`` (grey)."""
    packer = zlib.compressobj(9)
    row = b"\0" + b"\x80" * (3 * width)
    stream = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = b"".join(chunk(b"IDAT", stream[i : i + 65536]) for i in range(0, len(stream), 65536))
    tail = chunk(b"eXIf", exif_after_data) if exif_after_data else b""
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + idat + tail + chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int, **params: object) -> bytes:
    """A small JPEG whose frame header is rewritten to claim ``width`` x ``height``."""
    data = bytearray(encode(Image.new("RGB", (64, 48), "teal"), "JPEG", **params))
    sof = max(data.find(b"\xff\xc0"), data.find(b"\xff\xc2"))
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_claiming(width: int, height: int) -> bytes:
    """A lossless WebP whose VP8L header is rewritten to claim ``width`` x ``height``."""
    data = bytearray(encode(Image.new("RGB", (64, 48), "teal"), "WEBP", lossless=True))
    assert data[12:16] == b"VP8L" and data[20] == 0x2F
    bits = int.from_bytes(data[21:25], "little")
    bits = (bits & ~((1 << 28) - 1)) | (width - 1) | ((height - 1) << 14)
    data[21:25] = bits.to_bytes(4, "little")
    return bytes(data)


def heif_claiming(width: int, height: int) -> bytes:
    """The sample HEIF with every image spatial extent (ispe) claiming ``width`` x ``height``."""
    data = bytearray((PHOTOS / "samplefilehub.heif").read_bytes())
    at = data.find(b"ispe")
    assert at > 0
    while at > 0:
        data[at + 8 : at + 16] = struct.pack(">II", width, height)
        at = data.find(b"ispe", at + 4)
    return bytes(data)


def decode_guard(
    patch: pytest.MonkeyPatch, active: Callable[[], bool]
) -> list[tuple[str, tuple[int, int]]]:
    """Make every Pillow decode of more than one MCU fail the test while ``active()``;
    returns the list of what was decoded meanwhile (name and size)."""
    decoded: list[tuple[str, tuple[int, int]]] = []

    def guard(original):
        def load(self: Image.Image, *args: object, **kwargs: object) -> object:
            if active():
                decoded.append((type(self).__name__, self.size))
                if self.width * self.height > PROBE_PIXELS:
                    pytest.fail(f"{type(self).__name__} {self.size} decoded during intake")
            return original(self, *args, **kwargs)

        return load

    for owner in (Image.Image, ImageFile.ImageFile, WebPImagePlugin.WebPImageFile):
        patch.setattr(owner, "load", guard(owner.__dict__.get("load", owner.load)))
    patch.setattr(HeifImageFile, "load", guard(HeifImageFile.load))
    return decoded


@contextlib.contextmanager
def no_decoding() -> Iterator[list[tuple[str, tuple[int, int]]]]:
    """Fail the test if any image larger than libjpeg's one-MCU header probe is decoded
    inside the block; yields what was decoded (name and size)."""
    with pytest.MonkeyPatch.context() as patch:
        yield decode_guard(patch, lambda: True)


# ---- bombs: refused from the header, before anything is decoded -------------------------

BOMBS = {
    "png-7072x7072": lambda: flat_png(7072, 7072),  # 50.01 MP, a few kB
    "png-20000x20000": lambda: flat_png(100, 100).replace(  # IHDR (and its CRC) rewritten
        chunk(b"IHDR", struct.pack(">IIBBBBB", 100, 100, 8, 2, 0, 0, 0)),
        chunk(b"IHDR", struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)),
    ),
    "jpeg-10000x10000": lambda: jpeg_claiming(10_000, 10_000),
    "jpeg-progressive-65000x65000": lambda: jpeg_claiming(65_000, 65_000, progressive=True),
    "webp-16000x16000": lambda: webp_claiming(16_000, 16_000),
    "heic-10000x10000": lambda: heif_claiming(10_000, 10_000),
}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("name", sorted(BOMBS))
def test_pixel_bomb_is_refused_without_being_decoded(name: str) -> None:
    data = BOMBS[name]()

    with no_decoding() as decoded, pytest.raises(PhotoError) as caught:
        inspect_photo(data)

    assert caught.value.code == "image_too_many_pixels"
    assert said(caught.value, "vi") and said(caught.value, "en")
    assert decoded == []  # not even a header probe


# ---- the largest accepted photos: checked without decoding, rendered by the job -----------


def test_7000x7000_png_is_accepted_without_decoding() -> None:
    data = flat_png(7000, 7000)
    assert len(data) < 200_000  # 49 MP in a few hundred kB

    with no_decoding() as decoded:
        info = inspect_photo(data)

    assert (info.format, info.width, info.height) == ("PNG", 7000, 7000)
    assert decoded == []


def test_7000x7000_png_is_decoded_by_its_rendition() -> None:
    jpeg, width, height = make_rendition(flat_png(7000, 7000), 320)

    assert (width, height) == (320, 320)
    assert Image.open(io.BytesIO(jpeg)).getpixel((10, 10))[0] in range(120, 137)


def test_limit_is_fifty_megapixels_inclusive() -> None:
    largest, too_large = flat_png(7071, 7071), flat_png(7072, 7072)
    with no_decoding():
        assert inspect_photo(largest).width == 7071  # 49,999,041 pixels
        with pytest.raises(PhotoError) as caught:
            inspect_photo(too_large)  # 50,013,184 pixels
    assert caught.value.code == "image_too_many_pixels"
    assert Limits().max_pixels == 50_000_000


@pytest.mark.parametrize(
    ("make", "side"),
    [
        pytest.param(lambda: jpeg_claiming(7000, 7000), 7000, id="baseline-jpeg"),
        pytest.param(
            lambda: jpeg_claiming(7000, 7000, progressive=True), 7000, id="progressive-jpeg"
        ),
        # WebP is weighed by its decoder's canvases: 12 MP is the largest it accepts.
        pytest.param(
            lambda: encode(Image.new("RGB", (3500, 3500), "teal"), "WEBP", method=0),
            3500,
            id="webp",
        ),
    ],
)
def test_large_photos_of_other_formats_are_checked_without_decoding(make, side) -> None:
    data = make()

    with no_decoding():  # at most libjpeg reading the headers of a one-MCU copy
        info = inspect_photo(data)

    assert (info.width, info.height) == (side, side)


def test_a_webp_is_weighed_by_what_its_decoder_holds() -> None:
    big = encode(Image.new("RGB", (4000, 4000), "teal"), "WEBP", method=0)
    with pytest.raises(PhotoError) as refused, no_decoding():
        inspect_photo(big)  # 16 MP: 256 MB of decoder canvases, over the 200 MB a photo
    assert refused.value.code == "image_too_many_pixels"


def test_exif_gps_after_the_png_image_data_is_read_without_decoding() -> None:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (10.0, 2.0, 2.4),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (105.0, 47.0, 16.8),
        }
    )
    data = flat_png(4000, 3000, exif_after_data=exif.tobytes())

    with no_decoding() as decoded:
        info = inspect_photo(data)

    assert info.gps == (pytest.approx(10.034), pytest.approx(105.788))
    assert decoded == []


# ---- incomplete, corrupt or padded files: refused at intake, still without decoding -------


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1 :]


def noise(fmt: str, **params: object) -> bytes:
    return encode(Image.effect_noise((400, 300), 60).convert("RGB"), fmt, **params)


HEIF = (PHOTOS / "samplefilehub.heif").read_bytes()
PNG_49MP = flat_png(7000, 7000)
HTML = b"<html><script>alert(document.cookie)</script></html>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(40)

REFUSED = {
    "png-cut-in-image-data": lambda: PNG_49MP[: len(PNG_49MP) // 2],
    "png-cut-before-iend": lambda: PNG_49MP[:-12],
    "png-cut-in-iend-crc": lambda: PNG_49MP[:-1],
    "png-byte-flipped-in-image-data": lambda: flip(PNG_49MP, len(PNG_49MP) // 2),
    "png-then-html": lambda: PNG_49MP + HTML,
    "png-then-zip": lambda: noise("PNG") + ZIP,
    "png-signature-then-html": lambda: b"\x89PNG\r\n\x1a\n" + HTML,
    "webp-cut": lambda: noise("WEBP")[:-100],
    "webp-lossless-cut": lambda: noise("WEBP", lossless=True)[:-1],
    "webp-then-html": lambda: noise("WEBP") + HTML,
    "heif-cut": lambda: HEIF[:-1],
    "heif-cut-in-half": lambda: HEIF[: len(HEIF) // 2],
    "heif-then-zip": lambda: HEIF + ZIP,
    "jpeg-progressive-cut": lambda: noise("JPEG", progressive=True)[:-3],
    "jpeg-progressive-cut-in-half": lambda: (lambda d: d[: len(d) // 2])(
        noise("JPEG", progressive=True)
    ),
    "jpeg-soi-then-html": lambda: b"\xff\xd8" + HTML,
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_incomplete_or_padded_file_is_refused_without_decoding(
    name: str,
) -> None:
    data = REFUSED[name]()

    with no_decoding(), pytest.raises(PhotoError) as caught:
        inspect_photo(data)

    assert caught.value.code in ("image_truncated", "not_an_image"), caught.value.code


def png_with_cut_stream() -> bytes:
    """Every chunk whole and its CRC right, but the zlib stream inside stops half-way."""
    whole = zlib.compress(b"".join(b"\0" + bytes(range(256)) * 3 for _ in range(300)))
    header = struct.pack(">IIBBBBB", 256, 300, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", whole[: len(whole) // 2])
        + chunk(b"IEND", b"")
    )


def test_damage_inside_an_intact_container_fails_the_rendition() -> None:
    """What only a decode can see is left to the rendition job, which raises (and the job
    marks the photo failed, never published: see tests/backend/services/)."""
    data = png_with_cut_stream()

    assert inspect_photo(data).width == 256  # the container is whole

    with pytest.raises(PhotoError) as caught:
        make_rendition(data, 320)
    assert caught.value.code == "image_truncated"


def test_rendition_checks_the_pixel_limit_before_decoding() -> None:
    with no_decoding() as decoded, pytest.raises(PhotoError) as caught:
        make_rendition(PNG_49MP, 320, limits=Limits(max_pixels=10_000_000))

    assert caught.value.code == "image_too_many_pixels"
    assert decoded == []
