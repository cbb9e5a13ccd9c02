"""Reading the moderation console's forms: each action's fields with the moderator API's own
schema, plus what only the console asks (see :mod:`moderation.console`): the "I confirm"
box of the destructive actions, a refusal's reason picked, "merge anyway"."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from backend.console import forms
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


InvalidVersion = forms.InvalidVersion  # the report page's, for the moderation pages too
version = forms.version


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
    loaded = forms.load(schema(), data)
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
    """The error in the page's language, the fields named by ``action``'s form labels."""
    return forms.message(error, lambda field: label(action, field))


def typed(url: dict) -> dict:
    """What the moderator typed, to fill the form again when the action was refused. The
    confirmation is asked again: the page may show the report changed meanwhile."""
    skip = ("csrf_token", "version", "confirm")
    entered = {k: v for k, v in request.form.items() if k not in skip}
    return {**entered, **{k: str(v) for k, v in url.items()}}
