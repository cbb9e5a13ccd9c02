"""A photo's EXIF block costs time in proportion to its bytes: a block larger than a JPEG
can carry is read as none (its IFDs could claim millions of values)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from backend.media import exif
from backend.media.images import inspect_photo


def _tiff_rational_bomb(size: int) -> bytes:
    """IFD0 -> Exif and GPS IFDs whose rational tags each claim the whole block."""
    data_at, count = 200, size // 8
    ifd0 = (
        struct.pack("<H", 2)
        + struct.pack("<HHLL", 34665, 4, 1, 100)
        + struct.pack("<HHLL", 34853, 4, 1, 150)
        + b"\0\0\0\0"
    )
    exif_ifd = struct.pack("<H", 1) + struct.pack("<HHLL", 0x829A, 5, count, data_at) + b"\0" * 4
    gps = (
        struct.pack("<H", 2)
        + struct.pack("<HHLL", 2, 5, count, data_at)
        + struct.pack("<HHLL", 4, 5, count, data_at)
        + b"\0\0\0\0"
    )
    block = bytearray(b"II*\x00" + struct.pack("<L", 8) + ifd0)
    block += b"\0" * (100 - len(block)) + exif_ifd
    block += b"\0" * (150 - len(block)) + gps
    block += b"\0" * (data_at - len(block))
    return bytes(block + struct.pack("<LL", 1, 1) * count)


def _png_with_exif(block: bytes) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "grey").save(buffer, "PNG")
    png = buffer.getvalue()
    chunk = b"eXIf" + block
    exif_chunk = struct.pack(">I", len(block)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    end = png.rindex(b"IEND") - 4
    return png[:end] + exif_chunk + png[end:]


def test_an_exif_block_larger_than_a_jpeg_can_carry_is_read_as_none(monkeypatch):
    calls = []
    real = exif._ifd
    monkeypatch.setattr(exif, "_ifd", lambda *a: calls.append(a) or real(*a))
    photo = _png_with_exif(_tiff_rational_bomb(2_000_000))
    info = inspect_photo(photo)
    assert info.gps is None and info.taken_at is None
    assert all(found is None for found, _ in calls)  # nothing of the block was parsed


def test_an_ordinary_exif_block_is_still_read():
    small = _png_with_exif(_tiff_rational_bomb(4_000))  # 4 kB: parsed as usual
    assert len(small) < exif.MAX_EXIF_BYTES
    inspect_photo(small)  # nothing to locate (the GPS refs are missing) but no error
