"""Structural proof that a PNG, WebP or HEIF upload is complete, without decoding pixels.

Pure: no Flask, no database, no Pillow. Each check reads the container (chunks or boxes),
their declared lengths and, for PNG, their CRCs, at a cost proportional to the bytes of
the file, never to the pixels its header claims. A file cut short, corrupted in transit,
padded with something else (a document appended to an image) or made of boxes that do not
add up is refused here; damage *inside* a compressed bitstream that the container cannot
reveal is left to the rendition job, which decodes the photo and marks it failed when the
decode fails (see :func:`backend.media.images.make_rendition`).

:func:`declared_size` reads the pixel size a PNG or WebP header claims, so the pixel limit
can be applied before any decoder (which may allocate the whole canvas) sees the file.

Each check visits every chunk or box in Python, so a file may hold at most
:data:`MAX_PARTS` of them (:class:`TooComplex` otherwise): the cost of a check is then a
bounded number of steps, whatever the file holds. :func:`check_parts` counts the chunks or
top-level boxes before Pillow's opener sees the file.
"""

from __future__ import annotations

import struct
import zlib


class Malformed(Exception):
    """The container is truncated, corrupt or followed by foreign data."""


class TooComplex(Exception):
    """The container holds more chunks or boxes than any camera, phone or editor writes."""


MAX_PARTS = 4_096
"""Chunks (PNG, WebP, with animation frames' sub-chunks) or boxes and item extents (HEIF,
the ones the check reads) a file may hold. Real files: a PNG holds a handful besides its
image data, whose IDAT chunks libpng writes 8 kB each by default (1,920 in a 15 MB file);
a 48 MP phone HEIC about 600 (a grid of 192 tiles, a gain map, thumbnail, Exif, XMP)."""


class _Budget:
    """Counts the parts a check visits; raises TooComplex past :data:`MAX_PARTS`."""

    def __init__(self, limit: int = MAX_PARTS) -> None:
        self.left = limit

    def take(self, count: int = 1) -> None:
        self.left -= count
        if self.left < 0:
            raise TooComplex(f"more than {MAX_PARTS} chunks or boxes")


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_PNG_MAX_SIDE = 2**31 - 1


def declared_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) a PNG or WebP header claims; None for other or unreadable headers."""
    if data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        return _webp_size(data[12:16], data[20:30])
    return None


def sample_bytes(data: bytes) -> int:
    """Bytes per sample a PNG header declares: 2 for 16-bit samples, else 1 (any format)."""
    if data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR" and len(data) >= 25:
        return 2 if data[24] == 16 else 1
    return 1


# ---- PNG ---------------------------------------------------------------------------------


def check_parts(data: bytes) -> None:
    """Raise :class:`TooComplex` if a PNG, WebP or HEIF holds more than :data:`MAX_PARTS`
    chunks or top-level boxes, counted by their lengths only (the checks below judge the
    rest). Run before Pillow's opener: the PNG one reads every chunk before the image data
    in Python; libwebp and libheif read every chunk and box, in C, but 14 MB of them still
    take 60 to 80 ms."""
    budget, size = _Budget(), len(data)
    if data[:8] == PNG_SIGNATURE:
        pos = 8
        while pos + 12 <= size and data[pos + 4 : pos + 8] != b"IEND":
            budget.take()
            pos += 12 + _BE_U32.unpack_from(data, pos)[0]
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        pos = 12
        while pos + 8 <= size:
            budget.take()
            pos += (_LE_U32.unpack_from(data, pos + 4)[0] + 9) & ~1  # padded to even
    elif data[4:8] == b"ftyp":
        pos = 0
        while pos + 16 <= size:
            budget.take()
            box_size = _BE_U32.unpack_from(data, pos)[0]
            if box_size == 1:
                box_size = struct.unpack_from(">Q", data, pos + 8)[0]
            if box_size < 8:  # 0: the last box runs to the end
                return
            pos += box_size


_LE_U32 = struct.Struct("<I")
_BE_U32 = struct.Struct(">I")
_PNG_CHUNK_HEAD = struct.Struct(">I4s")


def check_png(data: bytes) -> bytes | None:
    """Prove the chunk structure of a PNG; returns the body of its eXIf chunk, if any.

    Every chunk must be whole with a matching CRC-32, IHDR first and valid, the IDAT chunks
    consecutive and their zlib stream must start like one (header, first filter byte), and
    IEND must end the file. Checking the whole zlib stream would mean inflating every pixel
    row (about 150 MB for a 7000x7000 photo of 143 kB): that is the rendition job's work.
    At most :data:`MAX_PARTS` chunks (:class:`TooComplex`).
    """
    if data[:8] != PNG_SIGNATURE:
        raise Malformed("no PNG signature")
    view = memoryview(data)  # CRCs over slices of it copy nothing
    pos, size, budget = 8, len(data), _Budget()
    exif: bytes | None = None
    header: tuple[int, int, int, int, int, int, int] | None = None
    idat_state = "before"  # "before", "in" (inside the IDAT run), "after"
    while True:
        if pos + 12 > size:
            raise Malformed("chunk cut short")
        budget.take()
        length, kind = _PNG_CHUNK_HEAD.unpack_from(data, pos)
        body_at, end = pos + 8, pos + 12 + length
        if length > _PNG_MAX_SIDE or end > size:
            raise Malformed("chunk runs past the end")
        if (
            zlib.crc32(view[pos + 4 : body_at + length])
            != _BE_U32.unpack_from(data, body_at + length)[0]
        ):
            raise Malformed(f"bad CRC in {kind!r}")
        if not kind.isalpha() or not kind.isascii():
            raise Malformed("bad chunk type")
        if header is None:
            if kind != b"IHDR":
                raise Malformed("IHDR is not first")
            header = _png_header(data[body_at : end - 4])
        elif kind == b"IHDR":
            raise Malformed("second IHDR")
        if kind == b"IDAT":
            if idat_state == "after":
                raise Malformed("IDAT chunks are not consecutive")
            if idat_state == "before":
                _png_stream_starts(data[body_at : body_at + min(length, 1024)], length)
            idat_state = "in"
        elif idat_state == "in":
            idat_state = "after"
        if kind == b"eXIf" and exif is None:
            exif = data[body_at : body_at + length]
        if kind == b"IEND":
            if idat_state == "before":
                raise Malformed("no image data")
            if end != size:
                raise Malformed("data after IEND")
            return exif
        pos = end


def _png_header(body: bytes) -> tuple[int, int, int, int, int, int, int]:
    if len(body) != 13:
        raise Malformed("bad IHDR length")
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", body
    )
    if not (0 < width <= _PNG_MAX_SIDE and 0 < height <= _PNG_MAX_SIDE):
        raise Malformed("bad size")
    if depth not in _PNG_DEPTHS.get(colour, ()) or compression or filtering or interlace > 1:
        raise Malformed("bad IHDR")
    return width, height, depth, colour, compression, filtering, interlace


def _png_stream_starts(head: bytes, length: int) -> None:
    """The zlib stream must begin with a valid header and a known row filter (0-4); ``head``
    is the first 1024 bytes (at most) of the first IDAT chunk, ``length`` the chunk's."""
    try:
        first = zlib.decompressobj().decompress(head, 1)
    except zlib.error as exc:
        raise Malformed("bad zlib stream") from exc
    if length >= 1024 and not first:
        raise Malformed("bad zlib stream")
    if first and first[0] > 4:
        raise Malformed("bad filter type")


