"""The desk in the console: a unit's queues with counts, filters, rows, the CSV, and the same
sets as the staff API's ``queue=``."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import g

import backend.api.staff
import backend.console.desk
from backend.services import desk as desk_service
from tests.backend.desk_scenario import NOW, build, user
from tests.factories import sign_in_staff

_ROW = re.compile(r'<li class="queue-row" data-code="([^"]+)"')
_TAB = re.compile(r'id="tab-([a-z_]+)" href="([^"]+)"[^>]*>.*?data-count="(\d+)"')


@pytest.fixture(scope="module")
def codes(module_transaction):
    with module_transaction.build():
        return build()


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """The console and the API read the clock at the scenario's instant."""
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


def rows(page: str) -> list[str]:
    return _ROW.findall(page)


def tabs(page: str) -> dict[str, tuple[str, int]]:
    return {q: (url.replace("&amp;", "&"), int(n)) for q, url, n in _TAB.findall(page)}


def test_each_tab_counts_what_it_lists(console, codes):
    client = console("so-xd.officer")
    page = html(client, "/console/desk")
    found = tabs(page)
    assert list(found) == [q.value for q in desk_service.desk_queues(user("so-xd.officer"))]
    assert "returned" not in found  # returned reports are the coordinator's now
    assert found["escalated"][1] == 1  # so-xd supervises the lighting company
    for queue, (url, count) in found.items():
        listed = rows(html(client, url))
        assert len(listed) == count, queue
    assert found["open"][1] == 6 and set(rows(page)) == {
        codes[n] for n in ("overdue", "today", "week", "later", "waiting", "light")
    }


def test_an_officer_never_sees_another_units_report(console, codes):
    client = console("so-xd.officer")
    foreign = (codes["other"], codes["returned"], codes["unrouted"])
    for url in ("/console/desk?queue=all", "/console/desk?queue=all&q=cho+cai+khe"):
        page = html(client, url)
        assert not any(code in page for code in foreign)
    counts = tabs(html(client, "/console/desk?queue=all&q=karaoke"))
    assert all(count == 0 for _url, count in counts.values())  # so-nnmt's report
    exported = get(client, "/console/desk.csv?queue=all").get_data(as_text=True)
    assert not any(code in exported for code in foreign)


def test_the_overdue_tab_shows_how_late(console, codes):
    client = console("so-xd.officer")
    page = html(client, "/console/desk?queue=overdue&lang=en")
    assert rows(page) == [codes["overdue"]]
    assert ">In progress <span" in page  # the tabs in the page's language
    assert re.search(r'class="due overdue">Overdue · late by [\d.]+ working days<', page)
    today = html(client, "/console/desk?queue=due_today&lang=en")
    assert rows(today) == [codes["today"]]
    assert re.search(r'class="due soon">Due in [\d.]+ working hours<', today)
    waiting = html(client, "/console/desk?queue=waiting&lang=en")
    assert 'class="due waiting">Waiting for the resident<' in waiting
    later = html(client, "/console/desk?queue=to_accept&lang=en")
    assert re.search(r'class="due ok">On time · due ', later)
    assert "Officer: Võ Thị Hạnh" in later  # the head gave "later" to so-xd.officer


def test_search_without_accents_and_the_filters_keep_the_tabs(console, codes):
    client = console("so-xd.officer")
    page = html(client, "/console/desk?q=cho+cai+khe&queue=all")
    assert rows(page) == [codes["overdue"]]
    found = tabs(page)
    assert found["all"][1] == 1 and found["overdue"][1] == 1 and found["in_progress"][1] == 0
    assert "q=cho+cai+khe" in found["overdue"][0]  # the tabs keep the filters
    assert 'value="cho cai khe"' in page
    mine = html(client, "/console/desk?assignee=me&queue=open")
    assert rows(mine) == [codes["later"]]
    by_ward = tabs(html(client, "/console/desk?admin_unit=92-ninh-kieu"))
    assert by_ward["open"][1] == tabs(html(client, "/console/desk"))["open"][1]


def test_bad_filters_answer_a_page_not_a_crash(console, codes):
    client = console("so-xd.officer")
    for query in ("sort=deadline", "queue=nope", "category=nope", "page=0", "admin_unit=xx"):
        response = get(client, f"/console/desk?{query}")
        assert response.status_code == 422, query
        assert response.mimetype == "text/html"


def test_the_csv_opens_in_a_spreadsheet(console, codes):
    client = console("so-xd.officer")
    response = get(client, "/console/desk.csv?queue=open&sort=due_at&lang=en")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == [
        "Code",
        "Filed at",
        "Category",
        "Ward",
        "Status",
        "Unit",
        "Assignee",
        "Due at",
        "Overdue",
        "Working days late",
    ]
    page = html(client, "/console/desk?queue=open&sort=due_at")
    assert [row[0] for row in table[1:]] == rows(page)  # the page's order
    overdue = next(row for row in table if row[0] == codes["overdue"])
    assert overdue[1] == "2026-11-02 08:00" and overdue[7] == "2026-11-23 08:00"
    assert overdue[8] == "yes" and float(overdue[9]) > 0
    assert overdue[5] == "Sở Xây dựng TP Cần Thơ"
    later = next(row for row in table if row[0] == codes["later"])
    assert later[6] == "Võ Thị Hạnh" and later[8] == "no"
    assert response.headers["X-Export-Truncated"] == "false"


def test_a_cut_export_says_so(console, codes, monkeypatch):
    monkeypatch.setattr(desk_service, "EXPORT_MAX", 2)
    client = console("so-xd.officer")
    response = get(client, "/console/desk.csv?queue=open&lang=en")
    table = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(table) == 1 + 2 + 1 and table[-1][0].startswith("# Cut at 2 rows")
    assert response.headers["X-Export-Truncated"] == "true"


def test_the_api_queue_gives_the_same_set(client, console, codes):
    browser = console("so-xd.officer")
    headers = sign_in_staff(client, "so-xd.officer")
    for queue, (url, count) in tabs(html(browser, "/console/desk")).items():
        response = client.get(
            "/staff/v1/reports", query_string={"queue": queue, "page_size": 100}, headers=headers
        )
        assert response.status_code == 200, response.get_json()
        api = {item["code"] for item in response.get_json()["items"]}
        assert api == set(rows(html(browser, url))) and len(api) == count, queue
    bad = client.get("/staff/v1/reports?queue=nope", headers=headers)
    assert bad.status_code == 422 and "queue" in bad.get_json()["error"]["fields"]


def test_the_supervising_unit_sees_the_escalated_case_read_only(console, codes):
    client = console("so-xd.head")
    page = html(client, "/console/desk?queue=escalated&lang=en")
    assert rows(page) == [codes["light"]]
    assert "Escalated to us: read only" in page
    assert "No officer" in page  # who works it is the lighting company's business


def test_the_handling_unit_of_the_escalated_case_has_it_overdue(console, codes):
    found = tabs(html(console("chieu-sang.officer"), "/console/desk"))
    assert "escalated" not in found and found["overdue"][1] == 1


def test_the_coordinators_all_reports(console, codes):
    client = console("coordinator")
    page = html(client, "/console/desk?queue=all&lang=en")
    assert "All reports" in page and 'id="assignee"' not in page
    found = tabs(page)
    assert found["returned"][1] == 1 and found["all"][1] == len(codes)
    assert set(rows(html(client, found["returned"][0]))) == {codes["returned"]}
