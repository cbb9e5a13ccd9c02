"""Automatic text checks (pure): abusive words, personal data, length, language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from backend.domain.privacy import find_personal_data
from backend.domain.text import fold

#: Letters only Vietnamese writes: a report with none of them, and several words, is
#: probably not in Vietnamese (the Hue-S rule asks for Vietnamese).
_VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
MIN_LENGTH = 10


@dataclass(frozen=True)
class Blocklist:
    """Folded phrases, matched on whole words."""

    phrases: tuple[str, ...]

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Blocklist:
        phrases = {
            fold(line) for line in lines if line.strip() and not line.lstrip().startswith("#")
        }
        return cls(tuple(sorted(p for p in phrases if p)))

    def matches(self, text: str) -> list[str]:
        folded = f" {fold(text)} "
        return [p for p in self.phrases if f" {p} " in folded]


def findings(text: str, blocklist: Blocklist) -> list[dict]:
    """What a moderator should look at; an empty list means the text looks clean."""
    found: list[dict] = []
    words = blocklist.matches(text)
    if words:
        found.append({"kind": "abusive_words", "words": words})
    personal = find_personal_data(text)
    if personal:
        found.append({"kind": "personal_data", "types": personal})
    if len(text.strip()) < MIN_LENGTH:
        found.append({"kind": "too_short"})
    letters = [ch for ch in text.lower() if ch.isalpha()]
    if len(re.findall(r"\w+", text)) >= 5 and letters and not _VIETNAMESE & set(letters):
        found.append({"kind": "not_vietnamese"})
    return found
