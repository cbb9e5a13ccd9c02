"""Proof that a JPEG is complete, from its marker structure, without decoding its pixels.

Pure: no Flask, no database. :func:`complete_jpeg` answers what a full decode by Pillow
(libjpeg) would answer, at a cost proportional to the file's bytes, never to the pixels its
frame header claims. libjpeg only ever *warns* about the content of entropy-coded data (bad
Huffman or arithmetic codes, a scan too short or too long, restart markers out of sequence,
extraneous bytes between markers), and Pillow ignores warnings: what fails a full decode is
a header libjpeg refuses (tables, frame, scan parameters, an unexpected marker) or data
ending before the EOI marker. Both are checked here: the markers are walked the way
libjpeg's marker reader and entropy decoders find them, and libjpeg itself then reads a
copy holding every header of the file in order, with the frame resized to one MCU and the
entropy-coded data left out (libjpeg pads an empty scan and only warns about it).

Every step that runs in Python is bounded: a file may hold at most :data:`MAX_MARKERS`
markers up to its EOI and :data:`MAX_STRAY_BYTES` stray bytes before its first scan
(:func:`check_parts`, run before Pillow's opener, which visits each of those in Python),
otherwise :class:`TooComplex` is raised. Stuffed bytes and restart markers inside the
entropy-coded data are skipped by regular expressions, in C.
"""

from __future__ import annotations

import io
import math
import re
import struct
from typing import NamedTuple

from PIL import Image

# JPEG markers (ITU-T T.81, table B.1).
_SOF_SEQUENTIAL_HUFFMAN = frozenset({0xC0, 0xC1})  # baseline and extended sequential DCT
# Every start-of-frame marker: SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
_SOF_ANY = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_SOF_PROGRESSIVE = frozenset({0xC2, 0xC6, 0xCA, 0xCE})
_SOF0 = 0xC0
# Segments libjpeg skips by their length without reading them: APP0-APP15, COM, DNL.
_SKIPPED_SEGMENTS = frozenset({*range(0xE0, 0xF0), 0xFE, 0xDC})
_DRI, _SOS, _EOI, _SOI, _DNL = 0xDD, 0xDA, 0xD9, 0xD8, 0xDC
_RST0, _RST7 = 0xD0, 0xD7
_TEM = 0x01
# Segments allowed between SOI and SOS on the fast path: DQT, DHT, DRI, COM and APP0-APP15.
_TABLE_SEGMENTS = frozenset({0xDB, 0xC4, _DRI, 0xFE, *range(0xE0, 0xF0)})
# Segments libjpeg reads (or skips) anywhere outside entropy-coded data: the above, the
# arithmetic conditioning tables (DAC), DNL (which libjpeg skips) and scan headers.
_SEGMENTS = _TABLE_SEGMENTS | {0xCC, _DNL, _SOS}
_MAX_JPEG_SIDE = 65500  # libjpeg's JPEG_MAX_DIMENSION
# Inside entropy-coded data every 0xFF byte is followed by a stuffed 0x00; anything else
# after an 0xFF is a marker (RST0-RST7 between restart intervals, EOI after the scan).
# The first 0xFF that starts neither a stuffed byte nor a restart marker:
_SCAN_END = re.compile(rb"\xff(?![\x00\xd0-\xd7])")
# ... nor TEM, which libjpeg skips like a restart marker: the next marker libjpeg acts on.
_NEXT_MARKER = re.compile(rb"\xff(?![\x00\x01\xd0-\xd7])")
_FILL = re.compile(rb"\xff+")  # fill bytes before a marker code

MAX_MARKERS = 1_000
"""Markers a JPEG may hold up to its EOI (segments, and any other marker libjpeg acts on
outside entropy-coded data). Camera and phone files have 6 to 30 (a progressive file
about 25, with Multi-Picture, ICC and XMP segments); a 15 MB file of segments of the
largest size has 230."""
MAX_STRAY_BYTES = 65_536
"""Bytes before the first scan that belong to no segment (extraneous data, fill bytes),
which libjpeg skips with a warning and Pillow's opener one at a time, in Python."""
# Markers Pillow's opener reads without a length (JPG, RST0-7, SOI, EOI, JPG0-JPG13).
_PILLOW_NO_LENGTH = frozenset({0xC8, *range(0xD0, 0xDA), *range(0xF0, 0xFE)})


class TooComplex(Exception):
    """The file holds more markers or stray bytes than any camera writes."""


