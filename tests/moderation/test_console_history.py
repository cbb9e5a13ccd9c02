"""The moderation page's history: every entry named by its kind, each text saying what it is
(a rating is the resident's rating and comment, never an "internal note")."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from backend.console.labels import EVENT_LABELS
from backend.domain.vocabulary import EventKind as E
from backend.i18n import in_language
from backend.models import Photo
from backend.services.read_model import EventView
from moderation import history
from tests.backend.console.conftest import console_sign_in
from tests.conftest import post_json

AT = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
QUEUE = "/console/moderation"
OFFICER = {"username": "so-xd.officer", "name": "Nguyễn Văn Bình"}
BEFORE, AFTER = Photo(id=11, kind="before"), Photo(id=12, kind="after")

#: An entry of each kind as the oversight view gives it: (note, internal note, data, actor
#: kind), and what its lines must say (English), in order.
ENTRIES: dict[E, tuple[dict, list[str]]] = {
    E.SUBMIT: ({"actor_kind": "resident"}, []),
    E.ASSIGN: ({"department": {"code": "so-xd", "name": "Sở Xây dựng"}}, ["Unit: Sở Xây dựng"]),
    E.FORWARD: (
        {"department": {"code": "so-xd", "name": "Sở Xây dựng"}, "internal_note": "Gấp"},
        ["Unit: Sở Xây dựng", "Note for the unit: Gấp"],
    ),
    E.ACCEPT: ({}, []),
    E.START: ({"note": "Đã cử đội"}, ["Public note: Đã cử đội"]),
    E.UPDATE: ({"note": "Đang thi công"}, ["Public note: Đang thi công"]),
    E.RESOLVE: ({"note": "Đã vá"}, ["Result given to the resident: Đã vá"]),
    E.RETURN: (
        {"internal_note": "Không thuộc thẩm quyền", "system": True},
        ["The handling unit returned", "Why the unit returned it: Không thuộc thẩm quyền"],
    ),
    E.REJECT: (
        {"note": "Lời lẽ thô tục.", "data": {"reason_code": "abusive"}},
        ["Message to the resident: Lời lẽ thô tục.", "Reason for refusing: Abusive"],
    ),
    E.MARK_DUPLICATE: ({"data": {"original": "PA-2026-000001"}, "system": True}, ["Duplicate"]),
    E.CLOSE: ({}, []),
    E.REOPEN: (
        {"internal_note": "Vẫn còn ổ gà", "actor_kind": "resident", "system": True},
        ["The resident was not satisfied", "Why the resident reopened it: Vẫn còn ổ gà"],
    ),
    E.REQUEST_INFO: ({"note": "Ảnh cận cảnh?"}, ["Question to the resident: Ảnh cận cảnh?"]),
    E.PROVIDE_INFO: (
        {"note": "Đây ạ", "actor_kind": "resident"},
        ["The resident's answer: Đây ạ"],
    ),
    E.SLA_REMINDER: (
        {
            "internal_note": "Nhắc hạn xử lý: còn đến 10:00 05/12/2026.",
            "data": {"clock": "handle", "fraction": 0.8, "due_at": "2026-12-05T03:00:00+00:00"},
            "actor_kind": "system",
        },
        ["80% of the handling time used; due 05/12/2026."],
    ),
    E.OVERDUE: ({"data": {"clock": "handle"}, "system": True}, ["Past the handling deadline."]),
    E.ESCALATED: (
        {
            "internal_note": "Chuyển cấp trên và đầu mối theo dõi do quá hạn.",
            "data": {"clock": "handle", "reason": "overdue", "to": ["ubnd-tp", "ioc"]},
        },
        ["The handling deadline was missed.", "Sent to: ubnd-tp, ioc"],
    ),
    E.APOLOGY: (
        {
            "data": {"reason": "Mưa lớn", "promised_due_at": "2026-12-09T03:00:00+00:00"},
            "system": True,
        },
        ["We apologise for the delay."],
    ),
    E.APOLOGY_REMINDER: (
        {"internal_note": "Đơn vị chưa xin lỗi và hẹn lại ngày trả kết quả."},
        ["The unit has not yet apologised and given a new date."],
    ),
    E.PROMISE_MISSED: (
        {"data": {"promised_due_at": "2026-12-09T03:00:00+00:00"}, "system": True},
        ["The result was not given by the promised date"],
    ),
    E.EXTENSION_REQUESTED: (
        {"internal_note": "Chờ vật tư", "data": {"proposed_due_at": "2026-12-20T03:00:00+00:00"}},
        ["New deadline asked for: 20/12/2026", "The unit's reason: Chờ vật tư"],
    ),
    E.EXTENSION_DECIDED: (
        {"internal_note": "Đồng ý", "data": {"approved": False, "due_at": "2026-12-20T03:00:00"}},
        ["Decision: Denied.", "The coordinator's note: Đồng ý"],
    ),
    E.RATED: (
        {"internal_note": "Vá chưa phẳng", "data": {"rating": 2}, "actor_kind": "resident"},
        ["Rating: 2/5", "The resident's comment: Vá chưa phẳng"],
    ),
    E.FOLLOWER_FEEDBACK: (
        {"internal_note": "Cảm ơn", "data": {"helped": True}, "actor_kind": "resident"},
        ["The resolution helped them too.", "The follower's comment: Cảm ơn"],
    ),
    E.MODERATION_APPROVED: ({"internal_note": "Rõ ràng"}, ["The moderator's note: Rõ ràng"]),
    E.TEXT_EDITED: (
        {"internal_note": "Bỏ lời thô tục", "data": {"previous_public_text": "Cũ"}},
        ["Public text before: Cũ", "Reason: Bỏ lời thô tục"],
    ),
    E.PHOTO_HIDDEN: (
        {"internal_note": "Lộ biển số", "data": {"photo_id": 12}},
        ["After photo 1", "Reason: Lộ biển số"],
    ),
    E.PHOTO_SHOWN: (
        {"internal_note": "Đã xem lại", "data": {"photo_id": 11}},
        ["Before photo 1", "Reason: Đã xem lại"],
    ),
    E.MERGED_IN: ({"data": {"merged": "PA-2026-000002"}, "system": True}, ["Report PA-2026"]),
    E.REPORTER_LOCKED: ({"internal_note": "Thô tục"}, ["Reason: Thô tục"]),
    E.REPORTER_UNLOCKED: ({"internal_note": "Hết hạn"}, ["Reason: Hết hạn"]),
    E.OFFICER_ASSIGNED: (
        {"data": {"officer": {"username": "a", "full_name": "Trần An"}}, "system": True},
        ["Given to Trần An to handle."],
    ),
}


def _event(kind: E, spec: dict) -> EventView:
    from backend.domain import system_notes
    from backend.localtime import local_tz

    data = spec.get("data")
    system = None
    if spec.get("system"):
        system = {lang: system_notes.render(kind, data, lang, local_tz()) for lang in ("vi", "en")}
    actor_kind = spec.get("actor_kind", "staff")
    return EventView(
        at=AT,
        type=kind.value,
        status="assigned",
        note=spec.get("note"),
        department=spec.get("department"),
        system_note=system,
        public=bool(spec.get("note")) or bool(system),
        internal_note=spec.get("internal_note"),
        actor_kind=actor_kind,
        actor=OFFICER if actor_kind == "staff" else None,
        data=data,
    )


def test_the_table_covers_every_kind():
    assert set(ENTRIES) == set(E)


@pytest.mark.parametrize("kind", list(E), ids=lambda k: k.value)
def test_every_entry_is_named_and_its_texts_say_what_they_are(app, kind):
    spec, expected = ENTRIES[kind]
    with app.test_request_context("/console/moderation"), in_language("en"):
        entry = history.entry(_event(kind, spec), "en", [BEFORE, AFTER])
        assert entry.label == str(EVENT_LABELS[kind]) and entry.label != kind.value
    lines = [f"{line.label}: {line.text}" if line.label else line.text for line in entry.lines]
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert not any(line.startswith("Internal note") for line in lines)
    # The platform's Vietnamese sentences are never shown on an English page.
    assert not any("Nhắc hạn" in line or "Chuyển cấp trên" in line for line in lines)


def test_who_wrote_it(app):
    with app.test_request_context("/console/moderation"), in_language("en"):
        rated = history.entry(_event(E.RATED, ENTRIES[E.RATED][0]), "en", [])
        assert rated.who == "the resident"
        feedback = history.entry(_event(E.FOLLOWER_FEEDBACK, {"actor_kind": "resident"}), "en", [])
        assert feedback.who == "a resident"
        staff = history.entry(_event(E.ACCEPT, {}), "en", [])
        assert staff.who == "Nguyễn Văn Bình"
        automatic = history.entry(_event(E.OVERDUE, {"actor_kind": "system"}), "en", [])
        assert automatic.who == "automatic"


def test_a_rating_reads_as_the_residents_on_the_page(app, client, resident, submit, staff):
    reporter = resident("+84901000011")
    code = submit(reporter).get_json()["code"]
    resolved = client.post(
        f"/staff/v1/reports/{code}/resolve",
        data={"response": "Đã vá xong ổ gà."},
        headers=staff("so-xd.officer"),
        content_type="multipart/form-data",
    )
    assert resolved.status_code == 200, resolved.get_json()
    rated = post_json(
        client, reporter, f"/mobile/v1/reports/{code}/rating", score=2, comment="Vá chưa phẳng"
    )
    assert rated.status_code in (200, 201), rated.get_json()
    assert console_sign_in(client, "moderator").status_code == 302
    page = client.get(f"{QUEUE}/{code}?lang=en").get_data(as_text=True)
    entry = re.search(r'<li class="event event-rated internal">(.*?)</li>', page, re.S).group(1)
    assert "<strong>Rated by the resident</strong>" in entry
    assert "Rating:</span> <span>2/5" in entry
    assert '<span class="line-label">The resident&#39;s comment:</span>' in entry
    assert '<span lang="vi">Vá chưa phẳng</span>' in entry
    assert "Internal note" not in entry
    resolve = re.search(r'<li class="event event-resolve">(.*?)</li>', page, re.S).group(1)
    assert "Result given to the resident:" in resolve and "Đã vá xong ổ gà." in resolve
    vietnamese = client.get(f"{QUEUE}/{code}?lang=vi").get_data(as_text=True)
    entry = re.search(r'<li class="event event-rated internal">(.*?)</li>', vietnamese, re.S)
    assert "<strong>Người dân đánh giá</strong>" in entry.group(1)
    assert "Điểm đánh giá:</span> <span>2/5" in entry.group(1)
    assert "Ý kiến của người dân:</span>" in entry.group(1)
