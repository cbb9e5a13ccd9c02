"""The desk in the console: a unit's queues with counts, filters, rows, the CSV, and the same
sets as the staff API's ``queue=``."""

from __future__ import annotations

import csv
import io
import re

import pytest

import backend.api.staff
import backend.auth
import backend.console.desk
from backend.services import desk as desk_service
from backend.services import desk_export
from tests.backend.console.pages import get, html, rows, tabs
from tests.backend.desk_scenario import NOW, build, user
from tests.factories import sign_in_staff


@pytest.fixture(scope="module")
def codes(module_transaction):
    with module_transaction.build():
        return build()


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """The console and the API read the clock at the scenario's instant."""
    monkeypatch.setattr(backend.console.desk, "utcnow", lambda: NOW)
    monkeypatch.setattr(backend.api.staff, "utcnow", lambda: NOW)
    monkeypatch.setattr(backend.auth, "utcnow", lambda: NOW)  # its API session, as opened


def row_of(page: str, code: str) -> str:
    """One row's HTML."""
    found = re.search(rf'<li class="queue-row" data-code="{code}".*?</li>', page, re.S)
    assert found, code
    return found.group(0)


def due_of(row: str) -> tuple[str, str, str]:
    """A row's deadline: its state (CSS class), its clock and its text."""
    found = re.search(r'class="due (\w+)" data-clock="(\w*)">([^<]*)<', row)
    assert found, row
    return found.groups()


