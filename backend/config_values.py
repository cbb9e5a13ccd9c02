"""Parsing the values of the environment's settings (pure: no environment read here;
:mod:`backend.config` reads it and calls these)."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
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
    """A per-installation key kept in the instance folder, so tokens survive restarts.

    Made once for every process that shares the folder: the key is written to a file of
    this process's own and linked into place, which fails if another process got there
    first (two app servers or workers started at once then agree on the key, instead of
    each signing with the one it wrote and reading the other's sessions as forged).
    """
    path = instance / "secret_key"
    if not path.exists():
        mine = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        mine.write_text(secrets.token_urlsafe(48))
        mine.chmod(0o600)
        try:
            os.link(mine, path)
        except FileExistsError:
            pass  # another process made it first: use that one
        except OSError:  # a file system without hard links
            if not path.exists():
                mine.replace(path)
        finally:
            mine.unlink(missing_ok=True)
    return path.read_text().strip()


#: The settings of photo storage in an S3-compatible bucket (read by backend.config).
OBJECT_STORAGE_VARS = (
    "S3_BUCKET",
    "S3_PREFIX",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_HTTP_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")


@dataclass(frozen=True)
class ObjectStorage:
    """Photos in an S3-compatible bucket (backend.storage_s3). No keys: boto3's default
    chain (an instance role, ``~/.aws``, ``AWS_PROFILE``) finds them."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)


def object_storage(values: dict[str, str | None]) -> ObjectStorage | None:
    """The bucket's settings, or None (local disk). Half a configuration is refused: photos
    must never land on the local disk of one machine because a setting was mistyped."""
    bucket = values.get("S3_BUCKET")
    if not bucket:
        stray = [name for name in ("S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION") if values.get(name)]
        if stray:
            raise ConfigError(
                f"{', '.join(stray)} set without S3_BUCKET: set the bucket too (photos in "
                "object storage) or unset them (photos on the local disk, MEDIA_ROOT)"
            )
        return None
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise ConfigError(f"S3_BUCKET is not a bucket name (3-63 of a-z 0-9 . -): {bucket!r}")
    key_id, secret = values.get("AWS_ACCESS_KEY_ID"), values.get("AWS_SECRET_ACCESS_KEY")
    if bool(key_id) != bool(secret):
        raise ConfigError("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY together, or neither")
    endpoint = values.get("S3_ENDPOINT_URL")
    if endpoint and not _HTTP_URL.fullmatch(endpoint):
        raise ConfigError(f"S3_ENDPOINT_URL must be an http(s):// URL: {endpoint!r}")
    prefix = (values.get("S3_PREFIX") or "").strip("/")
    if prefix and any(part in ("", ".", "..") for part in prefix.split("/")):
        raise ConfigError(f"S3_PREFIX must be folder names joined by /: {prefix!r}")
    return ObjectStorage(
        bucket=bucket,
        prefix=f"{prefix}/" if prefix else "",
        endpoint_url=endpoint.rstrip("/") if endpoint else None,
        region=values.get("S3_REGION"),
        access_key_id=key_id,
        secret_access_key=secret,
    )


def media_public_base_url(text: str | None, *, production: bool) -> str | None:
    """Where public renditions are served from instead of the app (a CDN, the bucket)."""
    if not text:
        return None
    if not _HTTP_URL.fullmatch(text) or (production and not text.startswith("https://")):
        scheme = "https://" if production else "http(s)://"
        raise ConfigError(f"MEDIA_PUBLIC_BASE_URL must be an {scheme} URL: {text!r}")
    return text.rstrip("/")
