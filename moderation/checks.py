"""The automatic screen every new report passes (subscribed to ``report_received``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from backend.config import ConfigError
from backend.db import db
from backend.models import Report
from moderation.text import Blocklist, findings

DEFAULT_BLOCKLIST = Path(__file__).parent / "data" / "blocklist.txt"
#: Findings that keep a report out of public view until a moderator has looked.
#: ("not_vietnamese" only informs: phones often type Vietnamese without accents.)
HOLDING = frozenset({"abusive_words", "too_short"})


@dataclass(frozen=True)
class Policy:
    """``MODERATION_MODE``: ``all``, ``flagged`` (default), ``first:N`` (flagged, plus the
    first N reports of every resident) or ``off``."""

    moderate_all: bool = False
    moderate_flagged: bool = True
    first_reports: int = 0

    @classmethod
    def parse(cls, text: str) -> Policy:
        text = text.strip().lower()
        if text == "all":
            return cls(moderate_all=True)
        if text == "flagged":
            return cls()
        if text == "off":
            return cls(moderate_flagged=False)
        if text.startswith("first:") and text[6:].isdigit():
            return cls(first_reports=int(text[6:]))
        raise ConfigError(f"MODERATION_MODE must be all, flagged, first:N or off: {text!r}")


@functools.cache
def _blocklist(path: str, mtime: float) -> Blocklist:
    return Blocklist.parse(Path(path).read_text(encoding="utf-8").splitlines())


def blocklist() -> Blocklist:
    path = Path(current_app.config.get("MODERATION_BLOCKLIST") or DEFAULT_BLOCKLIST)
    return _blocklist(str(path), path.stat().st_mtime)


def screen(report: Report, now: datetime) -> dict:
    """Receiver of ``backend.signals.report_received``: findings, and whether to hold."""
    policy = Policy.parse(current_app.config["MODERATION_MODE"])
    found = findings(report.description, blocklist())
    abusive_address = blocklist().matches(report.address or "")
    if abusive_address:
        found.append({"kind": "abusive_words", "words": abusive_address, "field": "address"})
    hold = policy.moderate_all or (
        policy.moderate_flagged and any(f["kind"] in HOLDING for f in found)
    )
    if policy.first_reports:
        earlier = db.session.scalar(
            select(func.count(Report.id)).where(Report.reporter_id == report.reporter.id)
        )
        if earlier < policy.first_reports:
            found.append({"kind": "new_resident", "earlier_reports": earlier})
            hold = True
    return {"hold": hold, "flags": found}


def on_report_received(report: Report, now: datetime, **_kwargs) -> dict | None:
    """The signal receiver; apps built without this plugin are left alone."""
    if not current_app.extensions.get("moderation"):
        return None
    return screen(report, now)
