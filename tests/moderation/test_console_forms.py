"""The moderation page's forms: a refusal's reason chosen, confirmation of the destructive
actions without JavaScript, merging (its wording, other categories, clear errors) and
finding any report by its code from the queue."""

from __future__ import annotations

import re

import pytest

from backend.db import db
from backend.models import Report
from backend.services import lookup
from tests.backend.console.conftest import console_sign_in, post_form
from tests.conftest import post_json

ABUSIVE = "Địt mẹ rác đổ đầy hẻm không ai dọn"
QUEUE = "/console/moderation"


@pytest.fixture
def moderator(client, city):
    assert console_sign_in(client, "moderator").status_code == 302
    return client


@pytest.fixture
def held(resident, submit) -> str:
    """Garbage, held for moderation (abusive words)."""
    body = submit(resident(), category="rac-thai", description=ABUSIVE).get_json()
    return body["code"]


@pytest.fixture
def street_light(resident, submit) -> str:
    """A published street-light report at the same place (another category)."""
    return submit(resident("+84902000001"), category="chieu-sang").get_json()["code"]


def _report(code: str) -> Report:
    db.session.expire_all()
    return lookup.by_code(code)


def _post(client, code: str, action: str, data: dict, *, lang: str = "vi"):
    """Post the action's form from the report's page in Vietnamese (the default)."""
    page = f"{QUEUE}/{code}"
    version = str(_report(code).version)
    return post_form(
        client, f"{page}/{action}", {"version": version, **data}, page=f"{page}?lang={lang}"
    )


def _flash(response) -> str:
    return re.search(
        r'class="flash flash-error"[^>]*>(.*?)<', response.get_data(as_text=True), re.S
    ).group(1)


# ---- refusing ---------------------------------------------------------------------------------


def test_the_refusal_reason_has_no_default(moderator, held):
    page = moderator.get(f"{QUEUE}/{held}?lang=en").get_data(as_text=True)
    select = re.search(
        r'<select id="reject-reason" name="reason" required>(.*?)</select>', page, re.S
    )
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select.group(1))
    assert options[0] == ("", " selected") and len(options) == 6
    assert all(not chosen for _, chosen in options[1:])
    assert "Choose a reason</option>" in select.group(1)
    no_reason = _post(moderator, held, "reject", {"message": "Thô tục.", "confirm": "yes"})
    assert no_reason.status_code == 422
    assert "Hãy chọn lý do từ chối" in _flash(no_reason)
    assert "Thô tục.</textarea>" in no_reason.get_data(as_text=True)  # kept
    assert _report(held).status == "new"


def test_refusing_needs_the_confirmation_box(moderator, held):
    page = moderator.get(f"{QUEUE}/{held}?lang=en").get_data(as_text=True)
    assert re.search(
        r'<input type="checkbox" id="reject-confirm" name="confirm" value="yes" required>\s*'
        r'<label for="reject-confirm">I confirm: refuse this report',
        page,
    )
    data = {"reason": "abusive", "message": "Lời lẽ thô tục."}
    unconfirmed = _post(moderator, held, "reject", data)
    assert unconfirmed.status_code == 422
    assert "Hãy đánh dấu ô xác nhận" in _flash(unconfirmed)
    html = unconfirmed.get_data(as_text=True)
    assert '<option value="abusive" selected>' in html and "Lời lẽ thô tục.</textarea>" in html
    assert 'name="confirm" value="yes" required>' in html  # asked again, not pre-ticked
    assert _report(held).status == "new"
    assert _post(moderator, held, "reject", {**data, "confirm": "on"}).status_code == 422
    done = _post(moderator, held, "reject", {**data, "confirm": "yes"})
    assert done.status_code == 302 and _report(held).status == "rejected"


def test_locking_needs_the_confirmation_box_unlocking_does_not(moderator, client, held):
    unconfirmed = _post(moderator, held, "lock-reporter", {"reason": "Thô tục nhiều lần"})
    assert unconfirmed.status_code == 422
    assert _report(held).reporter.locked_at is None
    page = unconfirmed.get_data(as_text=True)
    assert 'id="lock-confirm" name="confirm" value="yes" required' in page
    assert 'value="Thô tục nhiều lần"' in page  # the reason typed is kept
    locked = _post(moderator, held, "lock-reporter", {"reason": "Thô tục", "confirm": "yes"})
    assert locked.status_code == 302 and _report(held).reporter.locked_at is not None
    page = moderator.get(f"{QUEUE}/{held}").get_data(as_text=True)
    assert 'id="lock-confirm"' not in page
    unlocked = _post(moderator, held, "unlock-reporter", {"reason": "Đã nhắc nhở"})
    assert unlocked.status_code == 302 and _report(held).reporter.locked_at is None


# ---- what a refused form says --------------------------------------------------------------


def test_a_generic_error_names_the_fields_by_their_labels_in_the_pages_language(moderator, held):
    no_message = _post(moderator, held, "reject", {"reason": "abusive", "confirm": "yes"})
    assert no_message.status_code == 422
    said = _flash(no_message).strip()
    assert said == "Dữ liệu gửi lên không hợp lệ. (Nội dung gửi người dân)", said
    no_reason = _post(moderator, held, "public-text", {"text": "Rác đổ đầy hẻm"}, lang="en")
    assert no_reason.status_code == 422
    said = _flash(no_reason).strip()
    assert said == "Some fields are missing or invalid. (Why (kept in the record))", said
    # The same field on another form: that form's label.
    no_note = _post(moderator, held, "lock-reporter", {"confirm": "yes"}, lang="en")
    assert _flash(no_note).strip().endswith("(Reason (kept in the record))")
    for response in (no_message, no_reason, no_note):
        message = _flash(response)
        assert "Missing data" not in message and "reason:" not in message
        assert "message:" not in message and "text:" not in message
    assert _report(held).status == "new"


