"""The HEIF structure check costs time in proportion to the file, whatever it declares."""

from __future__ import annotations

import pytest

from backend.media.containers import Malformed, check_heif


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def _heif(extents: int, sizes: int) -> bytes:
    extent = b"\0" * ((sizes >> 4) + (sizes & 0x0F))
    iloc = (
        bytes([1, 0, 0, 0, sizes, 0])  # version 1, flags, offset/length sizes, base/index 0
        + (1).to_bytes(2, "big")  # one item
        + (1).to_bytes(2, "big")  # item id
        + (0).to_bytes(2, "big")  # construction method
        + (0).to_bytes(2, "big")  # data reference
        + extents.to_bytes(2, "big")
        + extent * extents
    )
    ftyp = _box(b"ftyp", b"heic" + b"\0\0\0\0" + b"mif1heic")
    return ftyp + _box(b"meta", b"\0\0\0\0" + _box(b"iloc", iloc))


def test_extents_that_take_no_bytes_are_refused_at_once():
    bomb = _heif(65_535, 0x00)  # 65,535 extents declared in a few dozen bytes
    assert len(bomb) < 100
    with pytest.raises(Malformed):
        check_heif(bomb)


def test_extents_inside_the_file_pass():
    check_heif(_heif(3, 0x44))  # three extents of offset 0 and length 0, four bytes each
