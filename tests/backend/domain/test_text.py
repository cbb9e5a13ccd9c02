"""Vietnamese text: NFC storage and accent-insensitive folding (DOMAIN.md "Text")."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.text import fold, nfc, search_terms


def test_nfc_and_nfd_are_the_same_word():
    nfd = unicodedata.normalize("NFD", "đường")
    assert len(nfd) == 8 and len(nfc(nfd)) == 5 and nfc(nfd) == "đường"  # đ has no NFD form


def test_fold_maps_d_stroke_and_strips_tones():
    assert fold("Đường Lê Lợi") == "duong le loi"
    assert fold("ĐÐđð") == "dddd"
    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold("thuỷ") == fold("thủy") == "thuy"
    assert fold("  Phường   Ninh-Kiều, TP. Cần Thơ! ") == "phuong ninh kieu tp can tho"


def test_search_terms():
    assert search_terms("Đường  LÊ lợi") == ["duong", "le", "loi"]
    assert search_terms("  ,, ") == []


@given(st.text())
def test_fold_is_idempotent_and_normalisation_blind(text):
    assert fold(fold(text)) == fold(text)
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))
