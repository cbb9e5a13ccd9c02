"""What a photo costs once decoded, not only its pixels (phananh issue 10, finding 2).

A 7000x7000 PNG of 16-bit RGBA zeros is 381 kB and 49 MP (within the pixel limit) but
declares 392 MB of samples; its alpha made the rendition job take three full-size copies
(about 640 MB of peak memory for one photo). Intake now weighs each photo by the bytes it
declares (``Limits.max_decoded_bytes``) and the job flattens large images a strip at a time.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from backend.media import flatten
from backend.media.images import Limits, PhotoError, inspect_photo, make_rendition
from tests.backend.media import said
from tests.backend.media.padded import png_of_zeros
from tests.backend.media.test_intake_cost import no_decoding

ROOT = Path(__file__).resolve().parents[3]


def test_sixteen_bit_rgba_bomb_is_refused_without_being_decoded() -> None:
    bomb = png_of_zeros(7000, 7000)  # 16-bit RGBA: 8 bytes a pixel, 392 MB
    assert len(bomb) < 400_000 and Limits().max_pixels >= 7000 * 7000

    with no_decoding() as decoded, pytest.raises(PhotoError) as caught:
        inspect_photo(bomb)

    assert caught.value.code == "image_too_many_pixels"
    assert "200 MB" in said(caught.value, "en") and "200 MB" in said(caught.value, "vi")
    assert decoded == []


@pytest.mark.parametrize(
    ("depth", "colour", "per_pixel"),
    [(8, 2, 3), (8, 6, 4), (16, 0, 2), (8, 0, 1)],
    ids=["rgb8", "rgba8", "grey16", "grey8"],
)
def test_largest_photos_of_ordinary_depth_are_accepted_and_weighed(
    depth: int, colour: int, per_pixel: int
) -> None:
    with no_decoding():
        info = inspect_photo(png_of_zeros(7000, 7000, depth, colour))

    assert info.decoded_bytes == 7000 * 7000 * per_pixel <= Limits().max_decoded_bytes


def test_decoded_bytes_limit_is_inclusive() -> None:
    data = png_of_zeros(1000, 1000)  # 8 MB of 16-bit RGBA

    assert inspect_photo(data, Limits(max_decoded_bytes=8_000_000)).decoded_bytes == 8_000_000
    with pytest.raises(PhotoError) as caught:
        inspect_photo(data, Limits(max_decoded_bytes=7_999_999))
    assert caught.value.code == "image_too_many_pixels"


def test_camera_jpeg_counts_three_bytes_a_pixel() -> None:
    info = inspect_photo((ROOT / "tests/fixtures/photos/DSCN0010.jpg").read_bytes())
    assert info.decoded_bytes == 640 * 480 * 3


def test_rendition_checks_the_decoded_bytes_before_decoding() -> None:
    with no_decoding() as decoded, pytest.raises(PhotoError) as caught:
        make_rendition(png_of_zeros(7000, 7000), 320)

    assert caught.value.code == "image_too_many_pixels"
    assert decoded == []


# ---- the rendition job's memory -----------------------------------------------------------

_CHILD = """
import json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from backend.media.images import make_rendition
from tests.backend.media.padded import png_of_zeros

def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
data = png_of_zeros(7000, 7000, {depth}, 6)
idle = peak()
if {render}:
    for side in (1280, 320):  # what the job makes
        make_rendition(data, side)
print(json.dumps({{"idle": idle, "peak": peak()}}))
"""


@functools.cache
def _peak(depth: int, render: bool) -> int:
    """Peak memory (VmHWM) of a child process making the renditions, or only idle."""
    code = _CHILD.format(root=str(ROOT), depth=depth, render=render)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return json.loads(out.stdout)["peak"]


def _peak_above_idle(depth: int) -> int:
    return _peak(depth, True) - _peak(8, False)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM (Linux)")
@pytest.mark.parametrize("depth", [8], ids=["rgba8"])
def test_rendition_of_49_megapixels_with_alpha_keeps_one_full_size_copy(depth: int) -> None:
    """The decoded image is the one full-size copy (Pillow holds RGBA in 4 bytes a pixel,
    whatever the file's depth); what is flattened and scaled stays small. Before: 640 MB."""
    decoded_in_memory = 7000 * 7000 * 4  # 196 MB
    assert _peak_above_idle(depth) <= 1.5 * decoded_in_memory


def test_strip_by_strip_flattening_gives_the_same_pixels() -> None:
    """Against what the job did before: flatten the whole image, then Image.thumbnail."""
    base = Image.merge(
        "RGBA",
        [
            Image.linear_gradient("L").resize((1900, 1300)),
            Image.effect_noise((1900, 1300), 60),
            Image.radial_gradient("L").resize((1900, 1300)),
            Image.linear_gradient("L").rotate(90).resize((1900, 1300)),
        ],
    )
    for side in (1280, 320, 100):
        before = flatten.flatten(base)
        before.thumbnail((side, side), Image.Resampling.LANCZOS)
        after = flatten.thumbnail(base, side)
        assert after.size == before.size
        assert ImageChops.difference(after, before).getbbox() is None
