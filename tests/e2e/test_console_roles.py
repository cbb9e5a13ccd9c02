"""The staff console in a real browser, one role at a time (issue 11).

An officer works the overdue queue; a head gives a report to an officer, who finds it on
the desk and in the inbox; the coordinator forwards a returned report and approves an
extension; a moderator approves a held report; sign-out everywhere; every page at phone
width; the login form from the keyboard. (The officer's accept/start/resolve path is in
test_console.py.)

The live server is shared by every e2e file and the tests run in any order: each test
picks its reports by asking the staff API for the state, and makes its own data.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.test_console import (
    PHONE,
    api_token,
    no_sideways_scroll,
    open_form,
    reports_of,
    sign_in,
)
from tests.factories import PHOTOS, bearer, id_token

pytestmark = pytest.mark.e2e
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
#: The menu's entry for the inbox, and its unread badge.
INBOX_LINK = "header nav a[href$='/console/notifications']"


# ---- the staff API, for picking reports and checking what the pages did ------------------


def staff_get(page, live_server, username: str, path: str) -> dict:
    answer = page.request.get(
        live_server + "/staff/v1" + path, headers=api_token(page, live_server, username)
    )
    assert answer.ok, answer.text()
    return answer.json()


def staff_post(page, live_server, username: str, path: str, data: dict) -> dict:
    answer = page.request.post(
        live_server + "/staff/v1" + path,
        headers=api_token(page, live_server, username),
        data=data,
    )
    assert answer.ok, answer.text()
    return answer.json()


def handle_due(report: dict) -> datetime | None:
    """The handling clock's current due date, as the staff or public API gives it."""
    clock = report["deadlines"]["clocks"].get("handle")
    due = clock["current"]["due_at"] if clock else None
    return datetime.fromisoformat(due) if due else None


def shown_due(page, selector: str) -> datetime:
    """The due date a page shows in ``<selector> time[datetime]``."""
    return datetime.fromisoformat(page.locator(f"{selector} time").first.get_attribute("datetime"))


def count_of(page, tab: str) -> int:
    return int(page.locator(f"#tab-{tab} .count").get_attribute("data-count"))


def badge(page) -> int:
    """The inbox's unread badge in the menu (0 when there is none)."""
    found = page.locator(f"{INBOX_LINK} .badge")
    return int(found.get_attribute("data-count")) if found.count() else 0


def rows(page) -> list[str]:
    return page.locator("#reports .queue-row").evaluate_all("els => els.map(e => e.dataset.code)")


def submit(page, button: str, kind: str = "success") -> None:
    """Click a form's ``button`` and wait for the answer page to load, then check that it
    flashes a ``kind`` message (the flashes it shows are in the failure).

    A click waits only for the navigation to start: a page read at once (``is_visible``
    does not wait) may still be the form's own page, without the answer's flash.
    """
    with page.expect_navigation():
        page.click(button)
    shown = page.locator(".flashes .flash").evaluate_all(
        "els => els.map(e => e.className + ': ' + e.innerText)"
    )
    assert page.locator(f".flashes .flash-{kind}").is_visible(), (page.url, shown)


def working_day_after(page, live_server, day: date, days: int) -> date:
    """A working day at least ``days`` calendar days after ``day`` (not a weekend, a
    holiday or a day the administrator made an exception)."""
    closed: set[str] = set()
    candidate = day + timedelta(days=days)
    for year in {candidate.year, candidate.year + 1}:
        calendar = staff_get(page, live_server, "admin", f"/admin/calendar?year={year}")
        closed |= {h["date"] for h in calendar["holidays"]}
        closed |= {e["date"] for e in calendar["exceptions"]}
    while candidate.weekday() >= 5 or candidate.isoformat() in closed:
        candidate += timedelta(days=1)
    return candidate


# ---- 1. an officer works the overdue queue -------------------------------------------------


