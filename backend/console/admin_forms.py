"""What the administration pages' forms share: reading a posted form through the staff
API's schema, and the refusal's message and fields for the page."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import render_template
from marshmallow import Schema

from backend.console import forms
from backend.db import rollback
from backend.errors import DomainError


def read(schema: Schema, form: Mapping, *, lists: tuple[str, ...] = (), flags=()) -> dict:
    """The form's fields through ``schema``: blank text is absent, ``lists`` are the
    fields sent several times (checkboxes), ``flags`` checkboxes read as booleans."""
    data: dict = {}
    for key in form:
        if key in ("csrf_token", "tag") or key in lists or key in flags:
            continue
        value = form.get(key, "")
        if value.strip():
            data[key] = value
    for key in lists:
        data[key] = [v for v in form.getlist(key) if v.strip()]
    for key in flags:
        data[key] = form.get(key) == "yes"
    return forms.load(schema, data)


def refused(template: str, error: DomainError, label: Callable[[str], object], **context):
    """The page again, with what was typed and why it was refused (nothing changed)."""
    rollback()
    message = forms.message(error, label)
    page = render_template(template, error=message, error_fields=set(error.fields or ()), **context)
    return page, error.status
