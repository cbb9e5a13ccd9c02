"""EXIF, read without trusting it (pure: no Flask, no database): orientation, the GPS
position that locates a report sent without one, and when the photo was taken."""

from __future__ import annotations

import math
import numbers
import re
import struct
from datetime import datetime
from typing import Any

from PIL import ExifTags, Image

# What Pillow (Image.open, load, EXIF parsing) and pillow-heif (documented: ValueError,
# EOFError, SyntaxError, RuntimeError, OSError) raise on malformed input.
DECODE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    EOFError,
    RuntimeError,
    struct.error,
)
# EXIF orientation -> transform that displays the image upright (same table as
# ImageOps.exif_transpose, which is not used because it raises on malformed EXIF).
UPRIGHT: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
SWAPS_AXES = frozenset({5, 6, 7, 8})

_EXIF_DATETIME = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


#: The most EXIF a JPEG can carry (one APP1 segment). PNG, WebP and HEIF may hold more,
#: but reading a larger block costs time in proportion to the values its IFDs claim, not
#: to its bytes (a 14 MB block of one rational tag took 8 s), so more is read as none.
MAX_EXIF_BYTES = 65_535


def read(img: Image.Image, *, decoded: bool = True) -> Image.Exif | None:
    """EXIF of ``img``, or None when there is none or it cannot be parsed.

    With ``decoded=False`` only what the opener found in the headers is read: Pillow's PNG
    plugin would otherwise decode the whole image to look for an eXIf chunk after the
    pixel data (the caller puts any eXIf chunk in ``img.info`` first).
    """
    raw = img.info.get("exif")
    if isinstance(raw, bytes | bytearray) and len(raw) > MAX_EXIF_BYTES:
        return None  # read as no EXIF: its IFDs could claim millions of values to build
    try:
        exif = img.getexif() if decoded else Image.Image.getexif(img)
    except DECODE_ERRORS:
        return None
    raw = img.info.get("exif")  # a PNG's eXIf after the pixels shows up once decoded
    if isinstance(raw, bytes | bytearray) and len(raw) > MAX_EXIF_BYTES:
        return None
    return exif or None


def _ifd(exif: Image.Exif | None, ifd: ExifTags.IFD) -> dict[int, Any]:
    if exif is None:
        return {}
    try:
        return dict(exif.get_ifd(ifd))
    except DECODE_ERRORS:
        return {}


def orientation(exif: Image.Exif | None) -> int:
    """EXIF orientation 1-8; anything missing or invalid counts as 1 (upright)."""
    value = exif.get(ExifTags.Base.Orientation) if exif is not None else None
    return value if isinstance(value, int) and value in UPRIGHT else 1


def _text(value: Any) -> str | None:
    """An EXIF ASCII value as stripped text (Pillow may hand back str or bytes)."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.replace("\x00", "").strip()


def _degrees(value: Any) -> float | None:
    """Degrees from EXIF (degrees, minutes, seconds) rationals; None if malformed."""
    if isinstance(value, numbers.Real):  # a single rational: decimal degrees
        value = (value,)
    if not isinstance(value, tuple) or not 1 <= len(value) <= 3:
        return None
    try:
        parts = [float(part) for part in value]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    return sum(part / 60**i for i, part in enumerate(parts))


def gps(exif: Image.Exif | None) -> tuple[float, float] | None:
    """(lat, lng) from the GPS IFD; None if absent, malformed, (0, 0) or out of range."""
    gps = _ifd(exif, ExifTags.IFD.GPSInfo)
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude))
    lng = _degrees(gps.get(ExifTags.GPS.GPSLongitude))
    lat_ref = _text(gps.get(ExifTags.GPS.GPSLatitudeRef))
    lng_ref = _text(gps.get(ExifTags.GPS.GPSLongitudeRef))
    if lat is None or lng is None or lat_ref not in ("N", "S") or lng_ref not in ("E", "W"):
        return None
    if lat_ref == "S":
        lat = -lat
    if lng_ref == "W":
        lng = -lng
    if (lat == 0 and lng == 0) or abs(lat) > 90 or abs(lng) > 180:
        return None
    return lat, lng


def taken_at(exif: Image.Exif | None) -> datetime | None:
    """EXIF DateTimeOriginal as a naive datetime; None if absent or malformed."""
    raw = _text(_ifd(exif, ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal))
    match = _EXIF_DATETIME.fullmatch(raw) if raw else None
    if match is None:
        return None
    try:
        return datetime(*(int(group) for group in match.groups()))
    except ValueError:  # e.g. "0000:00:00 00:00:00" written by cameras with no clock set
        return None
