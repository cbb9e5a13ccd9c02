"""Every format of the personal-data table (data/personal_data_cases.tsv) is masked in
public text, and found for the moderator, while ordinary numbers are left alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.domain.privacy import find_personal_data, mask_personal_data

TABLE = Path(__file__).parent / "data" / "personal_data_cases.tsv"


def _unescape(cell: str) -> str:
    cell = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), cell)
    return cell.replace("\\n", "\n")


def cases() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("input\t"):
            continue
        text, masked, kinds = (_unescape(cell) for cell in line.split("\t"))
        rows.append(
            (text, text if masked == "=" else masked, [] if kinds == "-" else kinds.split(","))
        )
    return rows


def test_the_table_is_read_whole():
    assert len(cases()) >= 60
    assert all(
        line.count("\t") == 2
        for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


@pytest.mark.parametrize("text, masked, kinds", cases(), ids=lambda v: repr(v)[:40])
def test_masked_in_public_and_found_for_the_moderator(text, masked, kinds):
    assert mask_personal_data(text) == masked
    assert find_personal_data(text) == kinds


def test_masking_twice_changes_nothing():
    for _text, masked, _kinds in cases():
        assert mask_personal_data(masked) == masked
