"""Loading a report by its tracking code: one way, for every audience."""

from __future__ import annotations

from sqlalchemy import select

from backend.db import db
from backend.domain.text import tracking_code
from backend.errors import ConcurrentUpdate, ReportNotFound
from backend.models import Report, Resident, StaffUser
from backend.services import policy


def by_code(code: str) -> Report | None:
    """Any report, by tracking code as typed: case and surrounding spaces do not matter."""
    return db.session.scalar(select(Report).where(Report.code == tracking_code(code)))


def for_reader(actor: StaffUser | Resident | None, code: str) -> Report:
    """A report ``actor`` may read (the public when None); anything else answers 404,
    indistinguishable from a report that does not exist."""
    report = by_code(code)
    if not policy.may_read(actor, report):
        raise ReportNotFound()
    return report


def require_version(report: Report, expected: int | None) -> Report:
    """``report`` as the person last saw it (``expected`` = the version their page or
    request was built from), else :class:`ConcurrentUpdate`: someone acted meanwhile, and
    acting now would silently overwrite what they did. None skips the check."""
    if expected is not None and expected != report.version:
        raise ConcurrentUpdate()
    return report


def parse_version(text: str | None) -> int | None:
    """A report version as a form or an ``If-Match`` header sends it back: ASCII digits
    only (``"²".isdigit()`` is true, yet ``int("²")`` fails), at most 12; None otherwise."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return int(text)