def test_a_form_without_a_version_says_so(moderator, held):
    page = f"{QUEUE}/{held}"
    refused = post_form(moderator, f"{page}/approve", {"version": "x"}, page=f"{page}?lang=vi")
    assert refused.status_code == 422
    said = _flash(refused)
    assert said.startswith("Biểu mẫu không cho biết được lập từ phiên bản nào"), said
    assert "version" not in said and "Not a valid integer" not in said


# ---- merging ----------------------------------------------------------------------------------


def test_the_merge_form_reads_well_with_and_without_a_suggestion(moderator, resident, submit, held):
    alone = moderator.get(f"{QUEUE}/{held}?lang=en").get_data(as_text=True)
    assert 'id="merge-suggested"' not in alone
    assert '<label for="merge-original">Tracking code of the original report</label>' in alone
    assert re.search(r'<input id="merge-original"[^>]* required>', alone)
    assert "Or the tracking code" not in alone

    nearby = submit(resident("+84902000002"), category="rac-thai").get_json()["code"]
    page = moderator.get(f"{QUEUE}/{held}?lang=en").get_data(as_text=True)
    option = re.search(rf'<option value="{nearby}">([^<]*)</option>', page).group(1)
    assert f"{nearby} · Garbage and sanitation · " in option  # its category
    label = re.search(r'<label for="merge-original">([^<]*)</label>', page).group(1)
    assert label == "Another report instead: its tracking code (optional)"
    assert not re.search(r'<input id="merge-original"[^>]* required>', page)
    # The suggestions nearby name their category too.
    assert re.search(rf"{nearby}</a> · [^<·]+ · ", page)


def test_merging_into_another_category_warns_first(moderator, client, held, street_light):
    refused = _post(moderator, held, "merge", {"original": street_light})
    assert refused.status_code == 422
    message = _flash(refused)
    assert street_light in message and "“Chiếu sáng công cộng”" in message
    assert "“Rác thải, vệ sinh môi trường”" in message
    page = refused.get_data(as_text=True)
    assert 'id="merge-warning"' in page
    assert 'id="merge-anyway" name="merge_anyway" value="yes"' in page
    assert f'value="{street_light}"' in page  # the code typed, kept
    assert _report(held).status == "new"
    done = _post(moderator, held, "merge", {"original": street_light, "merge_anyway": "yes"})
    assert done.status_code == 302
    report = _report(held)
    assert report.status == "duplicate" and report.duplicate_of.code == street_light


def test_the_json_api_still_merges_across_categories(client, staff, held, street_light):
    merged = post_json(
        client, staff("moderator"), f"/moderation/v1/reports/{held}/merge", original=street_light
    )
    assert merged.status_code == 200 and merged.get_json()["status"] == "duplicate"


def test_an_unknown_code_and_a_closed_report_are_told_apart(
    moderator, client, staff, held, street_light
):
    unknown = _post(moderator, held, "merge", {"original": "PA-1900-000000"})
    assert unknown.status_code == 422
    assert _flash(unknown).strip() == "Không có phản ánh nào mang mã này."
    path = f"/staff/v1/reports/{street_light}/reject"
    rejected = post_json(client, staff("coordinator"), path, reason="Không rõ nội dung")
    assert rejected.status_code == 200, rejected.get_json()
    closed = _post(moderator, held, "merge", {"original": street_light, "merge_anyway": "yes"})
    assert closed.status_code == 422
    assert f"Phản ánh {street_light}" in _flash(closed)
    assert "không công khai hoặc đã đóng" in _flash(closed)
    # The JSON API: two codes, both 422.
    moderator_api = staff("moderator")
    path = f"/moderation/v1/reports/{held}/merge"
    gone = post_json(client, moderator_api, path, original="PA-1900-000000")
    assert gone.status_code == 422 and gone.get_json()["error"]["code"] == "unknown_report"
    shut = post_json(client, moderator_api, path, original=street_light)
    assert shut.status_code == 422 and shut.get_json()["error"]["code"] == "merge_target_invalid"
    assert shut.get_json()["error"]["message"]["en"].startswith(f"Report {street_light} is not")


# ---- finding a report -------------------------------------------------------------------------


def test_the_queue_finds_any_report_by_its_code(moderator, held, street_light):
    page = moderator.get(f"{QUEUE}?lang=en").get_data(as_text=True)
    form = re.search(
        r'<form method="get" action="/console/moderation/find"[^>]*>(.*?)</form>', page, re.S
    )
    assert form and '<label for="find-code">' in form.group(1)
    assert 'name="code"' in form.group(1)
    found = moderator.get(f"{QUEUE}/find?code=+{street_light.lower()}+")
    assert found.status_code == 302 and found.headers["Location"] == f"{QUEUE}/{street_light}"
    page = moderator.get(found.headers["Location"]).get_data(as_text=True)
    assert 'id="not-held"' in page and "photos/" in page  # a published one: its photo forms

    missing = moderator.get(f"{QUEUE}/find?code=PA-1900-000000")
    assert missing.status_code == 404
    html = missing.get_data(as_text=True)
    assert "PA-1900-000000" in _flash(missing) and 'value="PA-1900-000000"' in html
    assert moderator.get(f"{QUEUE}/find?code=").status_code == 422
    assert moderator.get(f"{QUEUE}/find?code=" + "x" * 500).status_code == 404


def test_only_moderators_find(app, held):
    officer = app.test_client()
    assert console_sign_in(officer, "so-xd.officer").status_code == 302
    assert officer.get(f"{QUEUE}/find?code={held}").status_code == 404
