"""Provinces as tenants: pure helpers (no database, no Flask).

A province's URL name (its *slug*) is its name without the "TP"/"Thành phố"/"Tỉnh"
prefix, folded and joined by hyphens: ``TP Cần Thơ`` -> ``can-tho``,
``Tỉnh Vĩnh Long`` -> ``vinh-long``, ``TP HCM`` -> ``ho-chi-minh``.
"""

from __future__ import annotations

import re

from backend.domain.text import fold

_PREFIX = re.compile(r"^(thanh pho|tp|tinh)\s+")

#: Official GSO codes of the 2025 provinces where they are known here, by folded name
#: (the data set's own ids VN01..VN34 are not GSO codes; the others keep them).
GSO_CODES = {
    "can tho": "92",
    "vinh long": "86",
    "ha noi": "01",
    "hcm": "79",
    "ho chi minh": "79",
    "hue": "46",
    "da nang": "48",
}


def bare_name(name: str) -> str:
    """The folded name without its "TP"/"Tỉnh" prefix: ``TP Cần Thơ`` -> ``can tho``."""
    return _PREFIX.sub("", fold(name))


#: Names the data set abbreviates, spelt out in the URL.
_SLUGS = {"hcm": "ho-chi-minh"}


def province_slug(name: str) -> str:
    bare = bare_name(name)
    return _SLUGS.get(bare, bare.replace(" ", "-"))


def gso_code(name: str) -> str | None:
    """The GSO code of a 2025 province by its name, when known (see :data:`GSO_CODES`)."""
    return GSO_CODES.get(bare_name(name))
