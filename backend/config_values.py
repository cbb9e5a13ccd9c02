"""Parsing the values of the environment's settings (pure: no environment read here;
:mod:`backend.config` reads it and calls these)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path

from backend.domain.calendar import CalendarError, parse_hours
from backend.domain.sla import WORKING_DAY


class ConfigError(RuntimeError):
    """The environment describes a configuration the app refuses to run with."""


def office_hours(text: str):
    """Office intervals adding up to the 8-hour working day every budget is written in.

    Budgets in working days ("15 working days") are 8 working hours each
    (``backend.domain.sla.WORKING_DAY``), and the figures count working days by the
    office day's length: both agree only when the office day is 8 hours.
    """
    try:
        hours = parse_hours(text)
    except CalendarError as exc:
        raise ConfigError(f"OFFICE_HOURS: {exc}") from exc
    length = sum(
        (
            datetime.combine(date.min, end) - datetime.combine(date.min, start)
            for start, end in hours
        ),
        timedelta(),
    )
    if length != WORKING_DAY:
        raise ConfigError(f"OFFICE_HOURS must add up to 8 hours a day, not {length}: {text!r}")
    return hours


def window(text: str) -> tuple[time, time]:
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as exc:
        raise ConfigError(f"QUIET_HOURS must look like 22:00-06:30: {text!r}") from exc
    return start, end


def fractions(text: str) -> tuple[float, ...]:
    try:
        values = tuple(sorted(float(part) for part in text.split(",") if part.strip()))
    except ValueError as exc:
        raise ConfigError(f"SLA_REMINDERS must look like 0.5,0.8: {text!r}") from exc
    if any(not 0 < v < 1 for v in values):
        raise ConfigError(f"SLA_REMINDERS fractions must be between 0 and 1: {text!r}")
    return values


def dev_secret_key(instance: Path) -> str:
    """A per-installation key kept in the instance folder, so tokens survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
