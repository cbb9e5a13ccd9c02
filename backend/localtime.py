"""The deployment's local time zone (``TIMEZONE``), for dates people read and type."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app


def local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])
