"""Reading the moderation console's forms: each action's fields with the moderator API's own
schema, plus what only the console asks (see :mod:`moderation.console`): the "I confirm"
box of the destructive actions, a refusal's reason picked, "merge anyway"."""

from __future__ import annotations

from flask import g, request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError

from backend.domain.text import N_
from backend.errors import DomainError, ValidationFailed


class ConfirmationRequired(ValidationFailed):
    code = "confirmation_required"
    message = N_("Tick the box to confirm, then submit again. Nothing was changed.")


class ReasonRequired(ValidationFailed):
    code = "reason_required"
    message = N_("Choose why the report is refused. Nothing was changed.")


class CategoryDiffers(ValidationFailed):
    code = "merge_category_differs"
    message = N_(
        "%(original)s is a “%(theirs)s” report and this one is “%(ours)s”. Nothing was "
        "merged: if it really is the same problem, tick “Merge anyway” and merge again."
    )


class InvalidVersion(ValidationFailed):
    """The same words as the report page's (``backend.console.reports``)."""

    code = "invalid_version"
    message = N_(
        "This form does not say which version of the report it was made from, so nothing "
        "was changed. Open the report again and retry."
    )


def version(form) -> int:
    raw = form.get("version", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:  # "²".isdigit()
        raise InvalidVersion(fields={"version": ["Not a valid integer."]})
    return int(raw)


#: Form fields that are not the action's own (the schema's) input.
_FORM_ONLY = ("csrf_token", "version", "suggested", "confirm", "merge_anyway")


def args(name: str, schema: type[Schema], form, *, confirm: bool = False) -> dict:
    """The input of the action ``name`` (its endpoint) from its form."""
    if confirm and form.get("confirm") != "yes":
        raise ConfirmationRequired(fields={"confirm": ["Not ticked."]})
    data = {k: v for k, v in form.items() if k not in _FORM_ONLY}
    if name == "approve" and not (data.get("note") or "").strip():
        data.pop("note", None)
    if name == "reject" and not data.get("reason"):
        raise ReasonRequired(fields={"reason": ["Missing data for required field."]})
    if name == "merge":  # a code typed in wins over a suggestion picked
        data["original"] = (data.get("original") or "").strip() or form.get("suggested", "")
    try:
        loaded = schema().load(data)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
        raise ValidationFailed(
            fields={
                k: [str(m) for m in (v if isinstance(v, list) else [v])]
                for k, v in messages.items()
            }
        ) from exc
    if name == "merge":
        loaded["merge_anyway"] = form.get("merge_anyway") == "yes"
    return loaded


#: The names of the form fields, as the forms label them (for "these fields are invalid").
FIELD_LABELS = {
    "note": _l("Internal note (optional)"),
    "reason": _l("Reason (kept in the record)"),
    "message": _l("Message to the resident"),
    "question": _l("Question (the resident reads it)"),
    "original": _l("Tracking code of the original report"),
    "text": _l("What the public reads"),
}
#: The fields one action's form labels otherwise (by the action's endpoint).
ACTION_FIELD_LABELS = {
    "reject": {"reason": _l("Reason")},
    "public_text": {"reason": _l("Why (kept in the record)")},
}


def label(action: str | None, field: str):
    """What ``action``'s form calls ``field`` (None: a field no form shows)."""
    name = field.split("[")[0]
    return ACTION_FIELD_LABELS.get(action or "", {}).get(name) or FIELD_LABELS.get(name)


def message(error: DomainError, action: str | None = None) -> str:
    """The error in the page's language; for a generic "fields are invalid", which ones
    (by their labels on ``action``'s form, never the technical names or the schema's
    English messages), as the report page does (``backend.console.reports``)."""
    text = error.in_language(g.get("lang", "vi"))
    if error.fields and error.code == ValidationFailed.code:
        names = [str(found) for f in error.fields if (found := label(action, f)) is not None]
        if names:
            text = f"{text} ({', '.join(dict.fromkeys(names))})"
    return text


def typed(url: dict) -> dict:
    """What the moderator typed, to fill the form again when the action was refused. The
    confirmation is asked again: the page may show the report changed meanwhile."""
    skip = ("csrf_token", "version", "confirm")
    entered = {k: v for k, v in request.form.items() if k not in skip}
    return {**entered, **{k: str(v) for k, v in url.items()}}
