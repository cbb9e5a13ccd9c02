"""Which ward or commune a typed address names (no geocoder: names only, offline).

The address and the names are folded (:func:`backend.domain.text.fold`: no accents, case or
punctuation), and a name matches when its words stand whole in the address:
"12 Hai Bà Trưng, phường Ninh Kiều", "p. Ninh Kiều" and "phuong ninh kieu" all name
"Phường Ninh Kiều"; "Ninh Kiềuu" or "Tân Anh" do not name "Ninh Kiều" or "Tân An".
The kind word ("Phường", "Xã", "Đặc khu", "Thị trấn", "P.", "X.") is not needed, except
for names that are only a number ("Phường 1": "số 1 Lê Lợi" names no ward).
"""

from __future__ import annotations

from collections.abc import Iterable

from backend.domain.text import fold

#: Folded kind words a unit's name may start with, longest first, and their abbreviations.
KIND_WORDS = ("dac khu", "thi tran", "phuong", "xa", "tt", "p", "x")
_ABBREVIATIONS = {"phuong": ("p",), "xa": ("x",), "thi tran": ("tt",)}


def core(name: str) -> tuple[str, str]:
    """The folded name without its kind word, and the kind word ('' when none)."""
    folded = fold(name)
    for kind in KIND_WORDS:
        if folded.startswith(kind + " ") and len(folded) > len(kind) + 1:
            return folded[len(kind) + 1 :], kind
    return folded, ""


def phrases(name: str) -> list[str]:
    """The folded word sequences that, standing whole in an address, name ``name``."""
    rest, kind = core(name)
    if not rest:
        return []
    if not rest.replace(" ", "").isdigit():
        return [rest]
    if not kind:  # a bare number names nothing
        return []
    return [f"{word} {rest}" for word in (kind, *_ABBREVIATIONS.get(kind, ()))]


def named_units(address: str, names: Iterable[tuple[str, str]]) -> list[str]:
    """The codes of the units whose name stands in ``address``, in the order given.

    ``names`` holds (code, name) pairs; a unit may come with several names (its current one
    and those of the units merged into it). A name found only inside a longer name also
    found ("An" inside "Tân An") does not count.
    """
    text = f" {fold(address)} "
    found: dict[str, list[str]] = {}
    for code, name in names:
        for phrase in phrases(name):
            if f" {phrase} " in text:
                found.setdefault(code, []).append(phrase)
    everything = [p for ps in found.values() for p in ps]
    return [
        code
        for code, ps in found.items()
        if any(not any(p != q and f" {p} " in f" {q} " for q in everything) for p in ps)
    ]
