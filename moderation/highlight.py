"""The automatic findings marked in the text a moderator reads (the console's queue).

The screen (:mod:`moderation.checks`) stores what it found, not where: the abusive
phrases as the blocklist names them, folded ("dit me"), and the kinds of personal data.
Here they are found again in the text:

- personal data: exactly where :func:`backend.domain.privacy.mask_personal_data` masks it;
- an abusive phrase: the runs of words that read as the phrase once folded, with digits
  for letters, stars, drawn-out and spaced-out letters ("Địt mẹ", "ditme", "đ ụ m á",
  "l0n"), kept only when the blocklist agrees that this run is the match (it matches the
  run alone, or the text no longer matches once the run is blanked out), so "lớn" is
  never marked for "lồn". A phrase matched across a gap ("thằng ... ăn hại") is marked
  word by word.

Everything is escaped; only the ``<mark>`` elements written here are markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from markupsafe import Markup, escape

from backend.domain.privacy import personal_data_spans
from backend.domain.text import fold
from moderation.checks import blocklist
from moderation.text import Blocklist

#: A word as the screen may read it: letters, digits and the signs typed for letters.
_WORD = re.compile(r"[^\W_]+(?:[*@$!]+[^\W_]+)*\**")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "!": "i"})
_REPEATS = re.compile(r"(.)\1+")
_STARS = re.compile(r"\*+")
_MASK = "ǂ"  # a letter no text writes: stars while folding
#: What a blanked-out run is replaced by when checking it: a word no entry matches.
_BLANK = " qqblank "

Span = tuple[int, int, str]  # start, end, the finding's kind


def _norm(word: str) -> str:
    """A word folded, digits read as letters, drawn-out letters collapsed; stars kept."""
    folded = fold(word.translate(_LEET).replace("*", _MASK)).replace(" ", "")
    return _REPEATS.sub(r"\1", folded.replace(_MASK, "*"))


def _same(run: str, target: str) -> bool:
    if "*" not in run:
        return run == target
    letters = r"[^\W\d_]{1,3}"
    pattern = _STARS.sub(lambda _: letters, re.escape(run).replace(r"\*", "*"))
    return re.fullmatch(pattern, target) is not None


def _runs(text: str, target: str) -> Iterable[tuple[int, int]]:
    """Spans of consecutive words whose joined reading is ``target`` (no spaces)."""
    words = [(m.start(), m.end(), _norm(m.group())) for m in _WORD.finditer(text)]
    for i, (start, _, _) in enumerate(words):
        joined = ""
        for _, end, word in words[i : i + len(target)]:
            joined += word
            if _same(joined, target) or joined.startswith(target):  # "fuck*": fucking
                yield start, end
                break
            if len(joined.replace("*", "")) >= len(target):
                break


def _real(text: str, span: tuple[int, int], label: str, words: Blocklist) -> bool:
    start, end = span
    if label in words.matches(text[start:end]):
        return True
    return label not in words.matches(text[:start] + _BLANK + text[end:])


def abusive_spans(text: str, labels: Iterable[str], words: Blocklist | None = None) -> list[Span]:
    """Where the blocklist's ``labels`` (folded phrases) are in ``text``."""
    if not text:
        return []
    words = words or blocklist()
    text = unicodedata.normalize("NFC", text)
    found: list[Span] = []
    for label in labels:
        target = _REPEATS.sub(r"\1", label.replace(" ", ""))
        spans = [s for s in _runs(text, target) if _real(text, s, label, words)]
        if not spans and " " in label:  # matched across a gap: mark its words
            for part in label.split():
                part = _REPEATS.sub(r"\1", part)
                spans += [s for s in _runs(text, part) if _real(text, s, label, words)]
        found += [(start, end, "abusive_words") for start, end in spans]
    return found


def spans(text: str | None, flags: list[dict] | None, field: str = "description") -> list[Span]:
    """The findings about ``field`` ("description" or "address") located in its text, in
    order."""
    if not text or not flags:
        return []
    found: list[Span] = []
    for flag in flags:
        if flag.get("field", "description") != field:
            continue
        if flag.get("kind") == "abusive_words":
            found += abusive_spans(text, flag.get("words") or [])
        elif flag.get("kind") == "personal_data":
            types = set(flag.get("types") or [])
            found += [(a, b, kind) for kind, a, b in personal_data_spans(text) if kind in types]
    return sorted(set(found))  # one phrase may be named by several entries ("đ*t m*")


def mark(text: str | None, found: list[Span], titles: dict[str, str] | None = None) -> Markup:
    """``text`` escaped, each span wrapped in ``<mark class="finding">`` (overlaps merged
    into the first)."""
    if not text:
        return Markup("")
    titles = titles or {}
    parts: list[Markup] = []
    at = 0
    for start, end, kind in sorted(found):
        if start < at:
            continue
        parts.append(escape(text[at:start]))
        parts.append(
            Markup('<mark class="finding" data-finding="{}" title="{}">{}</mark>').format(
                kind, titles.get(kind, kind), text[start:end]
            )
        )
        at = end
    parts.append(escape(text[at:]))
    return Markup("").join(parts)
