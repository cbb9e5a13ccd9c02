"""Open311 GeoReport v2, the pure part (no Flask, no database): the status a client reads,
the answers of a form's ``attribute[CODE]`` fields, the dates of a query.

The server itself is :mod:`backend.open311` (routes, formats) over
:mod:`backend.services.open311` (intake, tokens, queries).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

from backend.domain.workflow import CLOSED_STATUSES, Status

#: The specification this endpoint implements (the discovery document names it).
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: A query without dates reads this far back; a query's dates may not span more.
WINDOW = timedelta(days=90)
#: Requests in one answer: the specification's default limit; ``page_size`` may ask less.
PAGE_SIZE = 1000


class Format(StrEnum):
    JSON = "json"
    XML = "xml"


class Open311Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def status_of(status: str) -> Open311Status:
    """``open`` or ``closed`` from the core's status groups: resolved and every final state
    (closed, rejected, a duplicate) are closed; the rest, still being handled, open."""
    return Open311Status.CLOSED if Status(status) in CLOSED_STATUSES else Open311Status.OPEN


def statuses_in(group: Open311Status) -> list[str]:
    """The core statuses an Open311 ``status`` filter stands for."""
    return sorted(s.value for s in Status if status_of(s) == group)


def parse_statuses(value: str | None) -> list[Open311Status] | None:
    """``status=open``, ``closed``, both (``open,closed`` or ``both``); None: any. Raises
    ValueError."""
    if value is None or value.strip().lower() == "both":
        return None
    found = [Open311Status(part.strip().lower()) for part in value.split(",") if part.strip()]
    return sorted(set(found)) or None


def parse_datetime(value: str, tz: tzinfo = UTC, *, end: bool = False) -> datetime:
    """An ISO 8601 date-time of a query. The specification asks for a zone; a client that
    forgets it means the province's time (``tz``), and a date alone means that whole day
    there: its start, or for an ``end`` its last instant. A ``+`` the URL turned into a
    space is read back. Raises ValueError."""
    text = value.strip()
    if len(text) > 19 and text[19:20] == " ":
        text = text[:19] + "+" + text[20:]  # "...T07:30:00 07:00": an unencoded "+"
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if len(text) == 10:  # a date alone
        parsed = parsed.replace(tzinfo=tz)
        return parsed + timedelta(days=1, microseconds=-1) if end else parsed
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def format_datetime(value: datetime | None) -> str | None:
    """ISO 8601 with the zone, in UTC (``...+00:00``), to the second."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


class WindowTooWide(ValueError):
    pass


def window(start: datetime | None, end: datetime | None, now: datetime) -> Window:
    """The requested dates of ``GET requests``: by default the last 90 days; one date
    alone reaches 90 days from it (``start_date``) or back from it (``end_date``); both
    may not span more than 90 days (:class:`WindowTooWide`) nor end before they start."""
    if start is None and end is None:
        return Window(now - WINDOW, now)
    if start is None:
        return Window(end - WINDOW, end)
    if end is None:
        return Window(start, start + WINDOW)
    if end < start:
        raise ValueError("end_date is before start_date")
    if end - start > WINDOW:
        raise WindowTooWide("the dates span more than 90 days")
    return Window(start, end)


def split_codes(value: str | None) -> list[str]:
    """``a,b, c`` → ``["a", "b", "c"]``, empty parts dropped, order kept, no repeats."""
    if not value:
        return []
    seen: dict[str, None] = {}
    for part in value.split(","):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def answers_from_form(
    items: Sequence[tuple[str, str]], questions: Sequence[Mapping]
) -> tuple[dict, dict[str, list[str]]]:
    """The answers a form gives the category's ``questions`` (dicts as in
    :mod:`backend.domain.questions`): ``attribute[CODE]=v`` for one value and
    ``attribute[CODE][]=v`` (repeated) for a multi-value list; a number's text becomes a
    number. Returns the answers and what is wrong with the form itself (a value given twice
    to a single-value question, a number that is not one); the answers are then checked
    against the definition by :func:`backend.domain.questions.check_answers`."""
    kinds = {q["code"]: q["datatype"] for q in questions}
    raw: dict[str, list[str]] = {}
    problems: dict[str, list[str]] = {}
    for name, value in items:
        if not name.startswith("attribute[") or "]" not in name:
            continue
        code, _, rest = name[len("attribute[") :].partition("]")
        if rest not in ("", "[]") or not code:
            problems[name] = ["Not attribute[CODE] nor attribute[CODE][]."]
            continue
        if value == "":
            continue  # an empty field counts as absent
        raw.setdefault(code, []).append(value)
    answers: dict = {}
    for code, values in raw.items():
        kind = kinds.get(code)
        if kind is None:
            answers[code] = values[0]  # not a question of the service: check_answers says so
        elif kind == "multivaluelist":
            answers[code] = values
        elif len(values) > 1:
            problems[f"attribute[{code}]"] = ["One value only."]
        elif kind == "number":
            try:
                number = float(values[0])
            except ValueError:
                problems[f"attribute[{code}]"] = ["Not a number."]
                continue
            if number != number or number in (float("inf"), float("-inf")):
                problems[f"attribute[{code}]"] = ["Not a number."]
                continue
            answers[code] = int(number) if number.is_integer() else number
        else:
            answers[code] = values[0]
    return answers, problems
