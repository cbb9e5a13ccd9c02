"""Personal data in public text: Vietnamese phone numbers, identity numbers, e-mail addresses.

The public sees the masked text; moderators and the reporter see the original.
Numbers are found as runs of digits with the separators people type between
them (spaces, dots, dashes, brackets), then classified by their digit count:
12 digits (CCCD) or 9 (old CMND) is an identity number; 10 or 11 digits
starting with 0, or with 84 after a plus or country code, is a phone number.
"""

from __future__ import annotations

import re
from typing import overload

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A digit, then digits and separators, ending on a digit; not glued to letters or digits.
_NUMBER = re.compile(r"(?<![\w])\+?\(?\d[\d \t.\-()]*\d(?![\w])")

MASKS = {
    "email": "[email]",
    "identity_number": "[số giấy tờ]",
    "phone": "[số điện thoại]",
}


def _kind(run: str) -> str | None:
    digits = re.sub(r"\D", "", run)
    if run.count(" ") + run.count("\t") > 6:  # a list of numbers, not one number
        return None
    if digits.startswith("84") and (run.lstrip("(").startswith("+") or len(digits) in (11, 12)):
        national = "0" + digits[2:]
        if national.startswith("00"):  # +84 (0) 901 ...
            national = national[1:]
        digits = national
    if len(digits) in (10, 11) and digits.startswith("0"):
        return "phone"
    if len(digits) in (9, 12):
        return "identity_number"
    return None


def find_personal_data(text: str) -> list[str]:
    """Kinds of personal data present (for the moderator's findings)."""
    kinds = set()
    if _EMAIL.search(text):
        kinds.add("email")
    for match in _NUMBER.finditer(_EMAIL.sub(" ", text)):
        kind = _kind(match.group())
        if kind:
            kinds.add(kind)
    return sorted(kinds)


@overload
def mask_personal_data(text: str) -> str: ...
@overload
def mask_personal_data(text: None) -> None: ...


def mask_personal_data(text: str | None) -> str | None:
    """The text with e-mails, identity numbers and phone numbers replaced by labels (None stays)."""
    if not text:
        return text
    text = _EMAIL.sub(MASKS["email"], text)

    def replace(match: re.Match) -> str:
        kind = _kind(match.group())
        return MASKS[kind] if kind else match.group()

    return _NUMBER.sub(replace, text)
