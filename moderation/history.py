"""A report's history as a moderator reads it (the console's moderation page).

Each timeline entry is named by its kind (``event_label``) and its texts say what they are,
from the entry's kind and data: a rating reads "Rating: 2/5" and "The resident's comment",
never "Internal note"; a refusal says the reason chosen and the message the resident
read; an extension request the date asked for and the unit's reason. The platform's own
sentences come in the page's language (the read model's ``system_note``; the reminders'
Vietnamese internal notes are written again here from their data), people's words as
written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from backend.console.labels import event_label
from backend.domain.sla import ClockKind
from backend.domain.vocabulary import EventKind as E
from backend.i18n import local_time
from backend.models import Photo
from backend.models.photo import PhotoKind
from backend.services.read_model import EventView
from moderation.services import RejectReason

DATE = "dd/MM/yyyy"

REJECT_REASONS = {
    RejectReason.SPAM: _l("Spam or advertising"),
    RejectReason.ABUSIVE: _l("Abusive or offensive content"),
    RejectReason.OUT_OF_SCOPE: _l("Out of scope (another procedure, or no problem on the ground)"),
    RejectReason.DUPLICATE: _l("Duplicate of another report"),
    RejectReason.INSUFFICIENT_INFORMATION: _l("Not enough information"),
}

#: What an entry's public ``note`` is, by kind (otherwise "Public note", or "Note" when the
#: entry is not public).
NOTE_LABELS = {
    E.REJECT: _l("Message to the resident"),
    E.REQUEST_INFO: _l("Question to the resident"),
    E.PROVIDE_INFO: _l("The resident's answer"),
    E.RESOLVE: _l("Result given to the resident"),
}
#: What an entry's ``internal_note`` is, by kind (otherwise "Internal note").
INTERNAL_LABELS = {
    E.RATED: _l("The resident's comment"),
    E.FOLLOWER_FEEDBACK: _l("The follower's comment"),
    E.REOPEN: _l("Why the resident reopened it"),
    E.RETURN: _l("Why the unit returned it"),
    E.FORWARD: _l("Note for the unit"),
    E.EXTENSION_REQUESTED: _l("The unit's reason"),
    E.EXTENSION_DECIDED: _l("The coordinator's note"),
    E.MODERATION_APPROVED: _l("The moderator's note"),
    E.TEXT_EDITED: _l("Reason"),
    E.PHOTO_HIDDEN: _l("Reason"),
    E.PHOTO_SHOWN: _l("Reason"),
    E.REPORTER_LOCKED: _l("Reason"),
    E.REPORTER_UNLOCKED: _l("Reason"),
}
#: Entries whose internal note is the platform's own Vietnamese sentence: replaced by the
#: sentence written from their data in the page's language (see ``_FACTS``).
PLATFORM_INTERNAL = frozenset({E.SLA_REMINDER, E.APOLOGY_REMINDER, E.ESCALATED})
#: Entries that name the unit they moved the report to.
MOVES = frozenset({E.ASSIGN, E.FORWARD, E.REOPEN})


@dataclass
class Line:
    text: str
    label: str | None = None
    #: "system" (the platform's sentence), "public" (a note the public or the resident
    #: reads), "internal" (staff only) or "fact" (from the entry's data).
    kind: str = "fact"
    #: "vi" for people's words as written (the page may be in English).
    lang: str | None = None


@dataclass
class Entry:
    at: object
    type: str
    label: str
    who: str | None
    internal: bool
    lines: list[Line] = field(default_factory=list)


def _date(value) -> str:
    return local_time(value, DATE) if value else ""


def _reminder(data: dict, photos) -> list[Line]:
    percent = round(100 * float(data.get("fraction") or 0))
    if data.get("clock") == ClockKind.ACCEPT:
        text = _(
            "%(percent)d%% of the time to accept it used; due %(date)s.",
            percent=percent,
            date=_date(data.get("due_at")),
        )
    else:
        text = _(
            "%(percent)d%% of the handling time used; due %(date)s.",
            percent=percent,
            date=_date(data.get("due_at")),
        )
    return [Line(text, kind="system")]


def _apology_reminder(data: dict, photos) -> list[Line]:
    return [Line(_("The unit has not yet apologised and given a new date."), kind="system")]


def _escalated(data: dict, photos) -> list[Line]:
    if data.get("reason") == E.PROMISE_MISSED:
        why = _("The date promised in the apology was missed.")
    elif data.get("clock") == ClockKind.ACCEPT:
        why = _("The unit did not accept the report in time.")
    else:
        why = _("The handling deadline was missed.")
    lines = [Line(why, kind="system")]
    if data.get("to"):
        lines.append(Line(", ".join(data["to"]), label=_("Sent to")))
    return lines


def _rated(data: dict, photos) -> list[Line]:
    if "rating" not in data:
        return []
    return [Line(_("%(score)s/5", score=data["rating"]), label=_("Rating"))]


def _feedback(data: dict, photos) -> list[Line]:
    if "helped" not in data:
        return []
    if data["helped"]:
        return [Line(_("The resolution helped them too."))]
    return [Line(_("The resolution did not help them."))]


def _extension_requested(data: dict, photos) -> list[Line]:
    if not data.get("proposed_due_at"):
        return []
    return [Line(_date(data["proposed_due_at"]), label=_("New deadline asked for"))]


def _extension_decided(data: dict, photos) -> list[Line]:
    if "approved" not in data:
        return []
    return [Line(_("Approved.") if data["approved"] else _("Denied."), label=_("Decision"))]


def _rejected(data: dict, photos) -> list[Line]:
    code = data.get("reason_code")
    if not code:
        return []
    try:
        label = str(REJECT_REASONS[RejectReason(code)])
    except ValueError:
        label = code
    return [Line(label, label=_("Reason for refusing"))]


def _text_edited(data: dict, photos) -> list[Line]:
    if data.get("previous_public_text") is None:
        return []
    return [Line(data["previous_public_text"], label=_("Public text before"), lang="vi")]


def photo_name(photo_id, photos: Iterable[Photo]) -> str | None:
    """ "Photo 2 (before)": the photo's place among the report's photos of its kind."""
    counts: dict[str, int] = {}
    for photo in photos:
        counts[photo.kind] = counts.get(photo.kind, 0) + 1
        if photo.id == photo_id:
            if photo.kind == PhotoKind.AFTER:
                return _("After photo %(n)d", n=counts[photo.kind])
            return _("Before photo %(n)d", n=counts[photo.kind])
    return None


def _photo(data: dict, photos) -> list[Line]:
    name = photo_name(data.get("photo_id"), photos)
    return [Line(name)] if name else []


#: Lines written from an entry's data, by kind.
_FACTS: dict[E, Callable[[dict, list], list[Line]]] = {
    E.SLA_REMINDER: _reminder,
    E.APOLOGY_REMINDER: _apology_reminder,
    E.ESCALATED: _escalated,
    E.RATED: _rated,
    E.FOLLOWER_FEEDBACK: _feedback,
    E.EXTENSION_REQUESTED: _extension_requested,
    E.EXTENSION_DECIDED: _extension_decided,
    E.REJECT: _rejected,
    E.TEXT_EDITED: _text_edited,
    E.PHOTO_HIDDEN: _photo,
    E.PHOTO_SHOWN: _photo,
}


def _who(event: EventView) -> str | None:
    if event.actor:
        return event.actor.get("name") or event.actor.get("username")
    if event.actor_kind == "resident":
        return _("a resident") if event.type == E.FOLLOWER_FEEDBACK else _("the resident")
    if event.actor_kind == "system":
        return _("automatic")
    return None


def entry(event: EventView, lang: str, photos: list[Photo]) -> Entry:
    """One timeline entry, named and with each of its texts labelled."""
    kind = E(event.type)
    data = event.data or {}
    lines: list[Line] = []
    if kind in MOVES and event.department:
        lines.append(Line(event.department["name"], label=_("Unit")))
    if event.system_note:  # the stored note is this sentence in Vietnamese
        lines.append(Line(event.system_note[lang], kind="system"))
    elif event.note:
        label = NOTE_LABELS.get(kind) or (_("Public note") if event.public else _("Note"))
        lines.append(Line(event.note, label=str(label), kind="public", lang="vi"))
    facts = _FACTS.get(kind)
    if facts is not None:
        lines += facts(data, photos)
    if event.internal_note and kind not in PLATFORM_INTERNAL:
        label = INTERNAL_LABELS.get(kind, _l("Internal note"))
        lines.append(Line(event.internal_note, label=str(label), kind="internal", lang="vi"))
    return Entry(
        at=event.at,
        type=kind.value,
        label=event_label(kind),
        who=_who(event),
        internal=event.public is False,
        lines=lines,
    )


def entries(timeline: list[EventView], lang: str, photos: list[Photo]) -> list[Entry]:
    return [entry(event, lang, photos) for event in timeline]
