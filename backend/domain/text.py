"""Vietnamese text: NFC storage and accent-insensitive folding (see DOMAIN.md "Text")."""

from __future__ import annotations

import re
import unicodedata

# "đ" has no Unicode decomposition, so stripping combining marks alone leaves it;
# ð/Ð appear in text that went through old (TCVN3/VNI) encodings.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w]+")


def nfc(text: str) -> str:
    """The canonical stored form: NFC, trimmed, inner runs of spaces kept as typed."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Accent-, case- and tone-placement-insensitive form for search.

    ``fold("Đường Lê Lợi") == fold("duong le loi") == "duong le loi"``; old and
    new tone placement ("hoà"/"hòa") fold to the same string.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = _NON_WORD.sub(" ", stripped.casefold().translate(_SPECIAL))
    return _SPACES.sub(" ", words).strip()


def tracking_code(text: str) -> str:
    """A tracking code as typed (``pa-2026-000123 ``) in its stored form (``PA-2026-000123``)."""
    return text.strip().upper()


def search_terms(query: str) -> list[str]:
    """Folded words of a search query; every word must match."""
    return [word for word in fold(query).split(" ") if word]
