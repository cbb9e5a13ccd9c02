"""The deployment's local time zone (``TIMEZONE``), for dates people read and type."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_date(instant: datetime) -> date:
    """The calendar date of ``instant`` where the deployment is."""
    return instant.astimezone(local_tz()).date()
