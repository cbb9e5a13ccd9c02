"""The console's menu: its entries for the signed-in person's role, and their badges, whose
words for screen readers take the plural the number asks for."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from flask_babel import ngettext

from backend.console import SECTIONS, Section
from backend.domain.roles import Role
from backend.i18n import in_language

_BADGE = re.compile(
    r'<a href="(/console/[^"]*)"[^>]*>[^<]*<span class="badge" data-count="(\d+)">'
    r'<span aria-hidden="true">\d+</span><span class="visually-hidden">([^<]*)</span>'
)


def _count(n: int):
    def badge(staff, now: datetime) -> int:
        return n

    return badge


@pytest.fixture
def menu(app, monkeypatch):
    """The menu holds only the sections a test gives (the desk's and the triage's)."""

    def use(*sections: Section) -> None:
        monkeypatch.setitem(app.extensions, SECTIONS, list(sections))

    return use


def test_a_badge_label_is_a_function_of_the_number(menu, console):
    def waiting(n: int) -> str:
        return ngettext("%(num)d report waits", "%(num)d reports wait", n)

    menu(
        Section("console.desk", "Desk", frozenset(Role), badge=_count(1), badge_label=waiting),
        Section("console.triage", "Triage", frozenset(Role), badge=_count(3)),
    )
    page = console("coordinator").get("/console/account?lang=en").get_data(as_text=True)
    badges = {url: (int(n), said) for url, n, said in _BADGE.findall(page)}
    assert badges["/console/desk"] == (1, "1 report waits")
    assert badges["/console/triage"] == (3, "3 new")  # the default, for a section without one


def test_no_badge_without_a_number(menu, console):
    menu(Section("console.desk", "Desk", frozenset(Role), badge=_count(0)))
    page = console("coordinator").get("/console/account?lang=en").get_data(as_text=True)
    assert 'class="badge"' not in page


def test_every_registered_badge_label_takes_a_number(app):
    labelled = [s for s in app.extensions[SECTIONS] if s.badge_label is not None]
    assert {s.endpoint for s in labelled} >= {
        "moderation_console.queue",
        "notifications_console.inbox",
    }
    for section in labelled:
        with in_language("en"):
            one, many = section.badge_label(1), section.badge_label(2)
        assert one.startswith("1 ") and many.startswith("2 "), section.endpoint
    held = next(s for s in labelled if s.endpoint == "moderation_console.queue")
    with in_language("en"):
        assert held.badge_label(1) == "1 report held for moderation"
        assert held.badge_label(5) == "5 reports held for moderation"


def test_every_menu_entry_names_a_page_that_exists(app):
    """The menu leaves out an entry whose page is not there: a misspelt endpoint would
    hide a page from everyone without a word (the operations centre did)."""
    entries = app.extensions.get(SECTIONS, [])
    assert entries
    missing = [s.endpoint for s in entries if s.endpoint not in app.view_functions]
    assert missing == []


def test_the_coordinator_finds_the_operations_centre_in_the_menu(console):
    page = console("coordinator").get("/console/desk").get_data(as_text=True)
    assert 'href="/console/operations"' in page
