"""Timeline notes the platform writes itself, in Vietnamese or English (pure).

The stored ``note`` of such an entry stays Vietnamese (API clients and the audit
trail read it); a page in another language renders the entry again from its kind
and ``data`` with :func:`render`. Each entry carries what its sentence needs:

==================  =========================================================
kind                data keys
==================  =========================================================
overdue             ``clock`` (only the handling clock has a public note)
extension_decided   ``approved``, ``due_at`` (ISO instant)
apology             ``reason`` (the unit's words, as written), ``promised_due_at``
promise_missed      ``promised_due_at``
return              (none)
mark_duplicate      ``original`` (the original report's code)
merged_in           ``merged`` (the merged report's code)
reopen              (none)
officer_assigned    ``officer``, ``previous`` ({username, full_name} or null)
==================  =========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo

from backend.domain.sla import ClockKind
from backend.domain.vocabulary import EventKind

LANGUAGES = ("vi", "en")
DATE = "%d/%m/%Y"
TIME_AND_DATE = "%H:%M %d/%m/%Y"
#: How a sentence may end; anything else gets a full stop before the next sentence.
_SENTENCE_END = (".", "!", "?", "…")
_CLOSERS = ('"', "'", ")", "”", "’", "»", "]")


def sentence(text: str) -> str:
    """``text`` as a sentence: trimmed, ending with a full stop unless it has its own."""
    text = text.strip()
    core = text.rstrip("".join(_CLOSERS))
    if not text or core.endswith(_SENTENCE_END):
        return text
    return text + "."


def _when(value: str | datetime, tz: tzinfo, fmt: str) -> str:
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.astimezone(tz).strftime(fmt)


# Each: (data, tz) -> (vi, en), or None when the entry has no public sentence.
Renderer = Callable[[Mapping, tzinfo], tuple[str, str] | None]


def _overdue(data, tz):
    if data.get("clock") != ClockKind.HANDLE:
        return None
    return "Quá hạn xử lý.", "Past the handling deadline."


def _extension_decided(data, tz):
    if not data.get("approved"):
        return None
    due = _when(data["due_at"], tz, DATE)
    return (
        f"Được gia hạn xử lý đến ngày {due}.",
        f"The handling deadline was extended to {due}.",
    )


def _apology(data, tz):
    reason = sentence(data["reason"])
    due = _when(data["promised_due_at"], tz, DATE)
    return (
        f"Xin lỗi vì chậm trễ. Lý do: {reason} Hẹn trả kết quả ngày {due}.",
        f"We apologise for the delay. Reason: {reason} The result is promised for {due}.",
    )


def _promise_missed(data, tz):
    due = _when(data["promised_due_at"], tz, TIME_AND_DATE)
    return (
        f"Không trả kết quả đúng ngày đã hẹn ({due}).",
        f"The result was not given by the promised date ({due}).",
    )


def _returned(data, tz):
    return (
        "Đơn vị xử lý trả lại phản ánh cho đầu mối để phân công lại.",
        "The handling unit returned the report to the coordinator for reassignment.",
    )


def _duplicate(data, tz):
    code = data["original"]
    return f"Trùng với phản ánh {code}.", f"Duplicate of report {code}."


def _merged_in(data, tz):
    code = data["merged"]
    return (
        f"Phản ánh {code} được gộp vào phản ánh này.",
        f"Report {code} was merged into this one.",
    )


def _reopened(data, tz):
    return (
        "Người dân chưa hài lòng với kết quả xử lý; phản ánh được mở lại.",
        "The resident was not satisfied with the result; the report was reopened.",
    )


def _name(person: Mapping) -> str:
    return person.get("full_name") or person["username"]


def _officer_assigned(data, tz):
    officer, previous = data["officer"], data.get("previous")
    if officer:
        return (
            f"Giao cán bộ {_name(officer)} xử lý.",
            f"Given to {_name(officer)} to handle.",
        )
    if not previous:
        return "Không giao cho cán bộ nào.", "Not given to any officer."
    return (
        f"Không còn giao cho cán bộ {_name(previous)}.",
        f"No longer given to {_name(previous)}.",
    )


RENDERERS: dict[EventKind, Renderer] = {
    EventKind.OVERDUE: _overdue,
    EventKind.EXTENSION_DECIDED: _extension_decided,
    EventKind.APOLOGY: _apology,
    EventKind.PROMISE_MISSED: _promise_missed,
    EventKind.RETURN: _returned,
    EventKind.MARK_DUPLICATE: _duplicate,
    EventKind.MERGED_IN: _merged_in,
    EventKind.REOPEN: _reopened,
    EventKind.OFFICER_ASSIGNED: _officer_assigned,
}


def render(kind: str, data: Mapping | None, lang: str, tz: tzinfo) -> str | None:
    """The entry's sentence in ``lang``; None when the platform did not write it (a
    person's note, shown as written) or the entry lacks the data to write it again."""
    try:
        renderer = RENDERERS.get(EventKind(kind))
    except ValueError:
        return None
    if renderer is None:
        return None
    try:
        texts = renderer(data or {}, tz)
    except (KeyError, TypeError, ValueError):  # an older entry without the data
        return None
    if texts is None:
        return None
    vi, en = texts
    return en if lang == "en" else vi
