"""shapely's ``explain_validity`` ("Self-intersection[105.7825 10.0535]") in words for
the page's language, the point kept as numbers; an unknown reason stays as shapely wrote
it (better the technical words than nothing)."""

from __future__ import annotations

import re

from backend.domain.text import N_
from backend.i18n import translate

#: shapely (GEOS) reasons, each a msgid with the point as %(lng)s and %(lat)s.
REASONS = {
    "Self-intersection": N_("the boundary crosses itself at longitude %(lng)s, latitude %(lat)s"),
    "Ring Self-intersection": N_(
        "a ring of the boundary touches itself at longitude %(lng)s, latitude %(lat)s"
    ),
    "Too few points": N_(
        "too few points to close a ring, near longitude %(lng)s, latitude %(lat)s"
    ),
    "Hole lies outside shell": N_(
        "a hole lies outside the outer boundary, at longitude %(lng)s, latitude %(lat)s"
    ),
    "Nested shells": N_(
        "one part of the unit lies inside another, at longitude %(lng)s, latitude %(lat)s"
    ),
    "Interior is disconnected": N_(
        "the holes cut the area into pieces, at longitude %(lng)s, latitude %(lat)s"
    ),
    "Duplicate Rings": N_("a ring is repeated, at longitude %(lng)s, latitude %(lat)s"),
}
_DETAIL = re.compile(r"^\s*(?P<reason>[A-Za-z][A-Za-z -]*?)\s*\[(?P<lng>\S+)\s+(?P<lat>\S+)\]\s*$")


def _number(text: str) -> str | None:
    try:
        float(text)
    except ValueError:
        return None
    return text


def explain(detail: str, lang: str) -> str:
    """``detail`` (shapely's words) in ``lang``; unchanged when the reason is unknown."""
    found = _DETAIL.match(detail or "")
    if not found or found["reason"] not in REASONS:
        return detail
    lng, lat = _number(found["lng"]), _number(found["lat"])
    if lng is None or lat is None:
        return detail
    return translate(REASONS[found["reason"]], lang, lng=lng, lat=lat)
