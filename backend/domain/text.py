"""Vietnamese text: NFC storage and accent-insensitive folding (see DOMAIN.md "Text")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

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


def N_(message: str) -> str:
    """Mark ``message`` (English source text) as a gettext msgid, for extraction.

    Pure modules cannot translate (no request, no locale): they hand the msgid on and it is
    translated where it is shown (``backend.i18n``).
    """
    return message


@dataclass(frozen=True)
class Msgid:
    """A message parameter that is itself a msgid (a status's name, a photo's problem):
    translated in each language together with the message it fills."""

    text: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:  # the English source text
        return self.text % dict(self.params) if self.params else self.text
