"""Automatic text checks (pure): abusive words, personal data, length, language.

The abuse screen reads Vietnamese the way people type it: with or without accents,
in capitals or NFD, in teencode (đm, vcl, loz), dotted, slashed or spaced out letter by
letter ("đ.m", "đ/m", "đ ụ m á"), with letters drawn out ("nguuuu"), digits for letters
("l0n") or stars for letters ("đ*t m*", "l*n": a run of stars stands for one to three).
Folding accents away makes insults collide with ordinary words (lồn/lớn, đéo/đeo,
đụ má/dù mà, cặc/các), so a blocklist entry is matched with its accents in mind:

- a word written with accents in the list matches the same word with the same accents,
  or the word typed without any accent ("con lồn" matches "con lon", not "con lợn");
- a word written without accents matches whatever the accents ("vcl", "fuck");
- ``=word`` matches only the word as written: ``=lồn`` never matches "lon", and a
  plain-letter ``=ngu`` only in a text typed with accents (where "ngu" cannot be "ngủ");
- ``word*`` matches any word that starts so ("fuck*": fucked, fucking);
- ``|`` stands for a sentence break (punctuation, start or end of the text);
- ``...`` stands for up to three words (no sentence break) between two parts of an
  entry ("thằng ... =ăn =hại": "mấy thằng cán bộ ăn hại");
- a line ``!phrase`` is an exception: a match that overlaps it does not count
  ("!rơi vãi": rubbish spilled is no swearing).

Every phrase of two or more words also matches written as one word ("ditme", "đụmá").

Names are no insults: Title-case words after a form of address ("ông Sáu Ngu", "bà Năm
Ngu") and initials in brackets after the words they abbreviate ("Đỗ Minh (ĐM)",
"Ủy ban nhân dân (UBND)") are not matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from backend.domain.privacy import find_personal_data
from backend.domain.text import fold

#: Letters only Vietnamese writes: a report with none of them, and several words, is
#: probably not in Vietnamese (the Hue-S rule asks for Vietnamese).
_VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
MIN_LENGTH = 10

BREAK = "|"
GAP = "..."
#: Up to this many words may stand for a ``...`` in an entry.
GAP_WORDS = 3
#: Forms of address before a name ("ông Sáu Ngu"): the Title-case words after them are a name.
#: The last three are "ông", "bà", "chị" typed without accents.
_ADDRESS = frozenset(
    "ông bà anh chị cô chú bác cậu dì mợ thím cụ em cháu thầy ong ba chi".split()  # noqa: SIM905
)
_NAME = "qqname"  # what a name is read as: no entry matches it
_WORD = re.compile(r"[^\W\d_]+")
_INITIALS = re.compile(r"\(\s*([^\W\d_]{2,6})\s*\)")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
#: Letters typed one by one with dots, dashes, slashes or spaces between them: "đ.m", "đ/m".
_SPELLED = re.compile(r"(?<![\w/])(?:[^\W\d_][ .\-_*+~/]{1,3})+[^\W\d_](?![\w/])")
#: Digits and signs standing for letters inside a word: "l0n", "d1t", "sh!t".
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "!": "i"})
_LEET_WORD = re.compile(r"(?<![\w@$!])[^\W\d_]+(?:[0134@$!]+[^\W\d_]+)+(?![\w@$!])")
#: Stars after a letter ("f*ck", "đ*t m*", "cái đ* gì") mask letters: the word is read with
#: them dropped ("fck") and as a pattern where each run stands for one to three letters.
_STARS = re.compile(r"(?<=[^\W\d_])\*+")
_MASK = "ǂ"  # a letter no text writes: what a run of stars is read as
#: Units after a number are no teencode: "sâu 3 dm", "500 ml".
_UNIT = re.compile(r"(\d)\s*(?:dm|ml|cl|vl)\b", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+|[.,;:!?…()\"“”\[\]]+")
_REPEATS = re.compile(r"(\w)\1+")


def _has_accents(word: str) -> bool:
    return fold(word) != word


@dataclass(frozen=True)
class _Term:
    """One word of an entry."""

    text: str  # lower-case NFC, as written in the list
    folded: str
    exact: bool = False
    prefix: bool = False

    @classmethod
    def parse(cls, word: str) -> _Term:
        if word in (BREAK, GAP):
            return cls(word, word)
        exact, prefix = word.startswith("="), word.endswith("*") and len(word) > 1
        word = word.strip("=*")
        return cls(word, fold(word), exact, prefix)

    def key(self) -> str:
        return self.folded


@dataclass(frozen=True)
class _Token:
    """One word of the text (or a sentence break), in the forms it may be matched in."""

    forms: tuple[str, ...]  # as typed (lower-case NFC), and with repeated letters collapsed
    folded: tuple[str, ...]
    plain: bool  # typed without any accent
    mask: re.Pattern | None = None  # letters masked by stars ("đ*t"): what they may stand for

    @classmethod
    def of(cls, word: str) -> _Token:
        if not word[0].isalnum():
            return cls((BREAK,), (BREAK,), True)
        mask = None
        if _MASK in word:
            pattern = re.escape(fold(word)).replace(_MASK, r"[^\W\d_]{1,3}")
            mask, word = re.compile(pattern), word.replace(_MASK, "")
        forms = tuple(dict.fromkeys((word, _REPEATS.sub(r"\1", word))))
        return cls(forms, tuple(fold(f) for f in forms), not _has_accents(word), mask)


def _matches(term: _Term, token: _Token, accented_text: bool) -> bool:
    if term.text == BREAK:
        return token.forms == (BREAK,)
    if term.prefix:
        return any(f.startswith(term.folded) for f in token.folded)
    if token.mask and token.mask.fullmatch(term.folded):
        return True  # "đ*t" is whatever its stars hide: people mask only what is rude
    if term.exact:
        return term.text in token.forms and (accented_text or _has_accents(term.text))
    if term.text != term.folded:  # accents in the list: the same accents, or none typed
        return term.text in token.forms or (token.plain and term.folded in token.folded)
    return term.folded in token.folded


def _title(word: str) -> bool:
    return word[0].isupper() and (len(word) == 1 or word[1:].islower())


def _names(text: str) -> str:
    """The text with names read as no words: "ông Sáu Ngu", "Đỗ Minh (ĐM)"."""
    words = list(_WORD.finditer(text))
    if len(words) >= 4 and sum(_title(w.group()) for w in words) >= 0.8 * len(words):
        return text  # Typed In Title Case: capitals tell nothing
    names: list[tuple[int, int]] = []
    for k, word in enumerate(words[:-1]):
        if word.group().casefold() not in _ADDRESS:
            continue
        end = word.end()
        for after in words[k + 1 : k + 5]:
            if text[end : after.start()].strip() or not _title(after.group()):
                break
            names.append(after.span())
            end = after.end()
    for m in _INITIALS.finditer(text):
        caps = m.group(1)
        before = _WORD.findall(text[: m.start()])[-len(caps) :]
        initials = fold("".join(w[0] for w in before))
        if caps.isupper() and len(before) == len(caps) and initials == fold(caps):
            names.append(m.span(1))
    for start, end in sorted(names, reverse=True):
        text = text[:start] + _NAME + text[end:]
    return text


def tokens(text: str) -> list[_Token]:
    """The text as the screen reads it, between two sentence breaks."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = _names(text).casefold()
    text = _UNIT.sub(r"\1", text)
    text = _STARS.sub(_MASK, text)
    text = _LEET_WORD.sub(lambda m: m.group().translate(_LEET), text)
    text = _SPELLED.sub(lambda m: re.sub(r"[ .\-_*+~/]", "", m.group()), text)
    return [_Token.of(BREAK), *(_Token.of(w) for w in _TOKEN.findall(text)), _Token.of(BREAK)]


