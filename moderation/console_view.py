"""What the moderation pages show of a report: its findings marked in its text, its photos
(before and after, hidden ones too, see :mod:`moderation.console_photos`), its history
(:mod:`moderation.history`) and the open reports nearby it may duplicate, each with its
category."""

from __future__ import annotations

from datetime import datetime

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from backend.domain.vocabulary import EventKind
from backend.models import Report, StaffUser
from backend.models.photo import PhotoKind
from backend.services import read_model
from backend.storage import public_url
from moderation import highlight, history, services

FINDINGS = {
    "abusive_words": _l("Abusive words"),
    "personal_data": _l("Personal data"),
    "phone": _l("Phone number"),
    "email": _l("E-mail address"),
    "identity_number": _l("Identity number"),
    "profile_link": _l("Personal profile link"),
    "too_short": _l("Very short text"),
    "not_vietnamese": _l("Probably not in Vietnamese"),
    "new_resident": _l("One of the resident's first reports"),
}


def category_name(report: Report) -> str:
    category = report.category
    return category.name_en if g.get("lang") == "en" else category.name_vi


def finding(flag: dict) -> dict:
    kind = flag.get("kind", "")
    detail = ""
    if kind == "abusive_words":
        detail = ", ".join(flag.get("words") or [])
    elif kind == "personal_data":
        detail = ", ".join(str(FINDINGS.get(t, t)) for t in flag.get("types") or [])
    elif kind == "new_resident":
        n = flag.get("earlier_reports", 0)
        detail = ngettext("%(num)d earlier report", "%(num)d earlier reports", n)
    return {
        "kind": kind,
        "label": str(FINDINGS.get(kind, kind)),
        "detail": detail,
        "in_address": flag.get("field") == "address",
    }


def _hide_reasons(view) -> dict[int, str]:
    """Each hidden photo's reason: the last hide's internal note."""
    reasons: dict[int, str] = {}
    for event in view.timeline:
        photo_id = (event.data or {}).get("photo_id")
        if event.type == EventKind.PHOTO_HIDDEN and photo_id is not None:
            reasons[photo_id] = event.internal_note or ""
    return reasons


def _photo(report: Report, photo, name: str, reasons: dict[int, str]) -> dict:
    thumb = public_url(photo.thumb_key) if photo.thumb_key else None
    display = public_url(photo.display_key) if photo.display_key else None
    if thumb is None:  # hidden (its public files are gone) or not made yet: the console's own
        thumb = url_for(
            "moderation_console.photo_file", code=report.code, photo_id=photo.id, size="thumb"
        )
        display = url_for(
            "moderation_console.photo_file", code=report.code, photo_id=photo.id, size="display"
        )
    return {
        "id": photo.id,
        "kind": photo.kind,
        "name": name,
        "hidden": photo.hidden,
        "hidden_reason": reasons.get(photo.id) if photo.hidden else None,
        "status": photo.rendition_status,
        "thumb_url": thumb,
        "display_url": display or thumb,
        "private": photo.thumb_key is None,
    }


def photos(report: Report, view) -> dict[str, list[dict]]:
    """The photos by kind: ``before`` (the resident's) and ``after`` (the unit's)."""
    reasons = _hide_reasons(view)
    grouped: dict[str, list[dict]] = {PhotoKind.BEFORE: [], PhotoKind.AFTER: []}
    for photo in view.photos:
        name = history.photo_name(photo.id, view.photos) or ""
        grouped.setdefault(photo.kind, []).append(_photo(report, photo, name, reasons))
    return {"before": grouped[PhotoKind.BEFORE], "after": grouped[PhotoKind.AFTER]}


def similar(report: Report, found: list[tuple[Report, float]]) -> list[dict]:
    """The merge candidates (``services.similar_reports``), each with its category (and
    whether it differs)."""
    return [
        {
            **item,
            "category": category_name(other),
            "other_category": other.category_id != report.category_id,
        }
        for item, (other, _metres) in zip(services.similar_items(found), found, strict=True)
    ]


def shown(
    staff: StaffUser,
    report: Report,
    now: datetime,
    nearby: list[tuple[Report, float]] | None = None,
) -> dict:
    """What the pages show of ``report``; ``nearby``, its merge candidates when the caller
    found them already (the queue finds a whole page's at once)."""
    if nearby is None:
        nearby = services.similar_reports([report], now)[report.id]
    view = read_model.build(staff, report, now)
    flags = report.moderation_flags or []
    titles = {kind: str(label) for kind, label in FINDINGS.items()}
    address = view.location["address"]
    return {
        "view": view,
        "held": services.is_held(report),
        "text": highlight.mark(view.description, highlight.spans(view.description, flags), titles),
        "address": highlight.mark(address, highlight.spans(address, flags, "address"), titles),
        "findings": [finding(f) for f in flags],
        "photos": photos(report, view),
        "photo_count": len(view.photos),
        "history": history.entries(view.timeline, g.get("lang", "vi"), view.photos),
        "similar": similar(report, nearby),
    }
