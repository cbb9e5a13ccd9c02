"""System-written timeline entries, rendered again in Vietnamese or English."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from backend.domain.system_notes import render, sentence

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PROMISED = "2026-12-08T10:00:00+00:00"  # 17:00 in Việt Nam


@pytest.mark.parametrize(
    "kind, data, vi, en",
    [
        ("overdue", {"clock": "handle"}, "Quá hạn xử lý.", "Past the handling deadline."),
        (
            "extension_decided",
            {"approved": True, "due_at": "2026-12-15T10:00:00+00:00"},
            "Được gia hạn xử lý đến ngày 15/12/2026.",
            "The handling deadline was extended to 15/12/2026.",
        ),
        (
            "apology",
            {"reason": "mưa lớn", "promised_due_at": PROMISED},
            "Xin lỗi vì chậm trễ. Lý do: mưa lớn. Hẹn trả kết quả ngày 08/12/2026.",
            "We apologise for the delay. Reason: mưa lớn. The result is promised for 08/12/2026.",
        ),
        (
            "promise_missed",
            {"clock": "handle", "promised_due_at": PROMISED},
            "Không trả kết quả đúng ngày đã hẹn (17:00 08/12/2026).",
            "The result was not given by the promised date (17:00 08/12/2026).",
        ),
        (
            "return",
            None,
            "Đơn vị xử lý trả lại phản ánh cho đầu mối để phân công lại.",
            "The handling unit returned the report to the coordinator for reassignment.",
        ),
        (
            "mark_duplicate",
            {"original": "PA-2026-000001"},
            "Trùng với phản ánh PA-2026-000001.",
            "Duplicate of report PA-2026-000001.",
        ),
        (
            "merged_in",
            {"merged": "PA-2026-000002"},
            "Phản ánh PA-2026-000002 được gộp vào phản ánh này.",
            "Report PA-2026-000002 was merged into this one.",
        ),
    ],
)
def test_each_system_entry_in_both_languages(kind, data, vi, en):
    assert render(kind, data, "vi", VN) == vi
    assert render(kind, data, "en", VN) == en


def test_the_apology_reason_ends_its_sentence_once():
    assert sentence("mưa lớn") == "mưa lớn."
    assert sentence(" Thiếu vật tư. ") == "Thiếu vật tư."
    assert sentence("Sao lại thế?") == "Sao lại thế?"
    assert sentence("(mưa bão.)") == "(mưa bão.)"
    text = render("apology", {"reason": "Thiếu vật tư.", "promised_due_at": PROMISED}, "vi", VN)
    assert "Lý do: Thiếu vật tư. Hẹn" in text and ".." not in text


def test_what_a_person_wrote_or_an_entry_without_its_data_is_not_rewritten():
    assert render("update", {"x": 1}, "en", VN) is None  # a unit's progress note
    assert render("overdue", {"clock": "accept"}, "en", VN) is None  # not public
    assert render("extension_decided", {"approved": False}, "en", VN) is None
    assert render("apology", {}, "en", VN) is None  # an old entry: its stored note shows
    assert render("not-a-kind", None, "en", VN) is None
