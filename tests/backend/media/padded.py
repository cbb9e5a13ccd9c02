"""Photos padded with millions of empty segments, chunks or boxes (phananh issue 10).

Each file is valid, small in pixels and a few MB to 14 MB in bytes: what costs is the number
of parts its structure holds, each of which a checker written in Python would visit. Used
by the tests of the part limits and by bench/photo_intake.py.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zlib
from pathlib import Path

from PIL import Image

PHOTOS = Path(__file__).resolve().parents[2] / "fixtures" / "photos"


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + body))
    return struct.pack(">I", len(body)) + kind + body + crc


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


@functools.cache
def small_jpeg(progressive: bool = False) -> bytes:
    return encode(Image.effect_noise((16, 16), 60).convert("RGB"), "JPEG", progressive=progressive)


@functools.cache
def jpeg_with_comments(count: int = 3_500_000, progressive: bool = False) -> bytes:
    """The tester's file: a 16x16 JPEG with ``count`` empty comment segments before its first
    quantisation table (3.5 million: 14 MB)."""
    data = small_jpeg(progressive)
    at = data.find(b"\xff\xdb")
    return data[:at] + b"\xff\xfe\x00\x02" * count + data[at:]


@functools.cache
def jpeg_with_comments_between_scans(count: int = 3_500_000) -> bytes:
    """A progressive 16x16 JPEG with ``count`` empty comments after its first scan, where
    Pillow's opener never looks but libjpeg (and the structure check) read them."""
    data = small_jpeg(progressive=True)
    first_scan = data.find(b"\xff\xda")
    at = data.find(b"\xff\xc4", first_scan)  # the next scan's Huffman table
    if at < 0:
        at = data.find(b"\xff\xda", first_scan + 2)
    return data[:at] + b"\xff\xfe\x00\x02" * count + data[at:]


@functools.cache
def jpeg_with_stray_bytes(count: int = 14_000_000) -> bytes:
    """A 16x16 JPEG with ``count`` zero bytes between two header segments: libjpeg skips
    them with a warning, Pillow's opener one byte at a time."""
    data = small_jpeg()
    at = data.find(b"\xff\xdb")
    return data[:at] + bytes(count) + data[at:]


@functools.cache
def small_png() -> bytes:
    return encode(Image.effect_noise((8, 8), 60).convert("RGB"), "PNG")


@functools.cache
def png_with_chunks(count: int = 1_200_000, kind: bytes = b"teSt") -> bytes:
    """The tester's file: an 8x8 PNG with ``count`` empty ``kind`` chunks before its image
    data (1.2 million ancillary ``teSt`` chunks: 14 MB). With ``kind=b"IDAT"`` they are empty
    image data chunks, which a decoder concatenates to nothing."""
    data = small_png()
    at = data.find(b"IDAT") - 4
    return data[:at] + png_chunk(kind, b"") * count + data[at:]


@functools.cache
def png_with_idat_chunks_of(size: int, total: int) -> bytes:
    """A PNG of about ``total`` bytes of noise (incompressible, like a photo) whose image data
    is split into IDAT chunks of ``size`` bytes, as libpng writes them by default (8 kB)."""
    side = int((total / 3) ** 0.5)
    pixels = random.Random(10).randbytes(3 * side * side)
    rows = b"".join(b"\0" + pixels[row * 3 * side : (row + 1) * 3 * side] for row in range(side))
    stream = zlib.compress(rows, 1)
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    idat = b"".join(png_chunk(b"IDAT", stream[i : i + size]) for i in range(0, len(stream), size))
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + idat + png_chunk(b"IEND", b"")


@functools.cache
def webp_with_chunks(count: int = 1_750_000) -> bytes:
    """An extended-format (VP8X) 8x8 WebP with ``count`` empty unknown chunks before its
    image data (14 MB)."""
    simple = encode(Image.effect_noise((8, 8), 60).convert("RGB"), "WEBP", lossless=True)
    image = simple[12:]  # the VP8L chunk
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes(4) + (7).to_bytes(3, "little") * 2
    body = b"WEBP" + vp8x + b"teSt\x00\x00\x00\x00" * count + image
    return b"RIFF" + struct.pack("<I", len(body)) + body


@functools.cache
def heif_with_boxes(count: int = 1_750_000) -> bytes:
    """The sample HEIF followed by ``count`` empty ``free`` boxes at the top level (14 MB)."""
    return (PHOTOS / "samplefilehub.heif").read_bytes() + b"\x00\x00\x00\x08free" * count


@functools.cache
def heif_with_extents(count: int = 3_000_000) -> bytes:
    """A HEIF-shaped file whose iloc box lists ``count`` extents of four bytes each (12 MB):
    46 items of 65,535 extents, every one inside the file."""
    per_item = 65_535
    items = -(-count // per_item)
    entries = []
    for item in range(items):
        extents = min(per_item, count - item * per_item)
        entries.append(struct.pack(">HHHH", item + 1, 0, 0, extents) + bytes(4) * extents)
    iloc = bytes([1, 0, 0, 0, 0x40, 0]) + struct.pack(">H", items) + b"".join(entries)
    ftyp = box(b"ftyp", b"heic" + bytes(4) + b"mif1heic")
    return ftyp + box(b"meta", bytes(4) + box(b"iloc", iloc))


@functools.cache
def png_of_zeros(width: int, height: int, depth: int = 16, colour: int = 6) -> bytes:
    """A PNG of ``width`` x ``height`` zero samples (16-bit RGBA by default: 8 bytes a
    pixel once decoded; 7000x7000 compress to 381 kB)."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    row = bytes(1 + width * channels * depth // 8)
    packer = zlib.compressobj(9)
    stream = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + b"".join(png_chunk(b"IDAT", stream[i : i + 65536]) for i in range(0, len(stream), 65536))
        + png_chunk(b"IEND", b"")
    )
