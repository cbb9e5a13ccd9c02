"""pillow-heif is registered at the first file that may be a HEIF, not at import: a worker
whose first upload is not an image, or an image in a format we refuse, answers as a
worker that already saw a HEIC does (each case in a fresh interpreter: the test session
has long registered pillow-heif)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[3]
HEIC = ROOT / "tests" / "fixtures" / "photos" / "samplefilehub.heif"

_FIRST_UPLOADS = """
import sys
from pathlib import Path
from PIL import Image
from backend.media import images
assert "HEIF" not in Image.OPEN, "pillow-heif registered at import"
for name in sys.argv[1:]:
    try:
        images.inspect_photo(Path(name).read_bytes())
        print("ok")
    except images.PhotoError as exc:
        print(exc.code)
"""


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "GIF")
    return out.getvalue()


def _first_uploads(*files: Path) -> list[str]:
    """What a fresh worker answers to these uploads, in this order."""
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_UPLOADS, *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(
    ("first", "code"),
    [
        (lambda: "Đường Lê Lợi bị ngập.\n".encode() * 40, "not_an_image"),
        (_gif, "unsupported_image_format"),
        (lambda: b"\xff\xd8\xff" + bytes(100), "not_an_image"),
    ],
    ids=["text", "gif", "jpeg-start"],
)
def test_a_first_upload_that_is_no_heif_is_answered_as_usual(tmp_path, first, code):
    upload = tmp_path / "upload"
    upload.write_bytes(first())
    assert _first_uploads(upload) == [code]


def test_a_heic_after_other_files_is_read(tmp_path):
    text = tmp_path / "text"
    text.write_bytes(b"not a photo " * 20)
    assert _first_uploads(text, HEIC) == ["not_an_image", "ok"]