def test_each_tab_counts_what_it_lists(console, codes):
    client = console("so-xd.officer")
    page = html(client, "/console/desk")
    found = tabs(page)
    assert list(found) == [q.value for q in desk_service.desk_queues(user("so-xd.officer"))]
    assert "returned" not in found  # returned reports are the coordinator's now
    assert found["escalated"][1] == 2  # so-xd supervises the lighting company
    for queue, (url, count) in found.items():
        listed = rows(html(client, url))
        assert len(listed) == count, queue
    assert found["open"][1] == 7 and set(rows(page)) == {
        codes[n] for n in ("overdue", "today", "week", "later", "waiting", "light", "lamp")
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


def test_each_row_shows_the_clock_that_is_late_or_next(console, codes):
    client = console("so-xd.officer")
    page = html(client, "/console/desk?queue=all&lang=en")
    # Never accepted, and its handling deadline has passed: the handling clock, in days.
    state, clock, text = due_of(row_of(page, codes["overdue"]))
    assert (state, clock) == ("overdue", "handle")
    assert re.fullmatch(r"Overdue · \d+(\.\d)? working days late", text), text
    # Accepted, due at 16:00 today: hours left, below one working day.
    state, clock, text = due_of(row_of(page, codes["today"]))
    assert (state, clock) == ("soon", "handle")
    assert re.fullmatch(r"Due 16:00 25/11/2026 · \d+(\.\d)? working hours left", text), text
    # Due Friday: two working days left.
    state, clock, text = due_of(row_of(page, codes["week"]))
    assert (clock, text) == ("handle", "Due 10:00 27/11/2026 · 2 working days left")
    # Not accepted yet, on time: the acceptance clock, which comes first.
    state, clock, text = due_of(row_of(page, codes["later"]))
    assert (state, clock) == ("soon", "accept") and text.startswith("To accept by "), text
    assert "Officer: Võ Thị Hạnh" in row_of(page, codes["later"])  # the head gave it
    waiting = row_of(page, codes["waiting"])
    assert 'class="due waiting" data-clock="">Waiting for the resident<' in waiting


def test_an_escalated_report_late_to_accept_is_not_on_time(console, codes):
    """The usability test's case: escalated because its unit did not accept it in time,
    while its handling deadline is weeks away. The row says the acceptance is late, as
    the report page does, never "on time"."""
    client = console("so-xd.officer")
    row = row_of(html(client, "/console/desk?queue=escalated&lang=en"), codes["lamp"])
    state, clock, text = due_of(row)
    assert (state, clock) == ("overdue", "accept")
    assert re.fullmatch(r"Not accepted in time · \d+(\.\d)? working days late", text), text
    assert "On time" not in row
    assert "Another unit's report, escalated to us: read only" in row


def test_numbers_as_vietnamese_writes_them(console, codes):
    client = console("so-xd.officer")
    page = html(client, "/console/desk?queue=all&lang=vi")
    overdue = due_of(row_of(page, codes["overdue"]))[2]
    assert re.fullmatch(r"Quá hạn · trễ \d+(,\d)? ngày làm việc", overdue), overdue
    assert "1,2" in overdue  # 10 working hours: 1.25 days, one decimal
    today = due_of(row_of(page, codes["today"]))[2]
    assert re.search(r"· còn \d+(,\d)? giờ làm việc$", today), today
    assert due_of(row_of(page, codes["week"]))[2].endswith("· còn 2 ngày làm việc")
    lamp = due_of(row_of(page, codes["lamp"]))[2]
    assert re.fullmatch(r"Quá hạn tiếp nhận · trễ \d+(,\d)? ngày làm việc", lamp), lamp
    assert ">7 phản ánh<" in html(client, "/console/desk?queue=open&lang=vi")


def test_accepted_but_not_started_says_so(console, codes):
    client = console("so-xd.officer")
    page = html(client, "/console/desk?queue=in_progress&lang=vi")
    assert set(rows(page)) == {codes["today"], codes["week"]}
    accepted = row_of(page, codes["today"])  # accepted, still "assigned"
    assert 'status-assigned">Đã chuyển đơn vị xử lý<' in accepted
    assert 'class="tag tag-accepted">Đã tiếp nhận<' in accepted
    assert "tag-accepted" not in row_of(page, codes["week"])  # started: the status says it


def test_the_tabs_say_whose_reports_they_hold(console, codes):
    client = console("so-xd.officer")
    page = html(client, "/console/desk?lang=en")
    assert ">Overdue (our unit) <span" in page and ">Escalated to us (read only) <span" in page
    assert ">In progress <span" in page  # the tabs in the page's language
    found = tabs(page)
    assert found["overdue"][1] == 1  # its own; the lighting company's are escalated
    assert {codes["light"], codes["lamp"]} <= set(rows(page))


def test_counts_agree_in_number(console, codes):
    client = console("so-xd.officer")
    one = html(client, "/console/desk?queue=overdue&lang=en")
    assert 'id="total" role="status">1 report<' in one
    many = html(client, "/console/desk?queue=open&lang=en")
    assert 'id="total" role="status">7 reports<' in many
    assert "at most 10,000 rows" in many


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


def test_bad_filters_answer_a_page_naming_them(console, codes):
    client = console("so-xd.officer")
    named = {
        "sort=deadline": "Order (deadline)",
        "queue=nope": "Queue (nope)",
        "category=nope": "Category (nope)",
        "page=0": "Page (0)",
        "admin_unit=xx": "Ward (xx)",
        "queue=returned": "Queue (returned)",  # the coordinator's, not a unit's tab
        "queue=unrouted": "Queue (unrouted)",  # a triage queue
    }
    for query, name in named.items():
        response = get(client, f"/console/desk?{query}&lang=en")
        assert response.status_code == 422, query
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert name in page and 'id="default-queue" href="/console/desk"' in page, query
    csv_answer = get(client, "/console/desk.csv?queue=nope&lang=en")
    assert csv_answer.status_code == 422 and "Queue (nope)" in csv_answer.get_data(as_text=True)
    vi = get(client, "/console/desk?queue=nope&lang=vi").get_data(as_text=True)
    assert "Hàng đợi (nope)" in vi and "Dữ liệu gửi lên không hợp lệ" not in vi


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


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_csv_says_what_the_page_says_with_a_dot(console, codes, lang):
    """Overdue and the working days late as the desk's rows show them (one decimal, the
    page's rounding), the decimal separator a dot in any language."""
    client = console("so-xd.officer")
    table = list(
        csv.reader(io.StringIO(get(client, f"/console/desk.csv?queue=all&lang={lang}").text))
    )
    page = html(client, f"/console/desk?queue=all&lang={lang}")
    yes, no = ("yes", "no") if lang == "en" else ("có", "không")
    late = re.compile(r"(\d+(?:[.,]\d)?) (?:working days? late|ngày làm việc)")
    for row in table[1:]:
        due = re.search(r'class="due overdue" data-clock="handle">([^<]*)<', row_of(page, row[0]))
        assert row[8] == (yes if due else no), row
        if due:
            shown = late.search(due.group(1)).group(1)
            assert row[9] == shown.replace(",", "."), (row, due.group(1))
        else:
            assert row[9] == "", row
    overdue = next(row for row in table if row[0] == codes["overdue"])
    assert overdue[9] == "1.2"  # 10 working hours: 1.25 days, rounded as the page rounds


def test_a_cut_export_says_so(console, codes, monkeypatch):
    monkeypatch.setattr(desk_export, "EXPORT_MAX", 2)
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
    assert set(rows(page)) == {codes["light"], codes["lamp"]}
    row = row_of(page, codes["light"])
    assert "Another unit's report, escalated to us: read only" in row
    # Who works it is the lighting company's business: neither a name nor "no officer".
    assert 'class="assignee"' not in row


def test_filtering_by_officer_tells_a_supervisor_nothing_about_the_escalated_case(
    console, codes, client
):
    # "Nobody yet" (or a named officer of the other unit) would say who works it.
    head = console("so-xd.head")
    for value in ("none", "chieu-sang.officer"):
        page = html(head, f"/console/desk?queue=escalated&assignee={value}")
        assert not {codes["light"], codes["lamp"]} & set(rows(page)), value
        api = client.get(
            f"/staff/v1/reports?queue=escalated&assignee={value}",
            headers=sign_in_staff(client, "so-xd.officer"),
        ).get_json()
        assert api["items"] == [], value


def test_the_handling_unit_of_the_escalated_case_has_it_overdue(console, codes):
    found = tabs(html(console("chieu-sang.officer"), "/console/desk"))
    assert "escalated" not in found and found["overdue"][1] == 1


def test_the_coordinators_all_reports(console, codes):
    client = console("coordinator")
    page = html(client, "/console/desk?queue=all&lang=en")
    assert "All reports" in page and 'id="assignee"' not in page
    assert 'id="officer-hint"' in page  # pick a unit first
    found = tabs(page)
    assert found["returned"][1] == 1 and found["all"][1] == len(codes)
    assert "escalated" not in found  # nothing is escalated to the coordinator as a unit
    assert set(rows(html(client, found["returned"][0]))) == {codes["returned"]}
    assert get(client, "/console/desk?queue=escalated").status_code == 422


def officers_offered(page: str) -> dict[str, str]:
    select = re.search(r'<select id="assignee" name="assignee">(.*?)</select>', page, re.S)
    assert select, "no officer filter"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)))


