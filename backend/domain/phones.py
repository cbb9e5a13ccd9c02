"""Vietnamese phone numbers as one form (E.164, ``+84...``), and the placeholder accounts
an operator's intake files reports under until their owner signs in with the phone."""

from __future__ import annotations

import re

#: ``+84`` then a 9-digit national number (mobile 3/5/7/8/9x, landline 2xx); 10 digits for
#: a few older landlines.
_E164_VN = re.compile(r"\+84[235789]\d{8,9}")
_SEPARATORS = re.compile(r"[\s.\-()/]")

#: A resident the intake created for a phone nobody signed in with yet: adopted (its
#: Firebase uid set) at the first sign-in with that phone.
PLACEHOLDER_PREFIX = "phone:"
#: The one account behind the reports an operator took without a phone: nobody claims it.
WALK_IN_UID = "intake:walk-in"


class InvalidPhone(ValueError):
    """Not a Vietnamese phone number."""


def normalise(raw: str) -> str:
    """``raw`` as E.164 (``0912 345 678``, ``84912345678``, ``+84 912-345-678`` ->
    ``+84912345678``), or :class:`InvalidPhone`."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+84" + digits[1:]
    elif digits.startswith("84"):
        digits = "+" + digits
    if not _E164_VN.fullmatch(digits):
        raise InvalidPhone(raw)
    return digits


def placeholder_uid(phone: str) -> str:
    """The Firebase uid a placeholder for ``phone`` (E.164) holds until adopted."""
    return PLACEHOLDER_PREFIX + phone


def is_placeholder(firebase_uid: str) -> bool:
    """Not a real Firebase account: a phone's placeholder or the walk-in account."""
    return firebase_uid.startswith(PLACEHOLDER_PREFIX) or firebase_uid == WALK_IN_UID
