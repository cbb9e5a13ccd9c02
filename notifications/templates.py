"""Notification texts in Vietnamese (default) and English, chosen by the device's locale.

Keyed by :class:`~notifications.models.NotificationKind`: a kind without both texts, or a
text for no kind, fails the tests (tests/notifications/test_vocabulary.py).
"""

from __future__ import annotations

from notifications.models import LOCALES
from notifications.models import NotificationKind as K

TEMPLATES: dict[K, dict[str, tuple[str, str]]] = {
    K.RECEIVED: {
        "vi": (
            "Đã tiếp nhận phản ánh {code}",
            "Phản ánh “{category_vi}” của bạn đã được tiếp nhận.",
        ),
        "en": ("Report {code} received", "Your “{category_en}” report has been received."),
    },
    K.ASSIGNED: {
        "vi": ("Phản ánh {code} đã được chuyển xử lý", "Đơn vị xử lý: {department}."),
        "en": ("Report {code} assigned", "Handled by: {department}."),
    },
    K.STARTED: {
        "vi": ("Phản ánh {code} đang được xử lý", "{note}"),
        "en": ("Work started on report {code}", "{note}"),
    },
    K.UPDATE: {
        "vi": ("Cập nhật phản ánh {code}", "{note}"),
        "en": ("Update on report {code}", "{note}"),
    },
    K.RESOLVED: {
        "vi": ("Phản ánh {code} đã được xử lý", "{note} Hãy đánh giá mức độ hài lòng của bạn."),
        "en": ("Report {code} resolved", "{note} Please rate how satisfied you are."),
    },
    K.APOLOGY: {
        "vi": ("Xin lỗi vì chậm xử lý phản ánh {code}", "Hẹn trả kết quả ngày {date}. {note}"),
        "en": ("Apology for the delay on report {code}", "New promised date: {date}. {note}"),
    },
    K.REJECTED: {
        "vi": ("Phản ánh {code} không được tiếp nhận", "{note}"),
        "en": ("Report {code} was not accepted", "{note}"),
    },
    K.INFO_REQUESTED: {
        "vi": ("Cần bổ sung thông tin cho phản ánh {code}", "{note}"),
        "en": ("More information needed for report {code}", "{note}"),
    },
    K.NEW_ASSIGNMENT: {
        "vi": ("Phản ánh mới {code}", "“{category_vi}” được giao cho đơn vị."),
        "en": ("New report {code}", "A “{category_en}” report was assigned to your unit."),
    },
    K.ACCEPT_REMINDER: {
        "vi": (
            "Nhắc tiếp nhận phản ánh {code}",
            "Đã dùng {percent}% thời hạn tiếp nhận; hạn: {date}.",
        ),
        "en": (
            "Reminder to accept report {code}",
            "{percent}% of the time to accept it used; due {date}.",
        ),
    },
    K.SLA_REMINDER: {
        "vi": ("Nhắc hạn xử lý phản ánh {code}", "Đã dùng {percent}% thời hạn xử lý; hạn: {date}."),
        "en": ("Deadline reminder for {code}", "{percent}% of the handling time used; due {date}."),
    },
    K.ACCEPT_OVERDUE: {
        "vi": (
            "Phản ánh {code} quá hạn tiếp nhận",
            "Đơn vị chưa tiếp nhận phản ánh đúng hạn; hãy tiếp nhận ngay.",
        ),
        "en": (
            "Report {code} was not accepted in time",
            "The unit did not accept the report by its deadline; accept it now.",
        ),
    },
    K.OVERDUE: {
        "vi": (
            "Phản ánh {code} đã quá hạn",
            "Quá hạn xử lý: đơn vị cần xin lỗi và hẹn lại ngày trả kết quả.",
        ),
        "en": (
            "Report {code} is overdue",
            "Handling is overdue: the unit must apologise and give a new date.",
        ),
    },
    K.ACCEPT_ESCALATED: {
        "vi": (
            "Phản ánh {code} quá hạn tiếp nhận được chuyển lên",
            "Đơn vị {department} chưa tiếp nhận đúng hạn.",
        ),
        "en": (
            "Report {code} not accepted in time, escalated",
            "{department} did not accept it by the deadline.",
        ),
    },
    K.ESCALATED: {
        "vi": (
            "Phản ánh {code} quá hạn được chuyển lên",
            "Đơn vị {department} chưa xử lý đúng hạn.",
        ),
        "en": ("Overdue report {code} escalated", "{department} missed the deadline."),
    },
    K.PROMISE_ESCALATED: {
        "vi": (
            "Phản ánh {code} trễ ngày hẹn được chuyển lên",
            "Đơn vị {department} không trả kết quả đúng ngày đã hẹn.",
        ),
        "en": (
            "Report {code} past its promised date, escalated",
            "{department} missed the date it promised.",
        ),
    },
    K.RESIDENT_RATED: {
        "vi": ("Người dân đánh giá phản ánh {code}", "Mức hài lòng: {rating}/5. {note}"),
        "en": ("Resident rated report {code}", "Satisfaction: {rating}/5. {note}"),
    },
    K.REPORT_REOPENED: {
        "vi": (
            "Phản ánh {code} được mở lại",
            "Người dân chưa hài lòng với kết quả và yêu cầu xử lý lại.",
        ),
        "en": (
            "Report {code} reopened",
            "The resident is not satisfied with the resolution and reopened the report.",
        ),
    },
    K.EXTENSION_DECIDED: {
        "vi": ("Đề nghị gia hạn phản ánh {code}", "{decision_vi}"),
        "en": ("Extension request for report {code}", "{decision_en}"),
    },
    K.OFFICER_ASSIGNED: {
        "vi": (
            "Phản ánh {code} được giao cho bạn",
            "Bạn được giao xử lý phản ánh “{category_vi}” của {department}.",
        ),
        "en": (
            "Report {code} assigned to you",
            "You were given the “{category_en}” report of {department} to handle.",
        ),
    },
}
__all__ = ["LOCALES", "TEMPLATES", "render"]


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: K | str, params: dict, locale: str, code: str) -> tuple[str, str]:
    """(title, body) in the locale (Vietnamese unless English is asked for).

    ``kind`` is a NotificationKind or its stored value; anything else raises ValueError.
    """
    title, body = TEMPLATES[K(kind)]["en" if locale == "en" else "vi"]
    values = _Missing(params, code=code)
    return title.format_map(values).strip(), body.format_map(values).strip()