def test_an_officer_filters_the_overdue_queue_and_opens_a_late_report(
    page, live_server, screenshot
):
    overdue = reports_of(page, live_server, "coordinator", "queue=overdue&page_size=100")
    overdue = [r for r in overdue if r["department"] and r["department"]["kind"] != "coordinator"]
    assert overdue, "the demo has overdue reports"
    # The unit with the most overdue reports.
    unit = Counter(r["department"]["code"] for r in overdue).most_common(1)[0][0]
    mine = reports_of(page, live_server, f"{unit}.officer", "queue=overdue&page_size=100")
    category = mine[0]["category"]["code"]
    expected = {r["code"] for r in mine if r["category"]["code"] == category}

    sign_in(page, live_server, f"{unit}.officer")
    page.wait_for_url("**/console/desk")
    page.click("#tab-overdue")
    page.wait_for_url(re.compile(r"queue=overdue"))
    assert page.locator("#tab-overdue").get_attribute("aria-current") == "page"
    assert count_of(page, "overdue") == len(mine)
    page.select_option("#category", category)
    page.click("#apply")
    page.wait_for_url(re.compile(rf"category={category}"))
    assert "queue=overdue" in page.url  # the filter keeps the tab
    assert set(rows(page)) == expected
    # Each row: flagged overdue, late by a number of working days.
    for row in page.locator("#reports .queue-row").all():
        flag = row.locator(".due.overdue")
        assert flag.count() == 1
        assert re.search(r"\d", flag.inner_text())
    screenshot(page, "console-desk", doc=True)

    first = page.locator("#reports .queue-row").first
    late = re.search(r"\d+(?:[,.]\d+)?", first.locator(".due.overdue").inner_text()).group()
    code = first.get_attribute("data-code")
    first.locator(".report-link").click()
    page.wait_for_url(f"**/console/reports/{code}")
    assert page.locator("#overdue-flag").is_visible()
    assert late in page.locator("#overdue-flag").inner_text()  # the same count of days


# ---- 2. a head gives a report to an officer ------------------------------------------------


def _to_give(page, live_server) -> tuple[dict, str]:
    """A report a unit's head may give to an officer, and an officer it is not given to
    yet (a unit with two officers first: the demo's ca-tp and so-xd)."""
    everything = reports_of(page, live_server, "coordinator", "page_size=100")
    units = {r["department"]["code"] for r in everything if r["department"]}
    for unit in sorted(units, key=lambda u: (u not in ("ca-tp", "so-xd"), u)):
        if unit == "ioc":
            continue
        for report in reports_of(page, live_server, f"{unit}.head", "page_size=100"):
            if "assignee" not in report["allowed_actions"]:
                continue
            assigned = (report["assignee"] or {}).get("username")
            officers = staff_get(page, live_server, f"{unit}.head", f"/units/{unit}/officers")
            for officer in officers:
                name = officer["username"]
                if name != assigned and name.endswith((".officer", ".officer2")):
                    return report, name
    raise AssertionError("the demo has a report a head may give to an officer")


def test_a_head_gives_a_report_to_an_officer_who_finds_it_on_the_desk_and_in_the_inbox(
    new_page, live_server, screenshot
):
    head_page = new_page()
    report, officer = _to_give(head_page, live_server)
    code, unit = report["code"], report["department"]["code"]

    sign_in(head_page, live_server, f"{unit}.head", next_path=f"/console/reports/{code}")
    open_form(head_page, "assignee")
    head_page.select_option("#assignee-officer", officer)
    submit(head_page, "#form-assignee button[type=submit]")
    full_name = staff_get(head_page, live_server, officer, "/me")["full_name"]
    assert head_page.locator("#assignee").inner_text() == full_name

    # The officer, in another browser: the desk's "given to me" lists it.
    page = new_page()
    sign_in(page, live_server, officer)
    page.wait_for_url("**/console/desk")
    page.check("#assignee")
    page.click("#apply")
    page.wait_for_url(re.compile(r"assignee=me"))
    assert code in rows(page)
    row = page.locator(f"#reports .queue-row[data-code='{code}']")
    assert full_name in row.locator(".assignee").inner_text()

    # The inbox: the notification is the newest, unread, counted in the menu's badge.
    unread = staff_get(page, live_server, officer, "/inbox/unread-count")["unread"]
    newest = staff_get(page, live_server, officer, "/inbox?page_size=1")["items"][0]
    assert (newest["kind"], newest["report_code"], newest["read"]) == (
        "officer_assigned",
        code,
        False,
    )
    assert badge(page) == unread >= 1
    page.click(INBOX_LINK)
    page.wait_for_url("**/console/notifications")
    entry = page.locator(f"#notification-{newest['id']}")
    assert "unread" in entry.get_attribute("class")
    assert entry.locator(f"a[href$='/console/reports/{code}']").count() == 1
    screenshot(page, "console-inbox", doc=True)

    entry.locator("button[value=report]").click()  # mark read and open the report
    page.wait_for_url(f"**/console/reports/{code}")
    assert badge(page) == unread - 1
    page.goto(live_server + "/console/notifications")
    assert "read" in page.locator(f"#notification-{newest['id']}").get_attribute("class").split()
    read = staff_get(page, live_server, officer, "/inbox?page_size=1")["items"][0]
    assert (read["id"], read["read"]) == (newest["id"], True)