def _accented(words: list[_Token]) -> bool:
    """Typed with accents: ``ngu`` is then "ngu", not "ngủ" or "ngũ" without their marks."""
    real = [t for t in words if t.forms != (BREAK,)]
    return bool(real) and 4 * sum(not t.plain for t in real) >= len(real)


@dataclass(frozen=True)
class _Entry:
    label: str
    terms: tuple[_Term, ...]

    def at(self, words: list[_Token], i: int, accented: bool, first: int = 0) -> int | None:
        """The end of a match of ``terms[first:]`` starting at ``words[i]``, or None."""
        for k in range(first, len(self.terms)):
            term = self.terms[k]
            if term.text == GAP:
                for skip in range(GAP_WORDS + 1):
                    if skip and (i + skip > len(words) or words[i + skip - 1].forms == (BREAK,)):
                        return None
                    end = self.at(words, i + skip, accented, k + 1)
                    if end is not None:
                        return end
                return None
            if i >= len(words) or not _matches(term, words[i], accented):
                return None
            i += 1
        return i


def _entry(line: str) -> _Entry | None:
    words = unicodedata.normalize("NFC", line).casefold().split()
    terms = tuple(_Term.parse(w) for w in words)
    if not terms or all(t.text == BREAK for t in terms):
        return None
    label = " ".join(t.folded for t in terms if t.text not in (BREAK, GAP))
    return _Entry(label, terms)


