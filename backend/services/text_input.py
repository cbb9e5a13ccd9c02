"""Free text typed by people (notes, reasons, comments): NFC, trimmed, bounded."""

from __future__ import annotations

from backend.domain.text import nfc
from backend.errors import ValidationFailed

#: The longest note, reason or answer anyone may write.
TEXT_MAX = 5000


def free_text(
    value: str | None, field: str, *, required: bool = False, max_length: int = TEXT_MAX
) -> str | None:
    """The text in NFC without surrounding spaces; None when empty (refused if required)."""
    text = nfc(value or "")
    if required and not text:
        raise ValidationFailed(fields={field: ["Must not be empty."]})
    if len(text) > max_length:
        raise ValidationFailed(fields={field: [f"At most {max_length} characters."]})
    return text or None