# ---- 3. the coordinator forwards a returned report -----------------------------------------


def _return_one(page, live_server) -> tuple[str, str]:
    """A unit returns one of its reports in progress to the coordinator (staff API);
    returns its code and the unit."""
    in_progress = reports_of(page, live_server, "coordinator", "status=in_progress&page_size=1")
    assert in_progress, "the demo has a report in progress"
    code, unit = in_progress[0]["code"], in_progress[0]["department"]["code"]
    reason = "Không thuộc thẩm quyền của đơn vị."
    staff_post(page, live_server, f"{unit}.officer", f"/reports/{code}/return", {"reason": reason})
    return code, unit


def test_the_coordinator_forwards_a_returned_report_to_a_unit(page, live_server, screenshot):
    code, returned_by = _return_one(page, live_server)

    sign_in(page, live_server, "coordinator")
    page.wait_for_url("**/console/triage")
    page.click("#tab-returned")
    page.wait_for_url(re.compile(r"queue=returned"))
    waiting = count_of(page, "returned")
    assert code in rows(page)
    screenshot(page, "console-triage", doc=True)

    page.locator(f"#reports .queue-row[data-code='{code}'] .report-link").click()
    page.wait_for_url(f"**/console/reports/{code}?from=triage")
    open_form(page, "forward")
    hint = page.locator("#routing-hint").inner_text()
    chosen = page.locator("#forward-department option:checked").get_attribute("value")
    if chosen:
        # The rules' suggestion is chosen already, and named in the hint; never the unit
        # that has just returned the report.
        assert chosen != returned_by
        units = staff_get(page, live_server, "coordinator", "/departments")
        assert next(d["name"] for d in units if d["code"] == chosen) in hint
        target = chosen
    else:
        # The rules name the unit that returned it: the hint says so, nothing is chosen.
        assert "trả lại" in hint
        values = page.locator("#forward-department option").evaluate_all(
            "os => os.map(o => o.value)"
        )
        target = next(v for v in values if v and v != returned_by)
        page.select_option("#forward-department", target)
    page.fill("#forward-note", "Chuyển đơn vị đúng thẩm quyền.")
    submit(page, "#form-forward button[type=submit]")
    now = staff_get(page, live_server, "coordinator", f"/reports/{code}")
    assert (now["status"], now["department"]["code"]) == ("assigned", target)
    assert page.locator("#unit").inner_text() == now["department"]["name"]

    page.goto(live_server + "/console/triage?queue=returned")
    assert code not in rows(page)
    assert count_of(page, "returned") == waiting - 1


# ---- 4. the coordinator approves an extension ----------------------------------------------


def _extensible(page, live_server) -> tuple[dict, str]:
    """A report whose unit may still ask for more time: its deadline not passed, nor so
    close that it would pass while the test fills the form (the request would then be
    refused as too late)."""
    soonest = datetime.now(LOCAL) + timedelta(hours=1)
    everything = reports_of(page, live_server, "coordinator", "page_size=100")
    units = sorted({r["department"]["code"] for r in everything if r["department"]} - {"ioc"})
    for unit in units:
        for report in reports_of(page, live_server, f"{unit}.officer", "page_size=100"):
            due = handle_due(report)
            if "extensions" in report["allowed_actions"] and due and due > soonest:
                return report, unit
    raise AssertionError("the demo has a report whose deadline has not passed")