def check_parts(data: bytes) -> None:
    """Raise :class:`TooComplex` unless the markers and stray bytes before the first scan
    are within :data:`MAX_MARKERS` and :data:`MAX_STRAY_BYTES`.

    Run before Pillow's opener sees ``data``: it walks those bytes in Python, as this
    function does, but one iteration per stray byte; this one skips them with
    ``bytes.find``. Anything else is left to the checks that follow.
    """
    if data[:3] != b"\xff\xd8\xff":
        return
    pos, size, markers, stray = 2, len(data), 0, 0
    while True:
        at = data.find(b"\xff", pos)
        if at < 0:
            return
        code_at = _FILL.match(data, at).end()  # type: ignore[union-attr]
        stray += code_at - 1 - pos  # bytes skipped, and fill bytes after the first 0xFF
        if stray > MAX_STRAY_BYTES:
            raise TooComplex(f"more than {MAX_STRAY_BYTES} stray bytes before the scan")
        if code_at >= size:
            return
        code = data[code_at]
        pos = code_at + 1
        if code == 0:  # 0xFF 0x00 outside a scan: skipped as extraneous data
            stray += 1
            continue
        markers += 1
        if markers > MAX_MARKERS:
            raise TooComplex(f"more than {MAX_MARKERS} markers")
        if code < _SOF0 or code == _SOS:
            return  # Pillow stops here (an unknown marker, or the first scan)
        if code not in _PILLOW_NO_LENGTH:
            if pos + 2 > size:
                return
            pos += int.from_bytes(data[pos : pos + 2], "big")


def complete_jpeg(data: bytes) -> bool:
    """True if a full decode of ``data`` by Pillow would succeed, judged from its structure.

    The caller has opened ``data`` with Pillow (which parsed the headers up to the first
    scan) and checked the frame's pixel count against its limit.

    Raises:
        TooComplex: more than :data:`MAX_MARKERS` markers up to the EOI.
    """
    if _complete_baseline_jpeg(data):
        return True  # the common camera file, proved on the fast path
    probe = _header_probe(data)
    return probe is not None and _libjpeg_accepts(probe)


def _libjpeg_accepts(headers: bytes) -> bool:
    """Whether Pillow decodes ``headers`` (a probe of one MCU): any exception is a no."""
    try:
        with Image.open(io.BytesIO(headers), formats=("JPEG",)) as probe:
            probe.load()
    except Exception:
        return False
    return True


def _header_probe(data: bytes) -> bytes | None:
    """Every marker segment of ``data`` up to EOI, entropy-coded data left out and the frame
    resized to one MCU; None if the file ends before EOI or holds a marker libjpeg refuses.

    Markers are found as libjpeg finds them: any byte other than 0xFF before a marker is
    skipped (libjpeg warns about extraneous data), 0xFF fill bytes are swallowed, a stuffed
    0xFF 0x00 is data, RST0-RST7 and TEM carry no segment, and a marker's length covers its
    segment. Everything after the first EOI is ignored, as libjpeg ignores it (a
    Multi-Picture file's second image, a camera's trailer). Inside a scan with restart
    markers, an invalid marker code (below SOF0) is discarded when libjpeg resynchronises
    at the next restart. In a file of a single scan the picture is complete once a marker
    ends that scan: an APPn, COM or DNL segment then running past the end of the file only
    makes libjpeg wait for more input (it skips those without reading them), which Pillow
    takes as the end.
    """
    if data[:2] != b"\xff\xd8":
        return None
    probe = bytearray(data[:2])
    pos, size = 2, len(data)
    frame: bytes | None = None  # the frame header's body
    frame_code = 0
    single_scan: bool | None = None  # known at the first scan header
    restart_interval, in_scan, markers = 0, False, 0
    while True:
        # Stuffed bytes, restart markers and TEM are skipped in C: libjpeg skips them too.
        found = _NEXT_MARKER.search(data, pos)
        if found is None:
            return None  # no EOI: truncated
        pos = _FILL.match(data, found.start()).end()  # type: ignore[union-attr]
        if pos >= size:
            return None
        code = data[pos]
        pos += 1
        markers += 1
        if markers > MAX_MARKERS:
            raise TooComplex(f"more than {MAX_MARKERS} markers")
        if code == 0 or _RST0 <= code <= _RST7 or code == _TEM:
            continue  # after fill bytes: stuffed data byte, or a marker without a segment
        if in_scan and restart_interval and code < _SOF0:
            continue  # discarded by libjpeg's resynchronisation at the next restart
        in_scan = False
        if code == _EOI:
            return bytes(probe + b"\xff\xd9")
        is_frame = code in _SOF_ANY
        if not (is_frame or code in _SEGMENTS) or (is_frame and frame is not None):
            return None  # SOI again, a second frame, or a marker libjpeg does not know
        end = pos + int.from_bytes(data[pos : pos + 2], "big") if pos + 2 <= size else size + 1
        if end > size:
            # Truncated, unless the only scan of the picture is over (see above).
            skipped = code in _SKIPPED_SEGMENTS
            return bytes(probe + b"\xff\xd9") if single_scan and skipped else None
        if end < pos + 2:
            return None  # a length shorter than itself
        segment = bytearray(data[pos - 2 : end])
        segment[:2] = bytes((0xFF, code))
        if is_frame:
            frame, frame_code = bytes(segment[4:]), code
            if not _shrink_frame(segment):
                return None
        elif code == _SOS and single_scan is None and frame is not None and len(segment) > 4:
            progressive = frame_code in _SOF_PROGRESSIVE
            single_scan = not progressive and len(frame) > 5 and segment[4] == frame[5]
        if code == _SOS:
            in_scan = True
        elif code == _DRI and len(segment) == 6:
            restart_interval = int.from_bytes(segment[4:6], "big")
        probe += segment
        pos = end


