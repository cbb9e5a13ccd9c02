"""The moderation queue in the staff console: pages, forms, and who may open them."""

from __future__ import annotations

import re

import pytest

from backend.db import db
from backend.models import Report
from backend.services import lookup
from tests.backend.console.conftest import console_sign_in, post_form
from tests.conftest import post_json

ABUSIVE = "Địt mẹ cái ổ gà này sâu quá không ai sửa"
QUEUE = "/console/moderation"
_VERSION = re.compile(
    r'action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf_token" value="[^"]+">\s*'
    r'<input type="hidden" name="version" value="(\d+)">'
)


def _forms(html: str) -> dict[str, int]:
    """Each form's action URL and the report version it carries."""
    return {action: int(version) for action, version in _VERSION.findall(html)}


def _report(code: str) -> Report:
    db.session.expire_all()
    return lookup.by_code(code)


def _act(client, code: str, action: str, data: dict | None = None, *, version: int | None = None):
    """Post one action's form from the report's page, with the version that page shows."""
    page = f"{QUEUE}/{code}"
    path = f"{page}/{action}"
    if version is None:
        version = _forms(client.get(page).get_data(as_text=True))[path]
    return post_form(client, path, {"version": str(version), **(data or {})}, page=page)


@pytest.fixture
def console(client, city):
    """Sign the test client in to the console as a demo account."""

    def sign_in(username: str):
        assert console_sign_in(client, username).status_code == 302
        return client

    return sign_in


@pytest.fixture
def held(resident, submit):
    """A report held for moderation (abusive words), and its reporter's headers."""
    headers = resident()
    body = submit(headers, description=ABUSIVE).get_json()
    assert body["status"] == "new"
    return body["code"], headers


def _public_codes(client) -> list[str]:
    return [r["code"] for r in client.get("/public/v1/reports").get_json()["items"]]


def test_moderators_start_on_the_queue_with_its_badge(console, held):
    code, _ = held
    client = console("moderator")
    assert client.get("/console/").headers["Location"] == QUEUE
    page = client.get(QUEUE).get_data(as_text=True)
    assert f'id="held-{code}"' in page
    assert re.search(
        r'href="/console/moderation"[^>]*>[^<]*<span class="badge" data-count="1"', page
    )
    assert 'id="queue-total"' in page


def test_the_badge_says_how_many_wait_in_the_plural_the_number_asks_for(console, resident, submit):
    client = console("moderator")
    spoken = re.compile(
        r'href="/console/moderation"[^>]*>[^<]*<span class="badge" data-count="\d+">'
        r'<span aria-hidden="true">\d+</span><span class="visually-hidden">([^<]*)</span>'
    )
    submit(resident(), description=ABUSIVE)
    one = spoken.search(client.get(f"{QUEUE}?lang=en").get_data(as_text=True)).group(1)
    assert one == "1 report held for moderation"
    submit(resident("+84902222223"), description=ABUSIVE)
    two = spoken.search(client.get(f"{QUEUE}?lang=en").get_data(as_text=True)).group(1)
    assert two == "2 reports held for moderation"
    vi = spoken.search(client.get(f"{QUEUE}?lang=vi").get_data(as_text=True)).group(1)
    assert vi.startswith("2 ") and "held" not in vi


def test_a_new_residents_earlier_reports_in_the_plural_the_number_asks_for(app):
    from backend.i18n import in_language
    from moderation.console_view import finding

    with in_language("en"):
        assert finding({"kind": "new_resident", "earlier_reports": 1})["detail"] == (
            "1 earlier report"
        )
        assert finding({"kind": "new_resident", "earlier_reports": 0})["detail"] == (
            "0 earlier reports"
        )
    with in_language("vi"):
        said = finding({"kind": "new_resident", "earlier_reports": 1})["detail"]
        assert said.startswith("1 ") and "earlier" not in said


def test_findings_are_marked_in_the_text_and_user_text_is_escaped(console, resident, submit):
    text = "<script>alert(1)</script> Địt mẹ ổ gà, gọi 0901234567 <b>gấp</b>"
    code = submit(resident(), description=text, address="Hẻm <i>vcl</i>").get_json()["code"]
    page = console("moderator").get(QUEUE).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<b>gấp" not in page and "<i>vcl" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.search(r'<mark class="finding" data-finding="abusive_words"[^>]*>Địt mẹ</mark>', page)
    assert re.search(r'<mark class="finding" data-finding="phone"[^>]*>0901234567</mark>', page)
    assert re.search(r'<mark class="finding" data-finding="abusive_words"[^>]*>vcl</mark>', page)
    assert re.search(r'<img src="[^"]*/media/public/[^"]+"', page)  # the photo's rendition
    assert f'href="/console/moderation/{code}"' in page


