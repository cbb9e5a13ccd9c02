"""Paging whose cost follows the page, not the table: a bounded count and keyset cursors.

The public board never counts every matching report: it counts up to :data:`COUNT_CAP`
(and says whether the figure is exact), and pages deeper than :data:`MAX_OFFSET` rows
are reached with a cursor (the last row's ``created_at`` and ``id``, in the board's
order: newest first), never an OFFSET that reads and throws away every row before it.
A cursor is opaque to clients: a versioned, URL-safe token.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, func, or_, select

from backend.db import db
from backend.domain.text import N_
from backend.errors import ValidationFailed
from backend.models import Report

#: The board counts up to this many matching reports; beyond, "more than 10,000".
COUNT_CAP = 10_000
#: ``?page=`` reaches rows up to this offset; deeper ones are read with the cursor.
MAX_OFFSET = 10_000
_PREFIX = "c1."
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


class InvalidCursor(ValidationFailed):
    code = "invalid_cursor"
    message = N_("This page link is not valid any more: start again from the first page.")


class PageTooDeep(ValidationFailed):
    code = "page_too_deep"
    message = N_(
        "Pages this deep are read with the cursor: follow “next” from an earlier page "
        "(page × page_size at most %(max)s)."
    )


_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Position:
    """Where a page ends in the board's order (newest first): the next page starts after."""

    created_at: datetime
    id: int

    def token(self) -> str:
        created = self.created_at
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        micros = (created - _EPOCH) // _MICRO
        raw = f"{micros}:{self.id}".encode()
        return _PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def of(cls, report: Report) -> Position:
        return cls(report.created_at, report.id)

    @classmethod
    def parse(cls, token: str) -> Position:
        try:
            if not token.startswith(_PREFIX) or len(token) > 64:
                raise ValueError(token)
            body = token.removeprefix(_PREFIX)
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
            micros, report_id = (int(part) for part in raw.split(":"))
            created = _EPOCH + micros * _MICRO
        except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError, OSError) as exc:
            raise InvalidCursor(fields={"cursor": ["Not a cursor of this list."]}) from exc
        if not 1 <= report_id <= _MAX_ID:  # past a 64-bit integer the database refuses it
            raise InvalidCursor(fields={"cursor": ["Not a cursor of this list."]})
        return cls(created, report_id)

    def after(self) -> object:
        """The rows after this one, newest first (row comparison the indexes can use)."""
        return (Report.created_at <= self.created_at) & or_(
            Report.created_at < self.created_at, Report.id < self.id
        )


def bounded_count(stmt: Select, cap: int | None = None) -> tuple[int, bool]:
    """How many rows ``stmt`` matches, counting at most ``cap`` (and whether exact)."""
    cap = COUNT_CAP if cap is None else cap
    # In the board's order: the planner then walks the filter's (column, created_at) index
    # as for the page, and stops after cap + 1 rows, instead of a sequential scan that
    # stops early only when the matching rows happen to come first.
    limited = (
        stmt.order_by(None)
        .with_only_columns(Report.id)
        .order_by(Report.created_at.desc())
        .limit(cap + 1)
        .subquery()
    )
    found = db.session.scalar(select(func.count()).select_from(limited)) or 0
    return min(found, cap), found <= cap


def check_depth(page: int, page_size: int) -> None:
    if (page - 1) * page_size >= MAX_OFFSET:
        raise PageTooDeep(
            params={"max": MAX_OFFSET},
            fields={"page": [f"At most {MAX_OFFSET} rows by page number: use the cursor."]},
        )