def _shrink_frame(segment: bytearray) -> bool:
    """Set the frame header (marker, length, body) in ``segment`` to one MCU, in place."""
    body = bytes(segment[4:])
    if len(body) < 6:
        return False
    components = body[5]
    if len(body) < 6 + 3 * components or components == 0:
        return False
    sampling = [body[7 + 3 * i] for i in range(components)]
    mcu_width = 8 * max(1, max(value >> 4 for value in sampling))
    mcu_height = 8 * max(1, max(value & 0x0F for value in sampling))
    height, width = struct.unpack(">HH", body[1:5])
    if 0 < width <= _MAX_JPEG_SIDE and 0 < height <= _MAX_JPEG_SIDE:
        # Otherwise libjpeg refuses the frame: left as it is, so it refuses the probe too.
        segment[5:9] = struct.pack(">HH", mcu_height, mcu_width)
    return True


class _BaselineJpeg(NamedTuple):
    """Where things are in a JPEG made of one sequential, Huffman-coded, interleaved scan."""

    frame_at: int
    """Offset of the frame header's (SOF0/SOF1) body."""
    scan_at: int
    """Offset of the entropy-coded data, just after the scan header (SOS)."""
    mcu_size: tuple[int, int]
    """(width, height) in pixels of one MCU."""


def _complete_baseline_jpeg(data: bytes) -> bool:
    """True if ``data`` is a baseline JPEG whose pixel data a full decode would accept.

    False means "not proved", never "invalid": the caller then walks every marker.
    The entropy-coded data may hold stuffed bytes and restart markers only, up to the EOI:
    libjpeg only warns about restart markers out of sequence, so their order is not read
    (the marker walk would accept the same file).
    """
    layout = _baseline_layout(data)
    if layout is None:
        return False
    found = _SCAN_END.search(data, layout.scan_at)
    if found is None or data[found.start() + 1 : found.start() + 2] != b"\xd9":
        return False  # no EOI, fill bytes, or another marker: let the marker walk judge
    # libjpeg checks the file's own tables, frame and scan headers: the same headers, but
    # sized to one MCU, followed by an empty scan (which libjpeg pads and only warns about).
    # The real size was checked by _baseline_layout and against the pixel limit.
    headers = bytearray(data[: layout.scan_at])
    width, height = layout.mcu_size
    headers[layout.frame_at + 1 : layout.frame_at + 5] = struct.pack(">HH", height, width)
    return _libjpeg_accepts(bytes(headers) + b"\xff\xd9")


def _baseline_layout(data: bytes) -> _BaselineJpeg | None:
    """The layout of a JPEG whose only scan is sequential, Huffman-coded and holds every
    component, read from its segments up to the scan header; None for anything else."""
    if data[:2] != b"\xff\xd8":
        return None
    pos, frame_at = 2, 0
    frame: tuple[int, int, tuple[int, int]] | None = None
    for _ in range(MAX_MARKERS):
        if pos + 4 > len(data) or data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > len(data):
            return None
        body = data[pos + 4 : end]
        if marker in _SOF_SEQUENTIAL_HUFFMAN:
            if frame is not None:
                return None
            frame, frame_at = _frame(body), pos + 4
            if frame is None:
                return None
        elif marker == _DRI:
            if length != 4:
                return None
        elif marker == _SOS:
            if frame is None or not body or body[0] != frame[1]:
                return None  # before the frame header, or not every component in this scan
            return _BaselineJpeg(frame_at, end, frame[2])
        elif marker not in _TABLE_SEGMENTS:
            return None
        pos = end
    return None  # more segments than any camera writes: the marker walk refuses the file


def _frame(sof: bytes) -> tuple[int, int, tuple[int, int]] | None:
    """(MCU count, component count, MCU size) from an 8-bit SOF0/SOF1 body; None if odd."""
    if len(sof) < 6:
        return None
    precision, components = sof[0], sof[5]
    height = int.from_bytes(sof[1:3], "big")
    width = int.from_bytes(sof[3:5], "big")
    if precision != 8 or components not in (1, 3, 4) or len(sof) != 6 + 3 * components:
        return None
    if not (0 < width <= _MAX_JPEG_SIDE and 0 < height <= _MAX_JPEG_SIDE):
        return None
    sampling = [sof[7 + 3 * i] for i in range(components)]
    h_factors = [value >> 4 for value in sampling]
    v_factors = [value & 0x0F for value in sampling]
    if not all(1 <= factor <= 4 for factor in h_factors + v_factors):
        return None
    if components == 1:  # a non-interleaved scan: one 8x8 block per MCU
        mcu_width = mcu_height = 8
    else:
        mcu_width, mcu_height = 8 * max(h_factors), 8 * max(v_factors)
    mcus = math.ceil(width / mcu_width) * math.ceil(height / mcu_height)
    return mcus, components, (mcu_width, mcu_height)
