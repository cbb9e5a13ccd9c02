"""The staff console: server-rendered pages under ``/console`` for the people who answer
reports (department desks, the coordinator's triage, moderation).

The console decides nothing on its own: who may see a report is the access policy's
``readable``/``may_read``, what they see of it is the read model, what they may do now is
``policy.allowed_actions``, and each action is one workflow service. Pages are plain HTML
forms (they work without JavaScript); every state-changing request carries a CSRF token.

Plugins (``moderation``, ``notifications``) add their own pages with :func:`blueprint`,
which puts the same sign-in and CSRF guard in front of them, and a menu entry (with an
optional badge) with :func:`add_section`; ``backend`` never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Flask

from backend.domain.roles import Role
from backend.models import StaffUser

SECTIONS = "phananh_console_sections"


@dataclass(frozen=True)
class Section:
    """A menu entry: an endpoint, its label (a gettext msgid), who sees it, and a badge."""

    endpoint: str
    label: str
    roles: frozenset[Role]
    badge: Callable[[StaffUser, datetime], int] | None = None
    order: int = 50
    #: What the badge's number means, for screen readers: the badge's number -> the text,
    #: so that it can take the plural the number asks for, e.g.
    #: ``lambda n: ngettext("%(num)d unread", "%(num)d unread", n)``.
    #: None: "N new".
    badge_label: Callable[[int], str] | None = None
    #: Who of those roles sees it (e.g. national staff only); None: all of them.
    visible: Callable[[StaffUser], bool] | None = None


def add_section(app: Flask, section: Section) -> None:
    app.extensions.setdefault(SECTIONS, []).append(section)


def sections(app: Flask, staff: StaffUser) -> list[Section]:
    found = [
        s
        for s in app.extensions.get(SECTIONS, [])
        if staff.role in s.roles and (s.visible is None or s.visible(staff))
    ]
    return sorted(found, key=lambda s: s.order)


def blueprint(name: str, import_name: str, url_prefix: str = "", **kwargs) -> Blueprint:
    """A blueprint of console pages under ``/console<url_prefix>``, behind the console's
    sign-in and CSRF guard (``backend.console.guard``)."""
    from backend.console.guard import protect

    bp = Blueprint(name, import_name, url_prefix=f"/console{url_prefix}", **kwargs)
    protect(bp)
    return bp


def init_app(app: Flask) -> None:
    from backend.console import (  # noqa: F401  (their routes, on the console blueprint)
        admin,
        admin_boundaries,
        admin_calendar,
        admin_catalogue,
        admin_open311,
        admin_routing,
        admin_staff,
        admin_units,
        auth,
        desk,
        intake,
        national,
        operations,
        reports,
        triage,
    )
    from backend.console.guard import csrf, register_errors
    from backend.console.views import bp

    csrf.init_app(app)
    register_errors(app)
    app.register_blueprint(bp)