def test_the_coordinator_approves_an_extension_and_the_deadline_moves_everywhere(
    new_page, live_server
):
    page = new_page()
    report, unit = _extensible(page, live_server)
    code, before = report["code"], handle_due(report)
    proposed = working_day_after(page, live_server, before.astimezone(LOCAL).date(), 7)

    # The unit's officer asks for more time from the report's page.
    sign_in(page, live_server, f"{unit}.officer", next_path=f"/console/reports/{code}")
    assert shown_due(page, "#handle-current") == before
    open_form(page, "extensions")
    page.fill("#extensions-reason", "Cần chờ vật tư thay thế từ nhà cung cấp.")
    page.fill("#extension-date", proposed.isoformat())
    submit(page, "#form-extensions button[type=submit]")
    assert page.locator("#extensions li").count() >= 1

    # The coordinator finds it among the extension requests and approves it.
    coordinator = new_page()
    sign_in(coordinator, live_server, "coordinator", next_path="/console/triage")
    coordinator.click("#tab-extension_pending")
    coordinator.wait_for_url(re.compile(r"queue=extension_pending"))
    coordinator.locator(f"#reports .queue-row[data-code='{code}'] .report-link").click()
    coordinator.wait_for_url(f"**/console/reports/{code}?from=triage")
    decide = coordinator.locator("form[id^='form-decide-extension-']")
    assert decide.count() == 1
    decide.locator("textarea[name=note]").fill("Đồng ý gia hạn.")
    with coordinator.expect_navigation():
        decide.locator("button[name=approve][value=true]").click()
    assert coordinator.locator(".flashes .flash-success").is_visible()
    assert coordinator.locator("form[id^='form-decide-extension-']").count() == 0

    # The new due date, the same everywhere: the console, the staff API, the public page.
    after = shown_due(coordinator, "#handle-current")
    assert after > before and after.astimezone(LOCAL).date() == proposed
    api = staff_get(page, live_server, "coordinator", f"/reports/{code}")
    assert handle_due(api) == after
    assert api["deadlines"]["clocks"]["handle"]["current"]["basis"] == "extension"
    page.reload()
    assert shown_due(page, "#handle-current") == after  # the officer's page too
    public = new_page()
    public.goto(live_server + f"/r/{code}")
    assert shown_due(public, "#deadlines #handle-current") == after
    assert public.locator("#handle-history #extension").count() == 1


# ---- 5. a moderator approves a held report -------------------------------------------------


def _held_report(page, live_server, phone: str = "+84907770011") -> str:
    """A resident sends, through the app's API, a report the automatic checks hold (a text
    too short to act on); returns its code."""
    signed = page.request.post(
        live_server + "/mobile/v1/auth/firebase", data={"id_token": id_token(phone)}
    )
    assert signed.ok, signed.text()
    photo = PHOTOS / "DSCN0010.jpg"
    sent = page.request.post(
        live_server + "/mobile/v1/reports",
        headers=bearer(signed.json()["access_token"]),
        multipart={
            "category": "chieu-sang",
            "description": "Đèn hỏng",
            "lat": "10.0335",
            "lng": "105.7841",
            "photos": {"name": photo.name, "mimeType": "image/jpeg", "buffer": photo.read_bytes()},
        },
    )
    assert sent.status == 201, sent.text()
    return sent.json()["code"]


def test_a_moderator_approves_a_held_report_which_then_appears_on_the_public_board(
    page, live_server, screenshot
):
    code = _held_report(page, live_server)
    assert page.request.get(live_server + f"/public/v1/reports/{code}").status == 404

    sign_in(page, live_server, "moderator")
    page.wait_for_url("**/console/moderation")
    held = page.locator(f"#held-{code}")
    assert held.locator(".finding-too_short").count() == 1
    screenshot(page, "console-moderation", doc=True)

    held.locator("h2 a").click()
    page.wait_for_url(f"**/console/moderation/{code}")
    assert page.locator("#original-text").inner_text() == "Đèn hỏng"
    history = page.locator("section[aria-labelledby=history-title] li strong")
    assert history.first.inner_text() not in ("", "submit")  # a label, not the event's kind
    screenshot(page, "console-moderation-report", doc=True)
    page.fill("#approve-note", "Nội dung ngắn nhưng rõ: đèn đường hỏng.")
    page.click("#approve-form button[type=submit]")
    page.wait_for_url("**/console/moderation")
    assert code in page.locator(".flashes .flash-success").inner_text()
    assert page.locator(f"#held-{code}").count() == 0

    # Public now: the board (newest first) and the open API.
    page.goto(live_server + "/")
    assert page.locator(f"#reports li.report-card .code:text-is('{code}')").count() == 1
    listed = page.request.get(live_server + "/public/v1/reports")
    assert listed.ok
    assert code in [r["code"] for r in listed.json()["items"]]


# ---- 6. sign-out everywhere ----------------------------------------------------------------


