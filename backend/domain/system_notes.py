"""Timeline notes the platform writes itself, in Vietnamese or English (pure: no Flask;
the sentences are msgids, read from the gettext catalogues with Babel).

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

from backend import i18n_catalogues as catalogues
from backend.domain.sla import ClockKind
from backend.domain.text import N_, Msgid
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


# Each: (data, tz) -> the sentence as a msgid and its parameters, or None when the entry
# has no public sentence.
Renderer = Callable[[Mapping, tzinfo], Msgid | None]


def _overdue(data, tz):
    if data.get("clock") != ClockKind.HANDLE:
        return None
    return Msgid(N_("Past the handling deadline."))


def _extension_decided(data, tz):
    if not data.get("approved"):
        return None
    due = _when(data["due_at"], tz, DATE)
    return Msgid(N_("The handling deadline was extended to %(due)s."), {"due": due})


def _apology(data, tz):
    reason = sentence(data["reason"])
    due = _when(data["promised_due_at"], tz, DATE)
    return Msgid(
        N_("We apologise for the delay. Reason: %(reason)s The result is promised for %(due)s."),
        {"reason": reason, "due": due},
    )


def _promise_missed(data, tz):
    due = _when(data["promised_due_at"], tz, TIME_AND_DATE)
    return Msgid(N_("The result was not given by the promised date (%(due)s)."), {"due": due})


def _returned(data, tz):
    return Msgid(N_("The handling unit returned the report to the coordinator for reassignment."))


def _duplicate(data, tz):
    return Msgid(N_("Duplicate of report %(code)s."), {"code": data["original"]})


def _merged_in(data, tz):
    return Msgid(N_("Report %(code)s was merged into this one."), {"code": data["merged"]})


def _reopened(data, tz):
    return Msgid(N_("The resident was not satisfied with the result; the report was reopened."))


def _name(person: Mapping) -> str:
    return person.get("full_name") or person["username"]


def _officer_assigned(data, tz):
    officer, previous = data["officer"], data.get("previous")
    if officer:
        return Msgid(N_("Given to %(name)s to handle."), {"name": _name(officer)})
    if not previous:
        return Msgid(N_("Not given to any officer."))
    return Msgid(N_("No longer given to %(name)s."), {"name": _name(previous)})


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
        note = renderer(data or {}, tz)
    except (KeyError, TypeError, ValueError):  # an older entry without the data
        return None
    if note is None:
        return None
    return catalogues.translate(note.text, lang, **note.params)