def test_the_queue_shows_the_possible_duplicates(console, resident, submit, held):
    standing = submit(resident("+84902222222")).get_json()["code"]
    page = console("moderator").get(QUEUE).get_data(as_text=True)
    assert f'<a class="code" href="/r/{standing}">{standing}</a>' in page


def test_approving_publishes_the_report(console, held):
    code, _ = held
    client = console("moderator")
    assert code not in _public_codes(client)
    page = client.get(QUEUE).get_data(as_text=True)
    version = _forms(page)[f"{QUEUE}/{code}/approve"]
    done = post_form(client, f"{QUEUE}/{code}/approve", {"version": str(version)}, page=QUEUE)
    assert done.status_code == 302 and done.headers["Location"] == QUEUE
    after = client.get(QUEUE).get_data(as_text=True)
    assert "flash-success" in after and code in after and 'id="queue-empty"' in after
    assert code in _public_codes(client)
    assert client.get("/").status_code == 200
    report = _report(code)
    assert report.status == "assigned" and report.moderation_status == "approved"


def test_refusing_with_a_reason_keeps_it_off_the_board(console, held):
    code, headers = held
    client = console("moderator")
    page = client.get(f"{QUEUE}/{code}").get_data(as_text=True)
    for reason in ("spam", "abusive", "out_of_scope", "duplicate", "insufficient_information"):
        assert f'<option value="{reason}"' in page
    bad = _act(client, code, "reject", {"reason": "rude", "message": "Thô tục.", "confirm": "yes"})
    assert bad.status_code == 422 and "flash-error" in bad.get_data(as_text=True)
    assert "Thô tục." in bad.get_data(as_text=True)  # what was typed is kept
    assert _report(code).status == "new"
    done = _act(
        client,
        code,
        "reject",
        {"reason": "abusive", "message": "Lời lẽ thô tục.", "confirm": "yes"},
    )
    assert done.status_code == 302
    report = _report(code)
    assert report.status == "rejected" and report.events[-1].data == {"reason_code": "abusive"}
    assert code not in _public_codes(client)
    assert client.get(f"/public/v1/reports/{code}").status_code == 404
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["timeline"][-1]["note"] == "Lời lẽ thô tục."


def test_editing_the_public_text_keeps_the_original(console, held):
    code, _ = held
    client = console("moderator")
    _act(client, code, "approve")
    done = _act(
        client,
        code,
        "public-text",
        {"text": "Ổ gà sâu quá, gọi 0901234567", "reason": "Bỏ lời lẽ thô tục"},
    )
    assert done.status_code == 302 and done.headers["Location"] == f"{QUEUE}/{code}"
    public = client.get(f"/public/v1/reports/{code}").get_json()
    assert public["description"] == "Ổ gà sâu quá, gọi [số điện thoại]"
    page = client.get(f"{QUEUE}/{code}").get_data(as_text=True)
    original = re.search(r'id="original-text">(.*?)</p>', page, re.S).group(1)
    assert "Địt mẹ</mark> cái ổ gà này sâu quá" in original
    assert "Ổ gà sâu quá, gọi [số điện thoại]</textarea>" in page
    assert 'id="not-held"' in page and 'id="approve-form"' not in page
    report = _report(code)
    assert report.description == ABUSIVE
    assert report.events[-1].data["previous_public_text"] == ABUSIVE


def test_a_department_officer_gets_the_404_page(console, held):
    code, _ = held
    client = console("so-xd.officer")
    for path in (QUEUE, f"{QUEUE}/{code}"):
        response = client.get(path)
        assert response.status_code == 404 and 'data-code="not_found"' in response.get_data(
            as_text=True
        )
    posted = post_form(client, f"{QUEUE}/{code}/approve", {"version": "1"})
    assert posted.status_code == 404
    assert 'href="/console/moderation"' not in client.get("/console/desk").get_data(as_text=True)
    assert _report(code).moderation_status == "pending"


def test_a_post_without_its_csrf_token_is_refused(console, held):
    code, _ = held
    client = console("moderator")
    version = str(_report(code).version)
    response = client.post(f"{QUEUE}/{code}/approve", data={"version": version})
    assert response.status_code == 400
    assert 'data-code="csrf_failed"' in response.get_data(as_text=True)
    assert _report(code).moderation_status == "pending"


