"""The coordinator's triage: its queues with counts, each listing its reports."""

from __future__ import annotations

import re

import pytest

import backend.api.staff
import backend.auth
import backend.console.desk
from tests.backend.console.pages import ROW, get, html, tabs
from tests.backend.desk_scenario import NOW, build
from tests.factories import sign_in_staff


@pytest.fixture(scope="module")
def codes(module_transaction):
    with module_transaction.build():
        return build()


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(backend.console.desk, "utcnow", lambda: NOW)
    monkeypatch.setattr(backend.api.staff, "utcnow", lambda: NOW)
    monkeypatch.setattr(backend.auth, "utcnow", lambda: NOW)  # its API session, as opened


def listed(client, url: str) -> set[str]:
    return set(ROW.findall(html(client, url)))


EXPECTED = {
    "unrouted": {"unrouted"},
    "returned": {"returned"},
    "overdue_or_escalated": {"overdue", "light", "lamp"},
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
    assert set(ROW.findall(page)) == {codes["unrouted"]}  # the first queue by default
    for queue, (url, count) in found.items():
        names = {codes[name] for name in EXPECTED[queue]}
        assert listed(client, url) == names and count == len(names), queue


def row_of(page: str, code: str) -> str:
    found = re.search(rf'<li class="queue-row" data-code="{code}".*?</li>', page, re.S)
    assert found, code
    return found.group(0)


def test_each_row_links_to_the_report_page_and_back(console, codes):
    client = console("coordinator")
    page = html(client, "/console/triage?queue=returned")
    assert f'href="/console/reports/{codes["returned"]}?from=triage"' in page
    desk = html(client, "/console/desk?queue=returned")
    assert f'href="/console/reports/{codes["returned"]}"' in desk  # the desk: no ?from=


def test_a_returned_row_says_who_returned_it_when_and_why(console, codes):
    client = console("coordinator")
    row = row_of(html(client, "/console/triage?queue=returned&lang=en"), codes["returned"])
    assert "Returned by Sở Xây dựng TP Cần Thơ on 09:00 11/11/2026" in row
    assert 'Reason: <span lang="vi">Không thuộc thẩm quyền</span>' in row
    vi = row_of(html(client, "/console/triage?queue=returned&lang=vi"), codes["returned"])
    assert "Sở Xây dựng TP Cần Thơ trả lại lúc 09:00 11/11/2026" in vi


def test_an_extension_row_gives_the_date_asked_and_the_reason(console, codes):
    client = console("admin")
    page = html(client, "/console/triage?queue=extension_pending&lang=en")
    row = row_of(page, codes["week"])
    assert "Asks for more time until 17:00 04/12/2026 (asked 09:00 25/11/2026)" in row
    assert 'Reason: <span lang="vi">Chờ vật tư.</span>' in row


def test_triage_rows_never_say_no_officer(console, codes):
    client = console("coordinator")
    for queue in EXPECTED:
        page = html(client, f"/console/triage?queue={queue}&lang=en")
        assert "No officer" not in page, queue
    assert "No officer yet" in html(client, "/console/desk?queue=open&lang=en")


def test_a_queue_that_is_not_the_triages_is_a_bad_filter(console, codes):
    client = console("coordinator")
    response = get(client, "/console/triage?queue=to_accept&lang=en")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Queue (to_accept)" in page and 'href="/console/triage"' in page


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
