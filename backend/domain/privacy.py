"""Personal data in public text: Vietnamese phone and identity numbers, e-mails, profile links.

The public sees the masked text; moderators and the reporter see the original.

The text is first read as a machine would, each read character kept tied to the
characters it came from so that the original is masked: zero-width characters dropped,
full-width and other Unicode digits and look-alike signs (``０``, ``＠``, ``．``) read as
their ASCII forms, decomposed accents composed, HTML entities and URL escapes decoded
(``&#64;``, ``%40``), inline markup dropped (``09123<b>45678``). Numbers are then found
as groups of digits with the separators people type between them, and classified:

- a phone number: a mobile ``0[35789]`` + 8 digits (or the old ``01`` + 9), a landline
  ``02`` + 9 digits, or either with ``84`` / ``+84`` / ``0084`` for the leading 0. Its
  groups may be split by spaces, dots, dashes, brackets, and also by ``/ , _ ; : * ~ |``,
  en and em dashes, middle dots, bullets, ``、`` or a new line, typed digit by digit, or
  glued to letters (``sdt0912345678``);
- an identity number: 12 digits (CCCD) or 9 (old CMND), split by spaces, dots, dashes or
  brackets, or typed digit by digit (the whole stretch of single digits, and not counting
  "1 2 3 … 9"); split by ``/ _ ,`` only after a label (``CCCD``, ``CMND``, ``ID``…) or as
  12 digits starting with 0 in groups of three or more. Groups of one or two digits among
  longer ones are a list of small numbers ("1 2 … 10 11 12"), never an identity number.

Phone groups may also be split by ``+ ' " = #``. Facebook links to a profile or page
(``facebook.com/…``, ``m.facebook.com/…``, ``fb.com/…``, ``fb.me/…``) are masked as a
personal link; other links are left alone.

A second reading looks for phone numbers only (never identity numbers) where digits are
spelled as Vietnamese number words (``không chín một hai…``, with or without accents,
mixed with digits) or typed as look-alike letters inside a run of digits (``o9l2345678``,
``0912345G78``). Number words are read only in a run worth at least ten digits, and such
a reading counts only when it makes a valid phone number, so "hai ba ngày nay" or
"năm 2025" are never masked.

Dates (``12/03/2026``) are no number groups; amounts, house numbers and report codes
have no phone's digits and are left alone. E-mail addresses are found with ``@`` or its
look-alikes (``＠``, ``﹫``, ``(at)``, ``[at]``, "a còng", "(a còng)") and ``.`` or
"(dot)"/"chấm"/"(chấm)",
also with spaces around the dot or a comma for it before a common ending (``gmail . com``,
``gmail,com``).
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import overload

MASKS = {
    "email": "[email]",
    "identity_number": "[số giấy tờ]",
    "phone": "[số điện thoại]",
    "profile_link": "[liên kết cá nhân]",
}

_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff")
_UNUSUAL = re.compile("[" + "".join(sorted(_INVISIBLE)) + "&%<]|(?![0-9])\\d")
_ENDINGS = r"(?:com|net|org|vn|edu|gov|info|biz|io)(?![\w-])"
_AT = r"(?:\s*(?:@|[(\[{]\s*(?:at|a\s+còng)\s*[)\]}]|\ba\s+còng\b)\s*)"
_DOT = rf"(?:\s*[(\[{{]\s*(?:dot|chấm)\s*[)\]}}]\s*|\s+chấm\s+|\s*[.,]\s*(?={_ENDINGS})|\.)"
_EMAIL = re.compile(
    rf"(?<![\w+.-])[\w+-]+(?:\.[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE
)
#: A Facebook profile (or page) link: it names a person as surely as a phone number does.
_PROFILE = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:(?:www|m|mobile|mbasic|web)\.)?"
    r"(?:facebook\.com|fb\.com|fb\.me)"
    r"/[^\s<>\"'()\[\]{},]*[^\s<>\"'()\[\]{},.!?;:]",
    re.IGNORECASE,
)
#: What names an identity number just before it ("CCCD 079/095/001/234").
_LABEL = re.compile(
    r"(?<!\w)(?:cccd|cmnd|cmt|căn cước|can cuoc|chứng minh|chung minh|giấy tờ|giay to|"
    r"định danh|dinh danh|id)(?:\W{1,3}(?:số|so))?\W{0,4}$",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"(?<![\d./-])(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})(?![\d]|[./-]\d)"
)
#: Times of day ("09:00, 13:30"): ":" splits phone numbers too, times are no part of one.
_TIME = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?![\d:])")
#: Amounts of money: "500.000 đồng", "1.200.000.000đ", "3,500,000 VND".
_AMOUNT = re.compile(
    r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?\s*"
    r"(?:đồng|đ|vnđ|vnd|dong|₫|nghìn|ngàn|triệu|trieu|tỷ|ty)(?!\w)",
    re.IGNORECASE,
)
#: Separators inside one number as it is usually written, and the others people use.
_SEPARATORS = " \t.-()"
_SPLITTERS = "/,_\n\r;:*~|–—‒−‐‑·•∙⋅‧・、+'\"=#"
#: The splitters an identity number may also be split by (when named, or a CCCD's 0 leads).
_ID_SPLITTERS = _SEPARATORS + "/_,"
_SEP = f"[{re.escape(_SEPARATORS + _SPLITTERS)}]"
_GROUPS = re.compile(rf"\+?\(?\d+(?:{_SEP}+\d+)*")
_GROUP = re.compile(r"\d+")
_PHONE = re.compile(r"0[35789]\d{8}|01\d{9}|02\d{9}")

#: What the first reading decodes: HTML entities, URL escapes of "@" and ".", markup.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ESCAPE = re.compile(r"%(40|2[eE])")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b[^<>]{0,200}>")
_INLINE = frozenset(
    "a b big code del em font i ins mark s small span strong sub sup tt u".split()  # noqa: SIM905
)
_DECOMPOSED = re.compile(r"[^\W\d_][\u0300-\u036f]+")

#: Vietnamese number words, as the second reading spells them (with or without accents).
_WORDS = {
    "0": "không khong linh lẻ",
    "1": "một mot mốt",
    "2": "hai",
    "3": "ba",
    "4": "bốn bon tư tu",
    "5": "năm nam lăm lam",
    "6": "sáu sau",
    "7": "bảy bay bẩy",
    "8": "tám tam",
    "9": "chín chin",
}
_DIGIT_OF = {w: d for d, words in _WORDS.items() for w in words.split()}
_WORD = "(?<!\\w)(?:" + "|".join(sorted(_DIGIT_OF, key=len, reverse=True)) + ")(?!\\w)"
_WORD_RE = re.compile(_WORD, re.IGNORECASE)
_WORD_RUN = re.compile(rf"(?:{_WORD}|\d+)(?:{_SEP}+(?:{_WORD}|\d+))+", re.IGNORECASE)
#: Letters typed for digits inside a run of digits.
_LOOKALIKE = {"o": "0", "O": "0", "l": "1", "I": "1", "|": "1", "G": "6"}
_TOKEN = re.compile(r"[0-9A-Za-z|]+")
_CHAIN = re.compile("[" + re.escape("".join(_LOOKALIKE)) + "]{1,2}(?=[0-9])")


class _Shadow:
    """The text as read for matching, and for each of its characters the original span."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.origin: list[tuple[int, int]] | None = None  # None: read as written
        self.changed: list[tuple[int, int]] = []  # original spans read otherwise
        if unicodedata.is_normalized("NFKC", text) and not _UNUSUAL.search(text):
            return  # most reports
        chars: list[str] = []
        origin: list[tuple[int, int]] = []
        for i, ch in enumerate(text):
            if ch in _INVISIBLE:
                continue
            digit = unicodedata.decimal(ch, None)
            read = str(digit) if digit is not None else unicodedata.normalize("NFKC", ch)
            for c in read:
                chars.append(c)
                origin.append((i, i + 1))
        self.text, self.origin = "".join(chars), origin
        self.replace([(m.start(), m.end(), _nfc(m)) for m in _DECOMPOSED.finditer(self.text)])
        self.replace([(m.start(), m.end(), _entity(m)) for m in _ENTITY.finditer(self.text)])
        self.replace([(m.start(), m.end(), _escape(m)) for m in _ESCAPE.finditer(self.text)])
        self.replace([(m.start(), m.end(), _tag(m)) for m in _TAG.finditer(self.text)])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``self.text[start:end]`` (invisible characters inside it too)."""
        if self.origin is None:
            return start, end
        return self.origin[start][0], self.origin[end - 1][1]

    def replace(self, changes: list[tuple[int, int, str | None]]) -> bool:
        """Read each ``text[start:end]`` as the new string (None: unchanged), in order."""
        changes = [c for c in changes if c[2] is not None and c[2] != self.text[c[0] : c[1]]]
        if not changes:
            return False
        chars: list[str] = []
        origin: list[tuple[int, int]] = []
        at = 0
        for start, end, new in changes:
            chars.append(self.text[at:start])
            origin.extend(self.span(k, k + 1) for k in range(at, start))
            whole = self.span(start, end) if end > start else self.span(start, start + 1)
            self.changed.append(whole)
            chars.append(new)
            origin.extend([whole] * len(new))
            at = end
        chars.append(self.text[at:])
        origin.extend(self.span(k, k + 1) for k in range(at, len(self.text)))
        self.text, self.origin = "".join(chars), origin
        return True

    def copy(self) -> _Shadow:
        other = object.__new__(_Shadow)
        other.text, other.origin, other.changed = self.text, self.origin, []
        return other


def _nfc(m: re.Match) -> str:
    return unicodedata.normalize("NFC", m.group())


def _entity(m: re.Match) -> str | None:
    read = html.unescape(m.group())
    return unicodedata.normalize("NFKC", read) if len(read) == 1 else None


def _escape(m: re.Match) -> str:
    return "@" if m.group(1) == "40" else "."


def _tag(m: re.Match) -> str:
    return "" if m.group(1).lower() in _INLINE else "\n"


def _spelled(shadow: _Shadow) -> _Shadow | None:
    """The second reading: look-alike letters and number words as digits (None: no change)."""
    second = shadow.copy()
    changed = second.replace(
        [
            (token.start() + m.start(), token.start() + m.end(), _lookalike(token, m))
            for token in _TOKEN.finditer(second.text)
            for m in _CHAIN.finditer(token.group())
        ]
    )
    words = []
    for run in _WORD_RUN.finditer(second.text):
        spelled = list(_WORD_RE.finditer(run.group()))
        digits = sum(len(g) for g in _GROUP.findall(run.group())) + len(spelled)
        if spelled and digits >= 10:
            words += [
                (run.start() + w.start(), run.start() + w.end(), _DIGIT_OF[w.group().casefold()])
                for w in spelled
            ]
    changed = second.replace(words) or changed
    return second if changed else None


def _lookalike(token: re.Match, chain: re.Match) -> str | None:
    """The digits a chain of look-alike letters stands for, if the word is mostly digits."""
    word = token.group()
    if chain.start() > 0 and not word[chain.start() - 1].isdigit():
        return None  # "zalo0987…": letters of a word before the number
    digits = sum(c.isdigit() for c in word)
    if digits < 2 or digits < sum(c in _LOOKALIKE for c in word):
        return None
    return "".join(_LOOKALIKE[c] for c in chain.group())


def _phone(digits: str, plus: bool) -> bool:
    if digits.startswith("0084"):
        digits, plus = digits[2:], True
    if digits.startswith("84") and (plus or len(digits) in (11, 12)):
        national = "0" + digits[2:]
        if national.startswith("00"):  # +84 (0) 901 ...
            national = national[1:]
        if _PHONE.fullmatch(national):
            return True
    return not plus and bool(_PHONE.fullmatch(digits))


def _doubled(digits: str) -> bool:
    """A mobile number with its 0 typed twice, once as a letter ("0o912345678")."""
    return len(digits) == 11 and digits.startswith("00") and bool(_PHONE.fullmatch(digits[1:]))


def _numbers(text: str, blocked: list[tuple[int, int]], phones_only: bool = False):
    """(kind, start, end) of every phone and identity number in the (shadow) text."""
    for run in _GROUPS.finditer(text):
        groups = [g for g in _GROUP.finditer(run.group()) if not _inside(run.start(), g, blocked)]
        plus_at = run.start() if run.group().startswith("+") else None
        opening = run.start() if run.group()[0] in "+(" else None
        named = bool(_LABEL.search(text, max(0, run.start() - 30), run.start()))
        i = 0
        while i < len(groups):
            found = _longest(run, groups, i, plus_at, phones_only, named and i == 0)
            if found and found[0] == "identity_number":
                # "lúc 18:30 0912345678": the phone number is no tail of an identity number
                later = (_longest(run, groups, k, None) for k in range(i + 1, found[1] + 1))
                if phones_only or any(f and f[0] == "phone" for f in later):
                    found = None
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


def _longest(
    run: re.Match,
    groups: list[re.Match],
    i: int,
    plus_at: int | None,
    doubled: bool = False,
    named: bool = False,
):
    """The longest number made of ``groups[i:j + 1]``: (kind, j), or None."""
    phone = identity = None
    digits = ""
    usual = as_id = True  # only the usual separators so far; those of an identity number
    for j in range(i, len(groups)):
        if j > i:
            between = _between(run, groups, j)
            if any(c.isdigit() for c in between):  # a date sits between them
                break
            usual = usual and all(c in _SEPARATORS for c in between)
            as_id = as_id and all(c in _ID_SPLITTERS for c in between)
        digits += groups[j].group()
        if len(digits) > 14:
            break
        plus = i == 0 and plus_at is not None
        if _phone(digits, plus) or (doubled and not plus and _doubled(digits)):
            phone = ("phone", j)
        elif as_id and not plus and _identity(run, groups, i, j, digits, usual, named):
            identity = ("identity_number", j)
    # A phone number followed by a short number ("0912345678 24 giờ") stays a phone number,
    # but twelve digits typed one by one are an identity number, not a phone and two digits.
    if identity and phone and identity[1] > phone[1] and _one_by_one(groups[i : identity[1] + 1]):
        return identity
    return phone or identity


def _between(run: re.Match, groups: list[re.Match], j: int) -> str:
    return run.group()[groups[j - 1].end() : groups[j].start()]


def _one_by_one(groups: list[re.Match]) -> bool:
    return len(groups) > 1 and all(len(g.group()) == 1 for g in groups)


def _identity(run, groups, i: int, j: int, digits: str, usual: bool, named: bool) -> bool:
    """Whether ``groups[i:j + 1]`` read as an identity number, not a list of small numbers."""
    if len(digits) not in (9, 12):
        return False
    sizes = [len(g.group()) for g in groups[i : j + 1]]
    if _one_by_one(groups[i : j + 1]):  # digit by digit: the whole stretch, not part of "1 2 … 12"
        before = i > 0 and set(_between(run, groups, i)) <= set(_SEPARATORS)
        after = j + 1 < len(groups) and set(_between(run, groups, j + 1)) <= set(_SEPARATORS)
        counting = digits in "0123456789"  # "1 2 3 4 5 6 7 8 9"
        return not before and not after and not counting and (usual or named)
    if len(sizes) > 1 and min(sizes) < 3:  # "4 5 6 7 8 9 10 11 12", "18 30 09123456"
        return False
    return usual or named or (len(digits) == 12 and digits[0] == "0")


def _blocked(text: str, emails: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    blocked = [m.span() for m in _DATE.finditer(text)]
    blocked += [m.span() for m in _AMOUNT.finditer(text)]
    blocked += [m.span() for m in _TIME.finditer(text)]
    return blocked + [(a, b) for _, a, b in emails]


def _find(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) in the original text, in order, none overlapping."""
    shadow = _Shadow(text)
    emails = [("email", m.start(), m.end()) for m in _EMAIL.finditer(shadow.text)]
    emails += [("profile_link", m.start(), m.end()) for m in _PROFILE.finditer(shadow.text)]
    candidates = [(kind, *shadow.span(a, b)) for kind, a, b in emails]
    candidates += [
        (kind, *shadow.span(a, b))
        for kind, a, b in _numbers(shadow.text, _blocked(shadow.text, emails))
    ]
    second = _spelled(shadow)
    if second is not None:  # phone numbers the first reading could not see
        for kind, a, b in _numbers(second.text, _blocked(second.text, []), phones_only=True):
            start, end = second.span(a, b)
            if any(start <= x and y <= end for x, y in second.changed):
                candidates.append((kind, start, end))
    # Links and e-mails first, then phone numbers (the longest first), then identity numbers.
    rank = {"profile_link": 0, "email": 0, "phone": 1, "identity_number": 2}
    chosen: list[tuple[str, int, int]] = []
    for kind, start, end in sorted(candidates, key=lambda c: (rank[c[0]], c[1] - c[2], c[1])):
        if not any(a < end and start < b for _, a, b in chosen):
            chosen.append((kind, start, end))
    return sorted(chosen, key=lambda c: c[1])


def find_personal_data(text: str) -> list[str]:
    """Kinds of personal data present (for the moderator's findings)."""
    if not text:
        return []
    return sorted({kind for kind, _, _ in _find(text)})


def personal_data_spans(text: str | None) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each piece of personal data in ``text``, in order and never
    overlapping: what :func:`mask_personal_data` masks (the moderation console marks it)."""
    return _find(text) if text else []


@overload
def mask_personal_data(text: str) -> str: ...
@overload
def mask_personal_data(text: None) -> None: ...


def mask_personal_data(text: str | None) -> str | None:
    """The text with e-mails, identity numbers and phone numbers replaced by labels (None stays)."""
    if not text:
        return text
    parts: list[str] = []
    at = 0
    for kind, start, end in _find(text):
        parts.append(text[at:start])
        parts.append(MASKS[kind])
        at = end
    parts.append(text[at:])
    return "".join(parts)