def test_a_stale_form_is_refused_and_the_fresh_report_shown(console, staff, client, held):
    code, _ = held
    console_client = console("moderator")
    version = _forms(console_client.get(f"{QUEUE}/{code}").get_data(as_text=True))[
        f"{QUEUE}/{code}/reject"
    ]
    edited = client.put(
        f"/moderation/v1/reports/{code}/public-text",
        headers=staff("coordinator"),
        json={"text": "Ổ gà sâu quá", "reason": "Bỏ lời thô tục"},
    )
    assert edited.status_code == 200
    stale = _act(
        console_client,
        code,
        "reject",
        {"reason": "abusive", "message": "Lời lẽ thô tục."},
        version=version,
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Người khác vừa thao tác trên phản ánh này" in page  # the vi catalogue
    assert "Ổ gà sâu quá</textarea>" in page  # the report as it is now
    assert "Lời lẽ thô tục.</textarea>" in page  # and what the moderator typed
    assert _forms(page)[f"{QUEUE}/{code}/reject"] == _report(code).version != version
    assert _report(code).status == "new"


def test_a_report_decided_meanwhile_says_so(console, staff, held):
    code, _ = held
    client = console("moderator")
    version = _forms(client.get(QUEUE).get_data(as_text=True))[f"{QUEUE}/{code}/approve"]
    approved = post_json(client, staff("coordinator"), f"/moderation/v1/reports/{code}/approve")
    assert approved.status_code == 200
    again = _act(client, code, "reject", {"reason": "spam", "message": "x"}, version=version)
    assert again.status_code == 409
    assert "Phản ánh này vừa được xử lý kiểm duyệt" in again.get_data(as_text=True)
    assert _report(code).status == "assigned"


def test_asking_the_resident(console, held):
    code, headers = held
    client = console("moderator")
    done = _act(client, code, "request-info", {"question": "Xin gửi thêm ảnh cận cảnh?"})
    assert done.status_code == 302
    assert _report(code).waiting_since is not None
    mine = client.get(f"/mobile/v1/reports/{code}", headers=headers).get_json()
    assert mine["timeline"][-1]["note"] == "Xin gửi thêm ảnh cận cảnh?"
    page = client.get(f"{QUEUE}/{code}").get_data(as_text=True)
    assert 'id="ask-form"' not in page and 'id="approve-form"' in page  # asked once; still held


def test_merging_into_a_suggested_or_typed_report(console, resident, submit, held):
    code, _ = held
    standing = submit(resident("+84902222222")).get_json()["code"]
    client = console("moderator")
    page = client.get(f"{QUEUE}/{code}").get_data(as_text=True)
    assert f'<option value="{standing}"' in page
    wrong = _act(client, code, "merge", {"suggested": standing, "original": "PA-1900-000000"})
    assert wrong.status_code == 422 and "flash-error" in wrong.get_data(as_text=True)
    done = _act(client, code, "merge", {"suggested": standing, "original": ""})
    assert done.status_code == 302
    report = _report(code)
    assert report.status == "duplicate" and report.duplicate_of.code == standing


def test_hiding_and_showing_a_photo(console, client, held, run_jobs):
    code, _ = held
    console_client = console("moderator")
    photo_id = _report(code).photos[0].id
    hide = f"photos/{photo_id}/hide"
    assert _act(console_client, code, hide, {"reason": ""}).status_code == 422
    assert _act(console_client, code, hide, {"reason": "Lộ biển số xe"}).status_code == 302
    assert _report(code).photos[0].hidden
    page = console_client.get(f"{QUEUE}/{code}").get_data(as_text=True)
    assert "Không công khai" in page
    shown = _act(console_client, code, f"photos/{photo_id}/show", {"reason": "Đã xem lại"})
    assert shown.status_code == 302
    run_jobs()
    assert _report(code).photos[0].public
    missing = post_form(
        console_client,
        f"{QUEUE}/{code}/photos/999999/hide",
        {"version": str(_report(code).version), "reason": "x"},
    )
    assert missing.status_code == 404


def test_locking_and_unlocking_the_reporter(console, client, held):
    code, headers = held
    console_client = console("moderator")
    locked = _act(
        console_client, code, "lock-reporter", {"reason": "Nhiều lần thô tục", "confirm": "yes"}
    )
    assert locked.status_code == 302
    assert client.get("/mobile/v1/reports/mine", headers=headers).status_code == 401
    page = console_client.get(f"{QUEUE}/{code}").get_data(as_text=True)
    assert f'action="{QUEUE}/{code}/unlock-reporter"' in page
    unlocked = _act(console_client, code, "unlock-reporter", {"reason": "Đã hết hạn"})
    assert unlocked.status_code == 302
    assert _report(code).reporter.locked_at is None


def test_bad_input_gets_a_console_page_not_a_500(console, held):
    code, _ = held
    client = console("moderator")
    assert client.get(f"{QUEUE}?page=abc").status_code == 422
    assert client.get(f"{QUEUE}?page=0").status_code == 422
    assert client.get(f"{QUEUE}/PA-1900-000000").status_code == 404
    no_version = post_form(client, f"{QUEUE}/{code}/approve", {}, page=QUEUE)
    assert no_version.status_code == 422
    assert _report(code).moderation_status == "pending"