def test_sign_out_everywhere_ends_the_other_browsers_session(new_page, live_server):
    laptop, phone = new_page(), new_page(**PHONE)
    sign_in(laptop, live_server, "admin")
    sign_in(phone, live_server, "admin")
    token = api_token(phone, live_server, "admin")
    assert phone.request.get(live_server + "/staff/v1/me", headers=token).ok

    laptop.goto(live_server + "/console/account")
    assert laptop.locator("table.figures tbody tr").count() >= 2
    laptop.click("#sign-out-everywhere")
    laptop.wait_for_url("**/console/login")
    assert laptop.locator(".flashes .flash-info").is_visible()

    phone.goto(live_server + "/console/desk")
    phone.wait_for_url(re.compile(r"/console/login\?next="))
    assert phone.request.get(live_server + "/staff/v1/me", headers=token).status == 401


# ---- 7. every page at phone width ----------------------------------------------------------


def _menu_usable(page) -> None:
    """Every menu entry and the account menu are on the screen and can be reached."""
    links = page.locator("header nav a")
    assert links.count() >= 1
    for link in links.all():
        assert link.is_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (link.inner_text(), box)
        # Nothing covers it: a tap on its middle lands on the link.
        on_top = link.evaluate(
            "a => { const r = a.getBoundingClientRect();"
            " return a.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)) }"
        )
        assert on_top, link.inner_text()
    # The account menu opens on the screen, its link and button whole.
    page.click(".who summary")
    for part in (".who-menu", ".who-menu a[href$='/console/account']", "#sign-out"):
        assert page.locator(part).is_visible(), part
        box = page.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (part, box)
    page.click(".who summary")  # fold it again


def _at_phone_width(page) -> None:
    no_sideways_scroll(page)
    _menu_usable(page)


def test_every_console_page_at_phone_width(new_page, live_server, screenshot):
    page = new_page(**PHONE)
    page.goto(live_server + "/console/login")
    no_sideways_scroll(page)

    # An officer: the desk, a report, the inbox, the account page, all through the menus.
    sign_in(page, live_server, "ca-tp.officer")
    page.wait_for_url("**/console/desk")
    _at_phone_width(page)
    screenshot(page, "console-desk-phone", doc=True)
    page.locator("#reports .report-link").first.click()
    page.wait_for_url("**/console/reports/*")
    _at_phone_width(page)
    page.click(INBOX_LINK)
    page.wait_for_url("**/console/notifications")
    _at_phone_width(page)
    page.click(".who summary")
    page.click(".who-menu a[href$='/console/account']")
    page.wait_for_url("**/console/account")
    _at_phone_width(page)

    # The coordinator: the triage, the moderation queue and a held report's moderation
    # page, with its decision forms (a report of this test's own, held for moderation).
    page = new_page(**PHONE)
    code = _held_report(page, live_server, phone="+84907770012")
    sign_in(page, live_server, "coordinator")
    page.wait_for_url("**/console/triage")
    _at_phone_width(page)
    page.click("header nav a[href$='/console/moderation']")
    page.wait_for_url("**/console/moderation")
    _at_phone_width(page)
    # From the queue's "find a report" form: it is on the page whatever else waits before it.
    page.fill("#find-code", code)
    page.click("#find-form button[type=submit]")
    page.wait_for_url(f"**/console/moderation/{code}")
    assert page.locator("#not-held").count() == 0  # still held: the decisions are offered
    for form in ("#approve-form", "#merge-form"):
        assert page.locator(form).count() == 1, form
    _at_phone_width(page)


# ---- 8. the login form from the keyboard ---------------------------------------------------


def test_the_login_form_works_from_the_keyboard(page, live_server):
    page.goto(live_server + "/console/login")
    assert focused(page) == "username"  # autofocus: type at once

    # From the top of the page: the skip link, the header's links, then the form in order.
    page.focus("a.skip")
    order = []
    while len(order) < 10 and (not order or order[-1] != "BUTTON:submit"):
        page.keyboard.press("Tab")
        order.append(focused(page))
    assert order[-3:] == ["username", "password", "BUTTON:submit"], order
    assert all(stop.startswith("A") or stop == "lang-switch" for stop in order[:-3]), order
    # The focus shows (a visible outline on the button).
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), outline

    page.focus("#username")
    page.keyboard.type("coordinator")
    page.keyboard.press("Tab")
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/triage")
    assert page.locator(".who-name").is_visible()


def focused(page) -> str:
    """The focused element: its id, else its tag (and type)."""
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.id || (e.tagName + (e.type ? ':' + e.type : '')) })()"
    )