def _compact(entry: _Entry) -> _Entry | None:
    """The phrase written as one word ("địt mẹ" → "địtmẹ")."""
    terms = [t for t in entry.terms if t.text != BREAK]
    if len(terms) < 2 or any(t.prefix or t.text == GAP for t in terms):
        return None
    exact = any(t.exact for t in terms)
    joined = "".join(t.text for t in terms)
    return _Entry(entry.label, (_Term(joined, fold(joined), exact=exact),))


@dataclass(frozen=True)
class Blocklist:
    """Abusive words and phrases, and the exceptions that make them ordinary."""

    entries: tuple[_Entry, ...]
    exceptions: tuple[_Entry, ...] = ()
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Blocklist:
        entries: list[_Entry] = []
        exceptions: list[_Entry] = []
        for line in lines:
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            target = exceptions if line.startswith("!") else entries
            found = _entry(line.lstrip("!"))
            if found:
                target.append(found)
                compact = _compact(found) if target is entries else None
                if compact:
                    entries.append(compact)
        blocklist = cls(tuple(entries), tuple(exceptions))
        for kind, group in (("entries", entries), ("exceptions", exceptions)):
            index: dict[str, list[_Entry]] = {}
            for entry in group:
                first = entry.terms[0]
                index.setdefault("*" if first.prefix else first.key(), []).append(entry)
            blocklist._index[kind] = index
        return blocklist

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(sorted({e.label for e in self.entries}))

    @staticmethod
    def _spans(index: dict, words: list[_Token], accented: bool):
        for i, token in enumerate(words):
            keys = set(token.folded)
            if token.mask:
                keys |= {k for k in index if token.mask.fullmatch(k)}
            candidates = [e for f in keys for e in index.get(f, ())]
            for entry in candidates + index.get("*", []):
                end = entry.at(words, i, accented)
                if end is not None:
                    yield entry.label, i, end

    def matches(self, text: str) -> list[str]:
        """The entries the text contains, folded ("dit me"): the longest where they nest."""
        if not text:
            return []
        words = tokens(text)
        accented = _accented(words)
        allowed = list(self._spans(self._index["exceptions"], words, accented))
        hits = [
            (label, start, end)
            for label, start, end in self._spans(self._index["entries"], words, accented)
            if not any(a < end and start < b for _, a, b in allowed)
        ]
        # "địt" inside "địt mẹ" says nothing more: only the longest matches are named, and
        # of two entries matching the same words ("ditmemay": "dit me may", "ditme*") the longer.
        return sorted(
            {
                label
                for label, start, end in hits
                if not any(
                    a <= start and end <= b and (b - a > end - start or len(other) > len(label))
                    for other, a, b in hits
                    if (a, b) != (start, end) or other != label
                )
            }
        )


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
