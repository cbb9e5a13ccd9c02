"""Notification texts in Vietnamese (default) and English, chosen by the device's locale."""

from __future__ import annotations

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "received": {
        "vi": (
            "Đã tiếp nhận phản ánh {code}",
            "Phản ánh “{category_vi}” của bạn đã được tiếp nhận.",
        ),
        "en": ("Report {code} received", "Your “{category_en}” report has been received."),
    },
    "assigned": {
        "vi": ("Phản ánh {code} đã được chuyển xử lý", "Đơn vị xử lý: {department}."),
        "en": ("Report {code} assigned", "Handled by: {department}."),
    },
    "update": {
        "vi": ("Cập nhật phản ánh {code}", "{note}"),
        "en": ("Update on report {code}", "{note}"),
    },
    "resolved": {
        "vi": ("Phản ánh {code} đã được xử lý", "{note} Hãy đánh giá mức độ hài lòng của bạn."),
        "en": ("Report {code} resolved", "{note} Please rate how satisfied you are."),
    },
    "apology": {
        "vi": ("Xin lỗi vì chậm xử lý phản ánh {code}", "Hẹn trả kết quả ngày {date}. {note}"),
        "en": ("Apology for the delay on report {code}", "New promised date: {date}. {note}"),
    },
    "rejected": {
        "vi": ("Phản ánh {code} không được tiếp nhận", "{note}"),
        "en": ("Report {code} was not accepted", "{note}"),
    },
    "info_requested": {
        "vi": ("Cần bổ sung thông tin cho phản ánh {code}", "{note}"),
        "en": ("More information needed for report {code}", "{note}"),
    },
    "new_assignment": {
        "vi": ("Phản ánh mới {code}", "“{category_vi}” được giao cho đơn vị."),
        "en": ("New report {code}", "A “{category_en}” report was assigned to your unit."),
    },
    "sla_reminder": {
        "vi": ("Nhắc hạn phản ánh {code}", "Đã dùng {percent}% thời hạn; hạn: {date}."),
        "en": ("Deadline reminder for {code}", "{percent}% of the time used; due {date}."),
    },
    "overdue": {
        "vi": ("Phản ánh {code} đã quá hạn", "Đơn vị cần xin lỗi và hẹn lại ngày trả kết quả."),
        "en": ("Report {code} is overdue", "The unit must apologise and give a new date."),
    },
    "escalated": {
        "vi": (
            "Phản ánh {code} quá hạn được chuyển lên",
            "Đơn vị {department} chưa xử lý đúng hạn.",
        ),
        "en": ("Overdue report {code} escalated", "{department} missed the deadline."),
    },
    "resident_rated": {
        "vi": ("Người dân đánh giá phản ánh {code}", "Mức hài lòng: {rating}/5. {note}"),
        "en": ("Resident rated report {code}", "Satisfaction: {rating}/5. {note}"),
    },
    "report_reopened": {
        "vi": (
            "Phản ánh {code} được mở lại",
            "Người dân chưa hài lòng với kết quả và yêu cầu xử lý lại.",
        ),
        "en": (
            "Report {code} reopened",
            "The resident is not satisfied with the resolution and reopened the report.",
        ),
    },
    "extension_decided": {
        "vi": ("Đề nghị gia hạn phản ánh {code}", "{decision_vi}"),
        "en": ("Extension request for report {code}", "{decision_en}"),
    },
}
LOCALES = ("vi", "en")


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: str, params: dict, locale: str, code: str) -> tuple[str, str]:
    """(title, body) in the locale (Vietnamese unless English is asked for)."""
    title, body = TEMPLATES[kind]["en" if locale == "en" else "vi"]
    values = _Missing(params, code=code)
    return title.format_map(values).strip(), body.format_map(values).strip()
