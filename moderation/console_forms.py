"""Reading the moderation console's forms: each action's fields with the moderator API's own
schema, plus what only the console asks (see :mod:`moderation.console`): the "I confirm"
box of the destructive actions, a refusal's reason picked, "merge anyway"."""

from __future__ import annotations

from flask import g, request
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


def version(form) -> int:
    raw = form.get("version", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:  # "²".isdigit()
        raise ValidationFailed(fields={"version": ["Not a valid integer."]})
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


def message(error: DomainError) -> str:
    """The error in the page's language; the fields it names only when it says nothing
    more than "some fields are invalid"."""
    text = error.message_en if g.get("lang") == "en" else error.message_vi
    if error.fields and error.message == ValidationFailed.message:
        details = "; ".join(f"{name}: {', '.join(map(str, m))}" for name, m in error.fields.items())
        text = f"{text} ({details})"
    return text


def typed(url: dict) -> dict:
    """What the moderator typed, to fill the form again when the action was refused. The
    confirmation is asked again: the page may show the report changed meanwhile."""
    skip = ("csrf_token", "version", "confirm")
    entered = {k: v for k, v in request.form.items() if k not in skip}
    return {**entered, **{k: str(v) for k, v in url.items()}}
