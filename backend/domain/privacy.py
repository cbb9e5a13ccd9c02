"""Personal data in public text: Vietnamese phone numbers, identity numbers, e-mail addresses.

The public sees the masked text; moderators and the reporter see the original.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 12-digit citizen identity (CCCD) numbers and 9-digit old identity (CMND) numbers.
_ID12 = re.compile(r"(?<!\d)\d{12}(?!\d)")
_ID9 = re.compile(r"(?<!\d)\d{9}(?!\d)")
# 0xx or +84 / 84 followed by 8-10 more digits, with optional spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\d+])(?:\+84|84|0)(?:[\s.\-]?\d){8,10}(?![\d])")

MASKS = {
    "email": "[email]",
    "identity_number": "[số giấy tờ]",
    "phone": "[số điện thoại]",
}


def find_personal_data(text: str) -> list[str]:
    """Kinds of personal data present (for the moderator's findings)."""
    kinds = []
    if _EMAIL.search(text):
        kinds.append("email")
    if _ID12.search(text) or _ID9.search(text):
        kinds.append("identity_number")
    if _PHONE.search(_ID12.sub("", text)):
        kinds.append("phone")
    return kinds


def mask_personal_data(text: str) -> str:
    """The text with e-mails, identity numbers and phone numbers replaced by labels."""
    text = _EMAIL.sub(MASKS["email"], text)
    text = _ID12.sub(MASKS["identity_number"], text)
    text = _PHONE.sub(MASKS["phone"], text)
    return _ID9.sub(MASKS["identity_number"], text)
