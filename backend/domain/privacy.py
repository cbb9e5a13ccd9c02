"""Personal data in public text: Vietnamese phone numbers, identity numbers, e-mail addresses.

The public sees the masked text; moderators and the reporter see the original.

The text is first read as a machine would: zero-width characters dropped, full-width
and other Unicode digits and look-alike signs (``０``, ``＠``, ``．``) read as their ASCII
forms, each kept tied to the characters it came from so that the original is masked.
Numbers are then found as groups of digits with the separators people type between
them, and classified by their digits:

- a phone number: a mobile ``0[35789]`` + 8 digits (or the old ``01`` + 9), a landline
  ``02`` + 9 digits, or either with ``84`` / ``+84`` for the leading 0. Its groups may be
  split by spaces, dots, dashes, brackets, and also by ``/``, ``,``, ``_`` or a new line,
  typed digit by digit, or glued to letters (``sdt0912345678``);
- an identity number: 12 digits (CCCD) or 9 (old CMND), split only by spaces, dots,
  dashes or brackets.

Dates (``12/03/2026``) are no number groups; amounts, house numbers and report codes
have no phone's digits and are left alone. E-mail addresses are found with ``@`` or its
look-alikes (``＠``, ``﹫``, ``(at)``, ``[at]``, "a còng") and ``.`` or "(dot)"/"chấm".
"""

from __future__ import annotations

import re
import unicodedata
from typing import overload

MASKS = {
    "email": "[email]",
    "identity_number": "[số giấy tờ]",
    "phone": "[số điện thoại]",
}

_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff")
_UNUSUAL = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]|(?![0-9])\\d")
_AT = r"(?:\s*(?:@|[(\[{]\s*at\s*[)\]}]|\ba\s+còng\b)\s*)"
_DOT = r"(?:\s*[(\[{]\s*dot\s*[)\]}]\s*|\s+chấm\s+|\.)"
_EMAIL = re.compile(
    rf"(?<![\w+.-])[\w+-]+(?:\.[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE
)
_DATE = re.compile(
    r"(?<![\d./-])(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})(?![\d]|[./-]\d)"
)
#: Amounts of money: "500.000 đồng", "1.200.000.000đ", "3,500,000 VND".
_AMOUNT = re.compile(
    r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?\s*"
    r"(?:đồng|đ|vnđ|vnd|dong|₫|nghìn|ngàn|triệu|trieu|tỷ|ty)(?!\w)",
    re.IGNORECASE,
)
#: Separators inside one number as it is usually written, and the others people use.
_SEPARATORS = " \t.-()"
_SPLITTERS = "/,_\n\r"
_GROUPS = re.compile(rf"\+?\(?\d+(?:[{re.escape(_SEPARATORS + _SPLITTERS)}]+\d+)*")
_GROUP = re.compile(r"\d+")
_PHONE = re.compile(r"0[35789]\d{8}|01\d{9}|02\d{9}")


class _Shadow:
    """The text as read for matching, and for each of its characters the original span."""

    def __init__(self, text: str) -> None:
        if unicodedata.is_normalized("NFKC", text) and not _UNUSUAL.search(text):
            self.text, self.origin = text, None  # read as written (most reports)
            return
        chars: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            if ch in _INVISIBLE:
                continue
            digit = unicodedata.decimal(ch, None)
            read = str(digit) if digit is not None else unicodedata.normalize("NFKC", ch)
            for c in read:
                chars.append(c)
                origin.append(i)
        self.text = "".join(chars)
        self.origin: list[int] | None = origin

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``self.text[start:end]`` (invisible characters inside it too)."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def _phone(digits: str, plus: bool) -> bool:
    if digits.startswith("84") and (plus or len(digits) in (11, 12)):
        national = "0" + digits[2:]
        if national.startswith("00"):  # +84 (0) 901 ...
            national = national[1:]
        if _PHONE.fullmatch(national):
            return True
    return not plus and bool(_PHONE.fullmatch(digits))


def _numbers(text: str, blocked: list[tuple[int, int]]):
    """(kind, start, end) of every phone and identity number in the (shadow) text."""
    for run in _GROUPS.finditer(text):
        groups = [g for g in _GROUP.finditer(run.group()) if not _inside(run.start(), g, blocked)]
        plus_at = run.start() if run.group().startswith("+") else None
        opening = run.start() if run.group()[0] in "+(" else None
        i = 0
        while i < len(groups):
            found = _longest(run, groups, i, plus_at)
            if found:
                kind, j = found
                start = run.start() + groups[i].start()
                if i == 0 and opening is not None:
                    start = opening
                yield kind, start, run.start() + groups[j].end()
                i = j + 1
            else:
                i += 1


def _inside(offset: int, group: re.Match, blocked: list[tuple[int, int]]) -> bool:
    start, end = offset + group.start(), offset + group.end()
    return any(a <= start and end <= b for a, b in blocked)


def _longest(run: re.Match, groups: list[re.Match], i: int, plus_at: int | None):
    """The longest number made of ``groups[i:j + 1]``: (kind, j), or None."""
    phone = identity = None
    digits = ""
    usual = True  # only the usual separators so far
    for j in range(i, len(groups)):
        if j > i:
            between = run.group()[groups[j - 1].end() : groups[j].start()]
            if any(c.isdigit() for c in between):  # a date sits between them
                break
            usual = usual and all(c in _SEPARATORS for c in between)
        digits += groups[j].group()
        if len(digits) > 13:
            break
        plus = i == 0 and plus_at is not None
        if _phone(digits, plus):
            phone = ("phone", j)
        elif usual and not plus and len(digits) in (9, 12):
            identity = ("identity_number", j)
    # A phone number followed by a short number ("0912345678 24 giờ") stays a phone number.
    return phone or identity


def _find(text: str) -> tuple[_Shadow, list[tuple[str, int, int]]]:
    shadow = _Shadow(text)
    found = [("email", m.start(), m.end()) for m in _EMAIL.finditer(shadow.text)]
    blocked = [m.span() for m in _DATE.finditer(shadow.text)]
    blocked += [m.span() for m in _AMOUNT.finditer(shadow.text)]
    blocked += [(a, b) for _, a, b in found]
    numbers = [
        n
        for n in _numbers(shadow.text, blocked)
        if not any(a <= n[1] < b or a < n[2] <= b for _, a, b in found)
    ]
    return shadow, sorted(found + numbers, key=lambda f: f[1])


def find_personal_data(text: str) -> list[str]:
    """Kinds of personal data present (for the moderator's findings)."""
    if not text:
        return []
    return sorted({kind for kind, _, _ in _find(text)[1]})


@overload
def mask_personal_data(text: str) -> str: ...
@overload
def mask_personal_data(text: None) -> None: ...


def mask_personal_data(text: str | None) -> str | None:
    """The text with e-mails, identity numbers and phone numbers replaced by labels (None stays)."""
    if not text:
        return text
    shadow, found = _find(text)
    parts: list[str] = []
    at = 0
    for kind, start, end in found:
        begin, finish = shadow.span(start, end)
        if begin < at:
            continue
        parts.append(text[at:begin])
        parts.append(MASKS[kind])
        at = finish
    parts.append(text[at:])
    return "".join(parts)
