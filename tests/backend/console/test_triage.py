"""The coordinator's triage: its queues with counts, each listing its reports."""

from __future__ import annotations

import re

import pytest
from flask import g

import backend.api.staff
import backend.console.desk
from tests.backend.desk_scenario import NOW, build
from tests.factories import sign_in_staff

_ROW = re.compile(r'<li class="queue-row" data-code="([^"]+)"')
_TAB = re.compile(r'id="tab-([a-z_]+)" href="([^"]+)"[^>]*>.*?data-count="(\d+)"')


@pytest.fixture(scope="module")
def codes(module_transaction):
    with module_transaction.build():
        return build()


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(backend.console.desk, "utcnow", lambda: NOW)
    monkeypatch.setattr(backend.api.staff, "utcnow", lambda: NOW)


def get(client, url: str):
    # The tests share one app context, and with it ``g``, where Flask-Babel keeps the
    # language of "this request": forget it, as a new request in production would.
    g.pop("_flask_babel", None)
    return client.get(url)


def html(client, url: str, status: int = 200) -> str:
    response = get(client, url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def tabs(page: str) -> dict[str, tuple[str, int]]:
    return {q: (url.replace("&amp;", "&"), int(n)) for q, url, n in _TAB.findall(page)}


def listed(client, url: str) -> set[str]:
    return set(_ROW.findall(html(client, url)))


EXPECTED = {
    "unrouted": {"unrouted"},
    "returned": {"returned"},
    "overdue_or_escalated": {"overdue", "light"},
    "extension_pending": {"week"},
    "no_apology": {"overdue", "light"},
    "awaiting_closure": {"resolved", "rated", "old"},
}


@pytest.mark.parametrize("username", ["coordinator", "admin"])
def test_the_triage_queues_list_what_they_count(console, codes, username):
    client = console(username)
    page = html(client, "/console/triage")
    found = tabs(page)
    assert list(found) == list(EXPECTED)
    assert set(_ROW.findall(page)) == {codes["unrouted"]}  # the first queue by default
    for queue, (url, count) in found.items():
        names = {codes[name] for name in EXPECTED[queue]}
        assert listed(client, url) == names and count == len(names), queue


def test_each_row_links_to_the_report_page(console, codes):
    client = console("coordinator")
    page = html(client, "/console/triage?queue=returned")
    assert f'href="/console/reports/{codes["returned"]}"' in page


def test_the_api_queue_gives_the_triage_sets(client, console, codes):
    browser = console("coordinator")
    headers = sign_in_staff(client, "coordinator")
    for queue, (url, _count) in tabs(html(browser, "/console/triage")).items():
        response = client.get(
            "/staff/v1/reports", query_string={"queue": queue, "page_size": 100}, headers=headers
        )
        assert {i["code"] for i in response.get_json()["items"]} == listed(browser, url), queue


@pytest.mark.parametrize("username", ["so-xd.head", "so-xd.officer", "moderator"])
def test_only_the_coordinators_office_triages(console, codes, username):
    client = console(username)
    response = get(client, "/console/triage")
    assert response.status_code == 404 and response.mimetype == "text/html"
