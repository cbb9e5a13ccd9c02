"""Flattening a decoded photo to RGB, L or CMYK, and scaling it, for its rendition.

Pure image processing: no Flask, no database. :func:`thumbnail` holds at most a strip of
the flattened picture at full size besides the decoded image, so the rendition job's peak
memory stays about one decoded image whatever the photo's mode (transparency, 16-bit grey).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image

_WHITE = (255, 255, 255)
STRIP_PIXELS = 1 << 20
"""Pixels of the source flattened at a time by :func:`thumbnail` (4 MB of RGBA)."""


def is_plain(img: Image.Image) -> bool:
    """Whether :func:`flatten` keeps ``img`` as it is (RGB, L or CMYK, no transparency)."""
    return img.mode in ("RGB", "L", "CMYK") and "transparency" not in img.info


def flatten(img: Image.Image) -> Image.Image:
    """Drop transparency onto white and reduce exotic modes to RGB, L or CMYK.

    RGB, L and CMYK are kept as they are so the embedded ICC profile still applies.
    """
    if img.mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", img.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if img.mode in ("I", "I;16", "I;16L", "I;16B"):  # 16-bit greyscale PNG
        return img.point(lambda value: value / 256).convert("L")
    if img.mode in ("RGB", "L", "CMYK"):
        return img
    return img.convert("RGB")


def thumbnail_size(size: tuple[int, int], max_side: int) -> tuple[int, int] | None:
    """The size ``Image.thumbnail((max_side, max_side))`` gives (None: left as it is)."""
    width, height = size
    if max_side >= width and max_side >= height:
        return None
    aspect = width / height

    def nearest(number: float, error: Callable[[int], float]) -> int:
        return max(min(math.floor(number), math.ceil(number), key=error), 1)

    if aspect <= 1:
        return nearest(max_side * aspect, lambda n: abs(aspect - n / max_side)), max_side
    return max_side, nearest(max_side / aspect, lambda n: abs(aspect - max_side / n) if n else 0)


def thumbnail(img: Image.Image, max_side: int) -> Image.Image:
    """``flatten(img)`` scaled within ``max_side`` (as ``Image.thumbnail`` with LANCZOS).

    Flattening a large image with transparency, or of 16-bit grey, used to take three
    copies of it at full size (744 MB for a 49 MP RGBA PNG). Here it is flattened a strip
    of about :data:`STRIP_PIXELS` at a time, each strip reduced by the whole factor that
    ``thumbnail`` would apply to the flattened image: the same pixels, with no full-size
    copy besides the decoded image.
    """
    final = thumbnail_size(img.size, max_side)
    if is_plain(img) or final is None:
        picture = flatten(img)
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        return picture
    width, height = img.size
    # Image.resize's reducing gap of 2 (Image.thumbnail's default).
    fx, fy = max(1, int(width / final[0] / 2)), max(1, int(height / final[1] / 2))
    rows = fy * max(1, STRIP_PIXELS // (width * fy))  # a multiple of fy: blocks stay aligned
    reduced: Image.Image | None = None
    for top in range(0, height, rows):
        strip = flatten(img.crop((0, top, width, min(height, top + rows))))
        if (fx, fy) != (1, 1):
            strip = strip.reduce((fx, fy))
        if reduced is None:
            reduced = Image.new(strip.mode, (-(-width // fx), -(-height // fy)))
        reduced.paste(strip, (0, top // fy))
    assert reduced is not None
    box = (0.0, 0.0, width / fx, height / fy)
    return reduced.resize(final, Image.Resampling.LANCZOS, box=box)
