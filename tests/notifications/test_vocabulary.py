"""Every notification kind can be told in both languages; nothing is routed on a bare string."""

from __future__ import annotations

import re

import pytest

from backend.domain.vocabulary import EventKind
from notifications import outbox
from notifications.models import LOCALES, NotificationKind
from notifications.templates import TEMPLATES, render

#: What a text may use: the stored parameters (category and decision in the text's language).
PARAMS = {"code", "category", "department", "note", "date", "percent", "decision", "rating"}


def test_every_kind_has_a_vietnamese_and_an_english_text_and_no_text_is_orphaned():
    assert set(TEMPLATES) == set(NotificationKind)
    assert set(LOCALES) == {"vi", "en"}
    for kind, (title, body) in TEMPLATES.items():
        assert title and "%(code)s" in title, kind
        fields = set(re.findall(r"%\((\w+)\)s", title + body))
        assert fields <= PARAMS, (kind, fields - PARAMS)
        for lang in LOCALES:  # translated (the catalogues' completeness: tests/backend)
            assert render(kind, {}, lang, "PA-2026-000001")[0], (kind, lang)


def test_the_routes_are_keyed_by_event_kinds_and_lead_to_notification_kinds():
    routes = [
        (outbox.RESIDENT_KINDS, lambda v: v[0]),
        (outbox.STAFF_KINDS, lambda v: v),
        (outbox.ACCEPT_CLOCK_KINDS, lambda v: v),
    ]
    for table, target in routes:
        for event_kind, value in table.items():
            assert isinstance(event_kind, EventKind)
            assert isinstance(target(value), NotificationKind)
    assert all(isinstance(k, NotificationKind) for k in outbox.URGENT_KINDS)


def test_a_misspelt_kind_cannot_be_rendered():
    assert render("overdue", {}, "en", "PA-2026-000001")[0] == "Report PA-2026-000001 is overdue"
    with pytest.raises(ValueError):
        render("overdeu", {}, "en", "PA-2026-000001")
