"""Ranking by Decision 766 points: best first, equal points share a rank (1, 1, 3).

Pure: entries are dicts with a ``figures`` dict (``points``, ``on_time_rate``,
``received``) as :func:`backend.domain.scoring.figures` gives them. Entries with no
case (``received == 0``) come last and get no rank.
"""

from __future__ import annotations


def rank_key(entry: dict) -> tuple:
    """Points, then on-time rate, then received, best first; no case last."""
    f = entry["figures"]
    return (f["received"] == 0, -(f["points"] or 0), -(f["on_time_rate"] or 0), -f["received"])


def ranked(entries: list[dict]) -> list[dict]:
    """The entries sorted best first, each with its competition ``rank`` (None: no case)."""
    entries = sorted(entries, key=rank_key)
    rank, previous = 0, None
    for position, entry in enumerate(entries, start=1):
        points = entry["figures"]["points"]
        if points is None:
            entry["rank"] = None
            continue
        if points != previous:
            rank, previous = position, points
        entry["rank"] = rank
    return entries
