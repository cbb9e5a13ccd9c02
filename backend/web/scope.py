"""The province a portal page is about: ``/p/<slug>/...`` (see :mod:`backend.web.provinces`)."""

from __future__ import annotations

from flask import g

from backend.models import AdminUnit


def current_province() -> AdminUnit | None:
    """The province of this page, None for every province (the unprefixed pages)."""
    return g.get("province")
