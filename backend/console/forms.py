"""What every console form shares (the report page's and the moderation pages'): the
report's version it was built from, reading it through a schema, and a refusal's message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import g
from marshmallow import Schema, ValidationError

from backend.domain.text import N_
from backend.errors import DomainError, ValidationFailed
from backend.services import lookup


class InvalidVersion(ValidationFailed):
    code = "invalid_version"
    message = N_(
        "This form does not say which version of the report it was made from, so nothing "
        "was changed. Open the report again and retry."
    )


def version(form: Mapping) -> int:
    """The report's version the form was built from. A form without one (or not a plain
    number) is refused, never acted on unchecked."""
    found = lookup.parse_version(form.get("version"))
    if found is None:
        raise InvalidVersion(fields={"version": ["Not a valid integer."]})
    return found


def load(schema: Schema, data: dict) -> dict:
    """``data`` through ``schema``; its refusal as the one ValidationFailed, field by field."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        raise ValidationFailed(
            fields={
                k: [str(m) for m in (v if isinstance(v, list) else [v])]
                for k, v in messages.items()
            }
        ) from exc


def message(error: DomainError, label: Callable[[str], object | None]) -> str:
    """The error in the page's language; for a generic "fields are invalid", which ones by
    their labels on the form (``label(field)``, None for a field no form shows), never the
    technical names or the schemas' English messages."""
    text = error.in_language(g.get("lang", "vi"))
    if error.fields and error.code == ValidationFailed.code:
        names = [str(found) for f in error.fields if (found := label(f.split("[")[0]))]
        if names:
            text = f"{text} ({', '.join(dict.fromkeys(names))})"
    return text