def test_a_head_filters_the_desk_by_officer(console, codes):
    client = console("so-xd.head")
    page = html(client, "/console/desk?lang=en")
    assert officers_offered(page) == {
        "": "Anyone",
        "me": "Given to me",
        "none": "Nobody yet",
        "so-xd.head": "Trần Minh Tâm (0 open)",
        "so-xd.officer2": "Đỗ Văn Long (0 open)",
        "so-xd.officer": "Võ Thị Hạnh (1 open)",
    }
    given = html(client, "/console/desk?assignee=so-xd.officer&queue=open&lang=en")
    assert rows(given) == [codes["later"]]
    assert "Officer: Võ Thị Hạnh" in row_of(given, codes["later"])
    assert officers_offered(given)["so-xd.officer"].endswith("(1 open)")
    assert 'value="so-xd.officer" selected' in given
    nobody = set(rows(html(client, "/console/desk?assignee=none&queue=to_accept")))
    assert nobody == {codes["overdue"]}
    assert rows(html(client, "/console/desk?assignee=so-xd.officer2&queue=open")) == []


def test_an_officer_only_filters_what_is_given_to_them(console, codes):
    page = html(console("so-xd.officer"), "/console/desk?lang=en")
    assert 'id="assignee" name="assignee" type="checkbox" value="me"' in page
    assert "so-xd.officer2" not in page


def test_the_coordinator_filters_a_units_officers(console, codes):
    client = console("coordinator")
    page = html(client, "/console/desk?department=so-xd&queue=open&lang=en")
    offered = officers_offered(page)
    assert "me" not in offered and offered["none"] == "Nobody yet"
    assert offered["so-xd.officer"] == "Võ Thị Hạnh (1 open)"
    assert set(rows(page)) == {codes[n] for n in ("overdue", "today", "week", "later", "waiting")}
    given = html(client, "/console/desk?department=so-xd&assignee=so-xd.officer&queue=open")
    assert rows(given) == [codes["later"]]
    assert get(client, "/console/desk?department=nope").status_code == 422


def test_the_filter_form_folds_away_until_a_filter_is_used(console, codes):
    client = console("so-xd.officer")
    plain = html(client, "/console/desk?lang=en")
    assert '<details id="filters-box" class="filters-box">' in plain  # closed
    assert 'id="active-filters"' not in plain
    assert "/console/static/desk.js" in plain  # opens it on a wide screen
    sorted_only = html(client, "/console/desk?sort=newest&lang=en")
    assert '<details id="filters-box" class="filters-box">' in sorted_only  # not a filter
    used = html(client, "/console/desk?q=cho+cai+khe&category=giao-thong&lang=en")
    assert '<details id="filters-box" class="filters-box" open>' in used
    assert 'id="active-filters">2 active<' in used
    script = get(client, "/console/static/desk.js")
    assert script.status_code == 200 and b"filters-box" in script.get_data()