# ---- WebP --------------------------------------------------------------------------------


def _webp_size(fourcc: bytes, head: bytes) -> tuple[int, int] | None:
    """(width, height) from the first chunk's type and the first 10 bytes of its body."""
    if fourcc == b"VP8X" and len(head) >= 10:
        return 1 + int.from_bytes(head[4:7], "little"), 1 + int.from_bytes(head[7:10], "little")
    if fourcc == b"VP8L" and len(head) >= 5 and head[0] == 0x2F:
        bits = int.from_bytes(head[1:5], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if fourcc == b"VP8 " and len(head) >= 10 and head[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[6:10])
        return width & 0x3FFF, height & 0x3FFF
    return None


_RIFF_CHUNK_HEAD = struct.Struct("<4sI")


def _riff_chunks(data: bytes, pos: int, end: int, budget: _Budget) -> list[tuple[bytes, int, int]]:
    """(fourcc, body start, body end) of the chunks filling data[pos:end] exactly."""
    chunks = []
    while pos < end:
        if pos + 8 > end:
            raise Malformed("chunk header cut short")
        budget.take()
        fourcc, length = _RIFF_CHUNK_HEAD.unpack_from(data, pos)
        body_end = pos + 8 + length
        if body_end > end:
            raise Malformed(f"chunk {fourcc!r} runs past the end")
        chunks.append((fourcc, pos + 8, body_end))
        pos = body_end + (length & 1)  # chunks are padded to an even length
    if pos != end:
        raise Malformed("padding runs past the end")
    return chunks


def check_webp(data: bytes) -> None:
    """Prove the RIFF structure of a WebP: the RIFF length is the file's, every chunk (and
    every animation frame's sub-chunks) fits exactly, and the image data chunks exist and
    start with a valid VP8/VP8L header whose partition fits its chunk. At most
    :data:`MAX_PARTS` chunks in all (:class:`TooComplex`)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise Malformed("not a RIFF WebP")
    (riff_length,) = struct.unpack("<I", data[4:8])
    if riff_length + 8 != len(data):
        raise Malformed("RIFF length differs from the file's")
    budget = _Budget()
    chunks = _riff_chunks(data, 12, len(data), budget)
    first = chunks[0][0] if chunks else b""
    if first in (b"VP8 ", b"VP8L"):
        _check_bitstream(data, chunks[0])
        return
    if first != b"VP8X":
        raise Malformed("no image chunk")
    frames = [chunk for chunk in chunks if chunk[0] == b"ANMF"]
    images = [chunk for chunk in chunks if chunk[0] in (b"VP8 ", b"VP8L")]
    for _, start, end in frames:
        if end - start < 16:
            raise Malformed("animation frame cut short")
        inner = _riff_chunks(data, start + 16, end, budget)
        images += [c for c in inner if c[0] in (b"VP8 ", b"VP8L")]
    if not images:
        raise Malformed("no image data")
    for chunk in images:
        _check_bitstream(data, chunk)


def _check_bitstream(data: bytes, chunk: tuple[bytes, int, int]) -> None:
    fourcc, start, end = chunk
    size = _webp_size(fourcc, data[start : start + 10])
    if size is None or 0 in size:
        raise Malformed("bad bitstream header")
    if fourcc == b"VP8 ":
        tag = int.from_bytes(data[start : start + 3], "little")
        if tag & 1 or 10 + (tag >> 5) > end - start:  # not a key frame, or no room
            raise Malformed("bad VP8 frame")


# ---- HEIF (ISO base media file format) -----------------------------------------------------


_BOX_HEAD = struct.Struct(">I4s")


def _boxes(data: bytes, pos: int, end: int, budget: _Budget) -> list[tuple[bytes, int, int]]:
    """(type, body start, body end) of the boxes filling data[pos:end] exactly."""
    boxes = []
    while pos < end:
        if pos + 8 > end:
            raise Malformed("box header cut short")
        budget.take()
        size, kind = _BOX_HEAD.unpack_from(data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise Malformed("box header cut short")
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif size == 0:
            size = end - pos  # the last box runs to the end
        if size < header or pos + size > end:
            raise Malformed(f"box {kind!r} runs past the end")
        boxes.append((kind, pos + header, pos + size))
        pos += size
    return boxes


def check_heif(data: bytes) -> None:
    """Prove the box structure of a HEIF: the top-level boxes fill the file exactly, and
    every extent of every item the ``iloc`` box places in the file (or in ``idat``) lies
    inside it. At most :data:`MAX_PARTS` boxes and extents (:class:`TooComplex`)."""
    budget = _Budget()
    top = _boxes(data, 0, len(data), budget)
    if not top or top[0][0] != b"ftyp":
        raise Malformed("no ftyp box")
    metas = [box for box in top if box[0] == b"meta"]
    if len(metas) != 1:
        raise Malformed("no single meta box")
    _, start, end = metas[0]
    inner = _boxes(data, start + 4, end, budget)  # meta is a full box: version and flags first
    idat = next(((s, e) for kind, s, e in inner if kind == b"idat"), (0, 0))
    ilocs = [(s, e) for kind, s, e in inner if kind == b"iloc"]
    if len(ilocs) != 1:
        raise Malformed("no single iloc box")
    for method, offset, length in _iloc_extents(data, *ilocs[0], budget):
        limit = len(data) if method == 0 else idat[1] - idat[0]
        if method in (0, 1) and offset + length > limit:
            raise Malformed("item data outside the file")


def _iloc_extents(data: bytes, start: int, end: int, budget: _Budget) -> list[tuple[int, int, int]]:
    """(construction method, offset, length) of every extent listed in an iloc box; every
    item and every extent counts against ``budget``."""
    reader = _Reader(data, start, end)
    version = reader.uint(1)
    reader.uint(3)  # flags
    sizes = reader.uint(1)
    more = reader.uint(1)
    offset_size, length_size = sizes >> 4, sizes & 0x0F
    base_size, index_size = more >> 4, (more & 0x0F) if version in (1, 2) else 0
    sizes_used = (offset_size, length_size, base_size, index_size)
    if version > 2 or any(s not in (0, 4, 8) for s in sizes_used):
        raise Malformed("bad iloc box")
    # Every extent must take bytes of the box, or 65,535 of them cost nothing to declare
    # and the check would no longer cost time in proportion to the file.
    extent_bytes = index_size + offset_size + length_size
    extents = []
    for _ in range(reader.uint(2 if version < 2 else 4)):
        budget.take()
        reader.uint(2 if version < 2 else 4)  # item id
        method = reader.uint(2) & 0x0F if version in (1, 2) else 0
        reader.uint(2)  # data reference index
        base = reader.uint(base_size)
        count = reader.uint(2)
        if extent_bytes == 0 and count > 1:
            raise Malformed("iloc extents that take no bytes")
        budget.take(count)
        for _ in range(count):
            reader.uint(index_size)
            # A length of 0 means "to the end of the file": only the offset is proved.
            offset, length = reader.uint(offset_size), reader.uint(length_size)
            extents.append((method, base + offset, length))
    return extents


class _Reader:
    """Big-endian unsigned integers read in sequence from data[pos:end]."""

    def __init__(self, data: bytes, pos: int, end: int) -> None:
        self.data, self.pos, self.end = data, pos, end

    def uint(self, size: int) -> int:
        if self.pos + size > self.end:
            raise Malformed("box cut short")
        value = int.from_bytes(self.data[self.pos : self.pos + size], "big")
        self.pos += size
        return value
